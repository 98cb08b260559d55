from django.db import models
from django.utils.translation import gettext_lazy as _

from liangze.core.models import BaseModel


class Level(models.TextChoices):
    """Administrative levels, top down. The order of declaration is the order of rank."""

    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


LEVEL_RANK = {level: rank for rank, level in enumerate(Level.values)}


def level_rank(level: str) -> int:
    """0 for province … 4 for village; a higher number is a lower level."""
    return LEVEL_RANK[level]


class Division(BaseModel):
    """A unit of the division tree (行政区划), from province down to village.

    `code` is the 12-digit statistical division code of one vintage (docs/domain.md §3.3). Codes
    change from year to year, so they are never the primary key; `path` (core.tree) locates the subtree.
    """

    code = models.CharField(_("division code"), max_length=12)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=80, unique=True)
    vintage = models.PositiveSmallIntegerField(_("vintage year"))
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "vintage"], name="division_code_vintage_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rank(self) -> int:
        return level_rank(self.level)
