from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessesConfig(AppConfig):
    name = "liangze.businesses"
    verbose_name = "Businesses"

    def ready(self) -> None:
        from liangze.accounts.access import is_office_or_admin
        from liangze.businesses import imports, register_imports
        from liangze.businesses.stickers import QR_STICKERS_KIND
        from liangze.businesses.tasks import business_tally_fold_run
        from liangze.core.navigation import NavItem, nav_item_register
        from liangze.jobs.kinds import JobKind, job_kind_register
        from liangze.jobs.schedule import PeriodicJob, periodic_job_register

        job_kind_register(
            JobKind(
                code=QR_STICKERS_KIND,
                label=_("QR stickers"),
                task="liangze.businesses.stickers.business_qr_stickers_run",
                may_start=is_office_or_admin,
                page_context="liangze.businesses.stickers.job_page_context",
            )
        )

        # The registry's table import and export run on the import engine (liangze.imports):
        # its tasks and job page serve every registered import spec.
        imports.register()
        for code, label, task, may_start in (
            (
                imports.BUSINESS_IMPORT_CHECK,
                _("Business import: check"),
                "table_import_check_run",
                is_office_or_admin,
            ),
            (
                imports.BUSINESS_IMPORT_WRITE,
                _("Business import: write"),
                "table_import_write_run",
                is_office_or_admin,
            ),
            (
                imports.BUSINESS_EXPORT,
                _("Business export"),
                "table_export_run",
                is_office_or_admin,
            ),
        ):
            job_kind_register(
                JobKind(
                    code=code,
                    label=label,
                    task=f"liangze.imports.tasks.{task}",
                    may_start=may_start,
                    page_context="liangze.imports.views.job_page_context",
                )
            )

        # The regulator's register (register_imports.py), on the same engine.
        register_imports.register()
        for code, label, task in (
            (
                register_imports.REGISTER_IMPORT_CHECK,
                _("Register import: check"),
                "table_import_check_run",
            ),
            (
                register_imports.REGISTER_IMPORT_WRITE,
                _("Register import: write"),
                "table_import_write_run",
            ),
        ):
            job_kind_register(
                JobKind(
                    code=code,
                    label=label,
                    task=f"liangze.imports.tasks.{task}",
                    may_start=is_office_or_admin,
                    page_context="liangze.businesses.register_imports.job_page_context",
                )
            )

        # The list's tally: the changes PostgreSQL's triggers append are added every 5 minutes.
        periodic_job_register(
            PeriodicJob(
                name="business_tally_fold", task=business_tally_fold_run, every=timedelta(minutes=5)
            )
        )

        nav_item_register(
            NavItem(
                key="businesses",
                order=20,
                url_name="businesses:list",
                label=_("Businesses"),
                visible=_reaches_businesses,
            )
        )


def _reaches_businesses(user) -> bool:
    reach = user.jurisdiction()
    return bool(reach.everything or reach.paths or reach.business_ids)  # staff: their own
