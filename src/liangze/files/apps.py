from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "liangze.files"
    verbose_name = "Files"
