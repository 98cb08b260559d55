from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "liangze.regions"
    verbose_name = "Regions"

    def ready(self) -> None:
        from liangze.core.navigation import NavItem, nav_item_register
        from liangze.jobs.kinds import JobKind, job_kind_register
        from liangze.regions import imports
        from liangze.regions.access import can_import_divisions
        from liangze.regions.services import DIVISION_IMPORT

        # The division table is imported by the import engine (liangze.imports): one job checks
        # and writes it all or nothing.
        imports.register()
        job_kind_register(
            JobKind(
                code=DIVISION_IMPORT,
                label=_("Division table import"),
                task="liangze.imports.tasks.table_import_run",
                may_start=can_import_divisions,
                page_context="liangze.regions.views.division_import_job_context",
            )
        )
        nav_item_register(
            NavItem(
                key="regions",
                order=10,
                url_name="regions:tree",
                label=_("Regions"),
                visible=_sees_divisions,
            )
        )


def _sees_divisions(user) -> bool:
    reach = user.jurisdiction()
    return bool(reach.everything or reach.paths)
