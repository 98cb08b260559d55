from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from liangze.core.models import BaseModel


class Role(models.TextChoices):
    OFFICE_STAFF = "office_staff", _("Food safety office staff")
    OFFICIAL = "official", _("Responsible official")
    REGULATOR = "regulator", _("Market regulator")
    LEADER = "leader", _("Leader (read-only)")
    BUSINESS_DIRECTOR = "business_director", _("Business food-safety director")
    BUSINESS_OFFICER = "business_officer", _("Business food-safety officer")
    ADMIN = "admin", _("Platform administrator")


# Roles whose grant opens the whole subtree of the grant's division to reading.
REGION_ROLES = frozenset({Role.OFFICE_STAFF, Role.OFFICIAL, Role.REGULATOR, Role.LEADER})


BUSINESS_ROLES = frozenset({Role.BUSINESS_DIRECTOR, Role.BUSINESS_OFFICER})


@dataclass(frozen=True)
class Jurisdiction:
    """What a user may read: whole division subtrees, plus single businesses they work for."""

    everything: bool
    paths: tuple[str, ...]
    business_ids: tuple[int, ...] = ()


class User(AbstractUser):
    """A person who logs in. Nobody has e-mail here; accounts are issued by office staff.

    `division` is the account's home: the office staff of that subtree manage the account.
    """

    display_name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    must_change_password = models.BooleanField(default=False)

    objects = UserManager()

    REQUIRED_FIELDS = []

    def __str__(self) -> str:
        return self.display_name or self.username

    def active_grants(self) -> list["RoleGrant"]:
        cached = getattr(self, "_active_grants", None)
        if cached is None:
            cached = list(
                self.grants.filter(revoked_at__isnull=True).select_related("division", "business")
            )
            self._active_grants = cached
        return cached

    def jurisdiction(self) -> Jurisdiction:
        """The subtrees this user may read: cached for the life of this object (one request)."""
        cached = getattr(self, "_jurisdiction", None)
        if cached is not None:
            return cached
        grants = self.active_grants()
        if any(g.role == Role.ADMIN for g in grants):
            result = Jurisdiction(everything=True, paths=())
        else:
            paths = sorted({g.division.path for g in grants if g.role in REGION_ROLES})
            # Drop paths already inside another path of the set.
            kept = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
            business_ids = sorted(
                {g.business_id for g in grants if g.role in BUSINESS_ROLES and g.business_id}
            )
            result = Jurisdiction(
                everything=False, paths=tuple(kept), business_ids=tuple(business_ids)
            )
        self._jurisdiction = result
        return result

    def has_role(self, *roles: str) -> bool:
        return any(g.role in roles for g in self.active_grants())

    def forget_cached_grants(self) -> None:
        for name in ("_active_grants", "_jurisdiction"):
            self.__dict__.pop(name, None)


class RoleGrant(BaseModel):
    """One role a user holds on one division. The official's covering level (包保层级) is the level
    of the division the grant sits on (docs/domain.md §1.2), so it is never stored twice."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Business staff (director, officer) hold their role on one business.
    business = models.ForeignKey(
        "businesses.Business",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_grants",
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="admin") | models.Q(division__isnull=False),
                name="grant_needs_division_unless_admin",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "division"],
                condition=models.Q(revoked_at__isnull=True),
                name="grant_active_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.division or '*'}"


class ApiToken(BaseModel):
    """A personal API token. Only its SHA-256 is kept; the token is shown once at creation.

    Token text: `lz_<prefix>_<secret>`; the prefix finds the row, the hash proves the secret.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def display_prefix(self) -> str:
        """What the owner sees to recognise a token without its secret."""
        return f"lz_{self.prefix}_…"
