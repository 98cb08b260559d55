from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "liangze.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from liangze.accounts import signals  # noqa: F401  (login auditing)
