from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from liangze.core.errors import Conflict
from liangze.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo data (Golmud, Qinghai) and print the demo logins. Safe to run again."

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        try:
            logins = demo_load()
        except Conflict as exc:
            raise CommandError(exc.message) from None
        width = max(len(login.username) for login in logins)
        self.stdout.write("")
        self.stdout.write(f"Demo logins — password for all: {settings.LIANGZE_DEMO_PASSWORD}")
        self.stdout.write(f"{'username'.ljust(width)}  role / division")
        self.stdout.write(f"{'-' * width}  {'-' * 40}")
        for login in logins:
            self.stdout.write(
                f"{login.username.ljust(width)}  {login.description} · {login.display_name} · {login.division_name}"
            )
        self.stdout.write("")
