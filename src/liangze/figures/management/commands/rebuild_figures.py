"""Recompute the summary tables from the facts (docs/architecture.md#figures)."""

from django.core.management.base import BaseCommand, CommandError

from liangze.figures.periods import Period, open_periods, recent_quarters
from liangze.figures.services import figures_rebuild, figures_totals_rebuild


class Command(BaseCommand):
    help = "Recompute the figures of the open periods (or of the periods given) from scratch."

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], help="2026Q2 or 2026")
        parser.add_argument(
            "--quarters", type=int, default=0, help="also the last N quarters and their years"
        )
        parser.add_argument("--measure", action="append", default=None)
        parser.add_argument(
            "--totals",
            action="store_true",
            help="only sum the regions' totals again from the stored rows, of every period",
        )

    def handle(self, *args, **options):
        if options["totals"]:
            self.stdout.write(f"{figures_totals_rebuild()} totals")
            return
        try:
            periods = [Period.parse(text) for text in options["period"]]
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not periods:
            periods = open_periods()
        for quarter in recent_quarters(options["quarters"]) if options["quarters"] else []:
            periods += [quarter, Period(quarter.year)]
        periods = sorted(set(periods))
        rows = figures_rebuild(periods=periods, codes=options["measure"])
        self.stdout.write(f"{rows} figures in {', '.join(p.code for p in periods)}")
