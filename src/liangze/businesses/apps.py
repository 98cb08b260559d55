from django.apps import AppConfig


class BusinessesConfig(AppConfig):
    name = "liangze.businesses"
    verbose_name = "Businesses"
