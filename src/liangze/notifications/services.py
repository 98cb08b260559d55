"""Writes of notifications. `notifications_send` is the one way an app tells people something:
in the app always; by email to those who gave an address; by SMS for the kinds the caller marks
urgent, to those with a phone. Mail and SMS go after the caller's transaction commits."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.audit.services import access_refuse
from liangze.core.errors import NotFound
from liangze.notifications.models import Notification
from liangze.notifications.sms import SmsMessage, sms_backend


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str = ""
    url: str = ""
    sms: bool = False


def notifications_send(*, users: Iterable, message: Message) -> list[Notification]:
    """One notification per distinct active user, in the caller's transaction."""
    seen, recipients = set(), []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        recipients.append(user)
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind=message.kind,
                title=str(message.title)[:200],
                body=str(message.body),
                url=message.url,
            )
            for user in recipients
        ]
    )
    emails = [u.email for u in recipients if u.email]
    phones = [u.phone for u in recipients if message.sms and u.phone]
    if emails or phones:
        title, body = str(message.title), str(message.body)

        def deliver():
            if emails:
                send_mail(
                    subject=title,
                    message=body,
                    from_email=None,
                    recipient_list=emails,
                    fail_silently=True,
                )
            if phones:
                sms_backend().send_messages(
                    [SmsMessage(phone=p, text=f"{title} {body}".strip()) for p in phones]
                )

        transaction.on_commit(deliver)
    return rows


def notification_mark_read(*, actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read (another's is "not found")."""
    row = Notification.objects.filter(pk=notification_id, user=actor).first()
    if row is None:
        raise access_refuse(
            NotFound(code="notification_not_found", message=_("Notification not found.")),
            viewer=actor,
            target_type="notifications.notification",
            target_id=notification_id,
        )
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at", "updated_at"])
    return row


def notifications_mark_all_read(*, actor) -> int:
    now = timezone.now()
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )
