from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "liangze.rectification"
    verbose_name = "Rectification"

    def ready(self) -> None:
        from liangze.rectification import figures, registration

        registration.register()
        figures.register_measures()
