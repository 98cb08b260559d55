"""Authentication events go to the audit trail. Django announces them by signal; nothing else in
the project uses signals for domain logic."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from liangze.accounts.models import User
from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record, security_log


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    with transaction.atomic():
        audit_event_record(actor=user, action=AuditAction.LOGIN, target=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        with transaction.atomic():
            audit_event_record(actor=user, action=AuditAction.LOGOUT, target=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    known = User.objects.filter(username=username).select_related("division").first()
    security_log.warning("login failed username=%r", username)
    with transaction.atomic():
        audit_event_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            target=known,
            data={"username": username},
        )
