from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficialsConfig(AppConfig):
    name = "liangze.officials"
    verbose_name = "Officials"

    def ready(self) -> None:
        from liangze.accounts.access import is_office_or_admin
        from liangze.jobs.kinds import JobKind, job_kind_register
        from liangze.officials import coverage, imports

        coverage.register_business_hooks()

        from liangze.officials.documents import registration

        registration.register()

        # The officials' and the assignments' table imports run on the import engine
        # (liangze.imports): its tasks serve every registered spec.
        imports.register()
        for code, label, task in (
            (imports.OFFICIAL_IMPORT_CHECK, _("Officials import: check"), "table_import_check_run"),
            (imports.OFFICIAL_IMPORT_WRITE, _("Officials import: write"), "table_import_write_run"),
            (
                imports.ASSIGNMENT_IMPORT_CHECK,
                _("Assignments import: check"),
                "table_import_check_run",
            ),
            (
                imports.ASSIGNMENT_IMPORT_WRITE,
                _("Assignments import: write"),
                "table_import_write_run",
            ),
        ):
            job_kind_register(
                JobKind(
                    code=code,
                    label=label,
                    task=f"liangze.imports.tasks.{task}",
                    may_start=is_office_or_admin,
                    page_context="liangze.officials.imports.job_page_context",
                )
            )
