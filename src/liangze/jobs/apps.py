from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "liangze.jobs"
    verbose_name = "Jobs"
