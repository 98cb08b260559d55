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
            summary = demo_load()
        except Conflict as exc:
            raise CommandError(exc.message) from None
        logins = summary.logins
        width = max(len(login.username) for login in logins)
        grades = ", ".join(
            f"{grade} {count:,}" for grade, count in summary.businesses_by_grade.items()
        )
        self.stdout.write("")
        self.stdout.write(
            f"{summary.businesses:,} businesses: {grades} ({summary.businesses_created:,} new)"
        )
        levels = ", ".join(
            f"{level} {count}" for level, count in summary.officials_by_level.items()
        )
        self.stdout.write(
            f"{sum(summary.officials_by_level.values()):,} officials: {levels};"
            f" {summary.assignments_created:,} businesses assigned now,"
            f" {summary.uncovered} operating businesses left uncovered"
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins — password for all: {settings.LIANGZE_DEMO_PASSWORD}")
        self.stdout.write(f"{'username'.ljust(width)}  role / division")
        self.stdout.write(f"{'-' * width}  {'-' * 40}")
        for login in logins:
            place = (
                f"{login.business_name} · {login.division_name}"
                if login.business_name
                else login.division_name
            )
            self.stdout.write(
                f"{login.username.ljust(width)}  {login.description} · {login.display_name} · {place}"
            )
        self.stdout.write("")
