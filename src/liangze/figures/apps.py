from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "liangze.figures"
    verbose_name = "Figures"

    def ready(self) -> None:
        from liangze.figures import registration

        registration.register()
