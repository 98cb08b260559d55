from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "liangze.audit"
    verbose_name = "Audit"
