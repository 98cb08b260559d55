from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "liangze.notifications"
    verbose_name = "Notifications"
