from django.core.management.base import BaseCommand, CommandError

from liangze.accounts.models import User
from liangze.accounts.services import MAX_TOKEN_DAYS, api_token_create
from liangze.core.errors import Invalid


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")
        parser.add_argument("--days", type=int, default=90, help=f"1 to {MAX_TOKEN_DAYS}")

    def handle(self, *args, username: str, name: str, days: int, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        try:
            issued = api_token_create(actor=user, name=name, days=days)
        except Invalid as exc:
            raise CommandError("; ".join(exc.fields.values()) or exc.message) from None
        self.stdout.write(issued.text)
        self.stderr.write(
            f"expires {issued.token.expires_at:%Y-%m-%d %H:%M} UTC; it is not shown again"
        )
