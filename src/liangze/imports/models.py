from django.db import models
from django.utils.translation import gettext_lazy as _

from liangze.core.models import BaseModel


class TableImport(BaseModel):
    """One uploaded table of an entity: the job that checked it and, once the starter chose how
    to import it, the job that writes it. The entity is the import spec whose check job kind
    `check_job` has (specs.import_spec_of_kind).

    `write_job` is set once, by compare-and-set (services.table_import_commit): a double
    submit starts one write. `plan_name` names the checked rows in private storage, beside the
    uploaded file (jobs/<uuid>/), so purging the check job removes it too.
    """

    class Mode(models.TextChoices):
        VALID_ROWS = "valid_rows", _("Import the valid rows")
        ALL_OR_NOTHING = "all_or_nothing", _("Import nothing unless all rows are valid")

    check_job = models.OneToOneField(
        "jobs.Job", on_delete=models.CASCADE, related_name="table_import"
    )
    plan_name = models.CharField(max_length=255, blank=True)
    write_job = models.OneToOneField(
        "jobs.Job",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="table_import_write",
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"import {self.check_job_id}"
