from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "liangze.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from liangze.accounts import signals  # noqa: F401  (login auditing)
        from liangze.accounts.access import can_manage_accounts
        from liangze.audit.access import audit_readers_register
        from liangze.core.navigation import NavItem, nav_item_register

        # Whoever manages accounts reads the audit trail of their subtrees.
        audit_readers_register(can_manage_accounts)
        nav_item_register(
            NavItem(
                key="accounts",
                order=30,
                url_name="accounts:list",
                label=_("Accounts"),
                visible=can_manage_accounts,
            )
        )
