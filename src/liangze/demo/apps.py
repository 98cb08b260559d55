from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "liangze.demo"
    verbose_name = "Demo data"
