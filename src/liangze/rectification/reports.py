"""Public reports join the loop (docs/domain.md §1.14, docs/architecture.md "The closed loop"):
the reports sent from a shop's QR page land in an inbox of the office staff and the regulator of
the business's division; each is marked handled with a note, or becomes a problem (source
`public_report`) pushed to the regulator, the covering official told. The reporter's phone is
shown only to those two."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.accounts.access import office_subtrees
from liangze.accounts.models import Role
from liangze.audit.models import AuditAction
from liangze.audit.services import access_refuse, audit_event_record
from liangze.businesses.models import PublicReport
from liangze.core.errors import Conflict, NotFound
from liangze.core.scoping import in_jurisdiction, subtrees_q
from liangze.notifications.services import Message, notifications_send
from liangze.rectification.models import ProblemSource, PublicReportHandling, Severity
from liangze.rectification.services import (
    ProblemDraft,
    covering_official_users,
    problem_record_many,
    problem_url,
)


def _handler_paths(viewer) -> list[str] | None:
    """Where the viewer handles reports: office subtrees and regulator subtrees (None: all)."""
    offices = office_subtrees(viewer)
    if offices is None:
        return None
    regulators = [g.division.path for g in viewer.active_grants() if g.role == Role.REGULATOR]
    return [*offices, *regulators]


def may_handle_reports(viewer) -> bool:
    paths = _handler_paths(viewer)
    return paths is None or bool(paths)


def report_list(*, viewer) -> QuerySet[PublicReport]:
    """The reports the viewer handles: in their jurisdiction, where they are office staff or the
    regulator."""
    reports = in_jurisdiction(
        PublicReport.objects.select_related("business__division"),
        viewer,
        via="business__division",
    )
    paths = _handler_paths(viewer)
    if paths is None:
        return reports
    return reports.filter(subtrees_q(paths, path_field="business__division__path"))


def report_inbox(*, viewer) -> QuerySet[PublicReport]:
    """Reports not yet handled, oldest first."""
    return report_list(viewer=viewer).filter(handling__isnull=True).order_by("created_at", "pk")


def access_report_by_id(viewer, report_id: int) -> PublicReport:
    report = report_list(viewer=viewer).filter(pk=report_id).first()
    if report is None:
        raise access_refuse(
            NotFound(code="report_not_found", message=_("Report not found.")),
            viewer=viewer,
            target_type="businesses.publicreport",
            target_id=report_id,
        )
    return report


def _claim(*, actor, report, note, problem=None) -> PublicReportHandling:
    if PublicReportHandling.objects.filter(report=report).exists():
        raise Conflict(
            code="report_handled",
            message=_("Someone else handled this report meanwhile."),
        )
    handling = PublicReportHandling.objects.create(
        report=report, handled_by=actor, note=note, problem=problem
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.PUBLIC_REPORT_HANDLED,
        target=report,
        division=report.business.division,
        data={"note": note, "problem": problem.pk if problem else None},
    )
    return handling


@transaction.atomic
def public_report_handle(*, actor, report: PublicReport, note: str) -> PublicReportHandling:
    """Mark a report handled with a note (the one-to-one row makes a second handler a Conflict)."""
    return _claim(actor=actor, report=report, note=(note or "").strip())


@transaction.atomic
def public_report_to_problem(*, actor, report: PublicReport, severity: str, note: str = ""):
    """Turn a report into a problem of source `public_report`: pushed to the regulator at once,
    the covering official told."""
    if severity not in Severity.values:
        severity = Severity.GENERAL
    (problem,) = problem_record_many(
        actor=actor,
        business=report.business,
        source=ProblemSource.PUBLIC_REPORT,
        source_id=report.pk,
        found_at=timezone.now(),
        drafts=[ProblemDraft(description=report.description, severity=severity)],
    )
    _claim(actor=actor, report=report, note=(note or "").strip(), problem=problem)
    notifications_send(
        users=covering_official_users(problem),
        message=Message(
            kind="problem_public_report",
            title=_("A public report became a problem: %(business)s")
            % {"business": report.business.name},
            body=problem.description[:200],
            url=problem_url(problem),
        ),
    )
    return problem
