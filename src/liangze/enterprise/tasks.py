"""Periodic tasks of the enterprise duties (registered in registration.py)."""

from django.utils import timezone
from django_tasks import task

from liangze.enterprise import services


@task()
def self_check_reminders_run() -> dict:
    """The evening run reminds officers of today's missing check; the morning run reminds the
    director of yesterday's (docs/domain.md §1.12)."""
    evening = timezone.localtime().hour >= 12
    return {"evening": evening, "sent": services.self_check_reminders_send(evening=evening)}
