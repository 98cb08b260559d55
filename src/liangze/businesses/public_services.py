"""Writes a member of the public may make from a business's QR page: nothing but a report."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.businesses.models import Business, BusinessStatus, PublicReport
from liangze.businesses.selectors import business_public
from liangze.core.errors import Invalid, NotFound
from liangze.core.phones import normalise_phone
from liangze.core.ratelimit import Rate, RateLimited, ip_scope, ratelimit_take

DESCRIPTION_MIN_LENGTH = 10
DESCRIPTION_MAX_LENGTH = 1000


def public_report_client_limit(*, client_ip: str | None) -> tuple[str, Rate]:
    """The client's bucket: past it, a report is refused."""
    return (
        f"public-report:ip:{ip_scope(client_ip)}",
        Rate(settings.LIANGZE_PUBLIC_REPORTS_PER_IP_HOUR, timedelta(hours=1)),
    )


def public_report_business_limit(*, business: Business) -> tuple[str, Rate]:
    """The business's bucket: past it, a report is kept but held for review. A few addresses
    can spend it in minutes, so refusing would silence the honest reporters behind them."""
    return (
        f"public-report:business:{business.pk}",
        Rate(settings.LIANGZE_PUBLIC_REPORTS_PER_BUSINESS_DAY, timedelta(days=1)),
    )


def clean_public_report(*, description: str, contact_phone: str) -> tuple[str, str]:
    """(description, phone as E.164 or ''); Invalid names every bad field."""
    text = (description or "").strip()
    errors = {}
    if len(text) < DESCRIPTION_MIN_LENGTH:
        errors["description"] = _("Describe the problem in at least %(count)d characters.") % {
            "count": DESCRIPTION_MIN_LENGTH
        }
    elif len(text) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("Keep the description within %(count)d characters.") % {
            "count": DESCRIPTION_MAX_LENGTH
        }
    phone = ""
    try:
        phone = normalise_phone(contact_phone)
    except ValidationError as exc:
        errors["contact_phone"] = exc.messages[0]
    if errors:
        raise Invalid(
            code="public_report_invalid",
            message=_("Please correct the marked fields."),
            fields=errors,
        )
    return text, phone


@transaction.atomic
def public_report_submit(
    *, token: str, description: str, contact_phone: str, client_ip: str | None
) -> PublicReport:
    """Keep a problem reported on a business's public page, for the complaints workflow.

    The reporter is anonymous: the event has no actor and is filed under the business's division;
    it holds the report's id, not its text or phone. Raises NotFound for an unknown or revoked
    token or a closed business, Invalid for bad input, RateLimited when this client has sent too
    many reports lately; a refused report saves nothing and spends no token. Past the business's
    daily share a report is still kept, `held_for_review`, and the reporter is thanked alike.
    """
    business = business_public(token=token)
    if business is None or business.status == BusinessStatus.CLOSED:
        raise NotFound(code="business_not_found", message=_("Business not found."))
    text, phone = clean_public_report(description=description, contact_phone=contact_phone)
    if not ratelimit_take([public_report_client_limit(client_ip=client_ip)]):
        raise RateLimited(
            code="public_report_rate_limited",
            message=_(
                "Too many reports have been sent from here. "
                "Please try again later, or call 12345 or 12315."
            ),
        )
    held = not ratelimit_take([public_report_business_limit(business=business)])
    report = PublicReport.objects.create(
        business=business,
        description=text,
        contact_phone=phone,
        client_ip=client_ip,
        held_for_review=held,
    )
    audit_event_record(
        actor=None,
        action=AuditAction.BUSINESS_PUBLIC_REPORTED,
        target=business,
        data={"report_id": report.pk, "held_for_review": held},
    )
    return report
