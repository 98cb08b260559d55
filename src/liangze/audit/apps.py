from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "liangze.audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from liangze.audit.access import can_read_audit
        from liangze.core.navigation import NavItem, nav_item_register

        nav_item_register(
            NavItem(
                key="audit",
                order=40,
                url_name="audit:list",
                label=_("Audit trail"),
                visible=can_read_audit,
            )
        )
