from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "liangze.imports"
    label = "imports"

    def ready(self) -> None:
        from liangze.imports import kinds
        from liangze.imports.access import is_office_or_admin
        from liangze.jobs.kinds import JobKind, job_kind_register

        page = "liangze.imports.views.job_page_context"
        for code, label, task, may_start in (
            (
                kinds.BUSINESS_IMPORT_CHECK,
                _("Business import: check"),
                "business_import_check_run",
                is_office_or_admin,
            ),
            (
                kinds.BUSINESS_IMPORT_WRITE,
                _("Business import: write"),
                "business_import_write_run",
                is_office_or_admin,
            ),
            (
                kinds.BUSINESS_EXPORT,
                _("Business export"),
                "business_export_run",
                is_office_or_admin,
            ),
        ):
            job_kind_register(
                JobKind(
                    code=code,
                    label=label,
                    task=f"liangze.imports.tasks.{task}",
                    may_start=may_start,
                    page_context=page,
                )
            )
