from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "liangze.visits"
    verbose_name = "Visits"

    def ready(self) -> None:
        from liangze.visits import figures
        from liangze.visits.hooks import register_visit_hooks

        register_visit_hooks()
        figures.register_measures()
