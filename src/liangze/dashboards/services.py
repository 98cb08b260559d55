"""Writes of the quarterly notices (通报, docs/domain.md §2 "Rankings"): generate (a job with
progress), edit the narrative of a draft, publish (then immutable; a correction supersedes)."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.core.errors import Conflict, Invalid
from liangze.core.tree import SEGMENT_WIDTH
from liangze.dashboards.models import Notice, Ranking
from liangze.dashboards.selectors import dashboard
from liangze.figures.periods import Period, today
from liangze.jobs.services import job_create
from liangze.rectification.selectors import overdue_in_subtree
from liangze.regions.models import Division
from liangze.visits.selectors import officials_with_missed_tasks

NOTICE_GENERATE = "dashboards_notice_generate"
NARRATIVE_LIMIT = 4000


def _period_closed(period: Period) -> None:
    """A notice is generated once the period's entry window has closed (docs/domain.md §1.3)."""
    if period.end >= today():
        raise Invalid(
            code="notice_period_open",
            message=_("A notice is generated once its period has ended."),
            fields={"period": _("A notice is generated once its period has ended.")},
        )


def notice_generate_start(
    *, actor, region: Division, period: Period, supersedes: Notice | None = None
):
    """Queue the generation as a job (jobs app). The caller checked
    accounts.access.can_manage_division(actor, region) (and the superseded notice's access)."""
    _period_closed(period)
    if supersedes is not None and (
        supersedes.status != Notice.Status.PUBLISHED or supersedes.region_id != region.pk
    ):
        raise Conflict(
            code="notice_not_supersedable",
            message=_("Only a published notice of this region can be corrected."),
        )
    return job_create(
        actor=actor,
        kind=NOTICE_GENERATE,
        params={
            "region": region.pk,
            "period": period.code,
            "supersedes": supersedes.pk if supersedes else None,
        },
    )


def _default_summary(region: Division, period: Period, board) -> str:
    parts = [
        f"{m.label}{board.totals[m.code].display}"
        f"（{board.totals[m.code].numerator}/{board.totals[m.code].denominator}）"
        for m in board.measures
    ]
    return _("In %(period)s, %(region)s: %(figures)s.") % {
        "period": period.code,
        "region": region.name,
        "figures": _(", ").join(parts),
    }


def _region_names(region: Division, paths: set[str]) -> dict[str, str]:
    """Each path within the region named from the region's direct sub-region down (the region's
    own name for the region itself): one query for all of them."""
    prefixes = {
        path[:end]
        for path in paths
        for end in range(len(region.path) + SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)
    }
    names = dict(Division.objects.filter(path__in=prefixes).values_list("path", "name"))
    return {
        path: "".join(
            names.get(path[:end], "")
            for end in range(len(region.path) + SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)
        )
        or region.name
        for path in paths
    }


def notice_laggards(*, actor, region: Division, period: Period, day: date) -> dict:
    """The laggards a notice names, as plain values to freeze (docs/domain.md §2 "Rankings",
    §1.10: missed duties only, never app activity):

    - `officials`: officials posted in the region with visit tasks of the period missed (the
      visits app's task status), most missed first;
    - `problems`: problems of the region's businesses past their deadline and still not
      rectified on `day`, the generation day (the closed loop's one definition of overdue, taken
      at report time as the rectification rate takes "closed": overdue is shown, never a state,
      so the quarter's end cannot be read back), most overdue first.

    Each is {"total": all of them, "rows": the first LIANGZE_NOTICE_LAGGARDS_MAX}. A fixed number
    of queries whatever the region's size."""
    limit = settings.LIANGZE_NOTICE_LAGGARDS_MAX
    officials, officials_total = officials_with_missed_tasks(
        viewer=actor,
        path=region.path,
        first_quarter=period.start,
        last_quarter=period.end,
        limit=limit,
    )
    problems, problems_total = overdue_in_subtree(
        viewer=actor, path=region.path, today=day, limit=limit
    )
    names = _region_names(
        region,
        {o["path"] for o in officials} | {p.business.division.path for p in problems},
    )
    return {
        "as_of": day.isoformat(),
        "officials": {
            "total": officials_total,
            "rows": [
                {
                    "name": o["name"] or o["username"],
                    "position": o["position"],
                    "level": o["level"],
                    "region": names[o["path"]],
                    "missed": o["missed"],
                    "due": o["due"],
                }
                for o in officials
            ],
        },
        "problems": {
            "total": problems_total,
            "rows": [
                {
                    "business": p.business.name,
                    "credit_code": p.business.uscc or p.business.registration_number,
                    "region": names[p.business.division.path],
                    "category": p.category,
                    "description": p.description[:200],
                    "severity": p.severity,
                    "deadline": p.deadline.isoformat(),
                    "days_overdue": (day - p.deadline).days,
                    "regulator": p.regulator_division.name if p.regulator_division else "",
                }
                for p in problems
            ],
        },
    }


@transaction.atomic
def notice_generate(
    *, actor, region: Division, period: Period, supersedes_id: int | None = None, progress=None
) -> Notice:
    """A draft notice with the region's figures and each direct sub-region's rates and ranks
    frozen from the summary tables as they are now, and its laggards (notice_laggards) frozen
    from the tasks and problems as they are now."""
    _period_closed(period)
    board = dashboard(viewer=actor, region=region, period=period)
    if progress is not None:
        progress(1, 3)
    laggards = notice_laggards(actor=actor, region=region, period=period, day=today())
    if progress is not None:
        progress(2, 3)
    notice = Notice.objects.create(
        region=region,
        period=period.code,
        title=_("Notice on the food safety two responsibilities in %(region)s, %(period)s")
        % {"region": region.name, "period": period.code},
        summary=_default_summary(region, period, board),
        closing=_(
            "Units below the full rate are to complete their work within the next quarter "
            "and report."
        ),
        totals={
            m.code: [str(m.label), board.totals[m.code].numerator, board.totals[m.code].denominator]
            for m in board.measures
        },
        laggards=laggards,
        figures_as_of=period.as_of(today()),
        generated_by=actor if getattr(actor, "pk", None) else None,
        supersedes_id=supersedes_id,
    )
    Ranking.objects.bulk_create(
        [
            Ranking(
                notice=notice,
                measure=code,
                division=place.item.division,
                division_code=place.item.division.code,
                division_name=place.item.division.name,
                numerator=place.rate.numerator,
                denominator=place.rate.denominator,
                rank=place.rank,
                position=position,
            )
            for code, places in board.ranked.items()
            for position, place in enumerate(places)
        ]
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.NOTICE_GENERATED,
        target=notice,
        division=region,
        data={"period": period.code, "supersedes": supersedes_id},
    )
    if progress is not None:
        progress(3, 3)
    return notice


def _clean_text(value: str, field: str) -> str:
    text = (value or "").strip()
    if len(text) > NARRATIVE_LIMIT:
        raise Invalid(
            code="notice_text_too_long",
            message=_("The text is too long."),
            fields={field: _("At most %(count)d characters.") % {"count": NARRATIVE_LIMIT}},
        )
    return text


@transaction.atomic
def notice_narrative_update(*, actor, notice: Notice, summary: str, closing: str) -> Notice:
    """Only a draft's narrative paragraphs change; its figures never do."""
    summary = _clean_text(summary, "summary")
    closing = _clean_text(closing, "closing")
    if not summary:
        raise Invalid(
            code="notice_summary_missing",
            message=_("Write the summary paragraph."),
            fields={"summary": _("Write the summary paragraph.")},
        )
    moved = Notice.objects.filter(pk=notice.pk, status=Notice.Status.DRAFT).update(
        summary=summary, closing=closing, updated_at=timezone.now()
    )
    if not moved:
        raise Conflict(code="notice_published", message=_("A published notice cannot be changed."))
    audit_event_record(
        actor=actor,
        action=AuditAction.NOTICE_EDITED,
        target=notice,
        division=notice.region,
        changes={"summary": [notice.summary, summary], "closing": [notice.closing, closing]},
    )
    notice.refresh_from_db()
    return notice


@transaction.atomic
def notice_publish(*, actor, notice: Notice) -> Notice:
    """Draft → published, once; the notice it corrects becomes superseded."""
    now = timezone.now()
    moved = Notice.objects.filter(pk=notice.pk, status=Notice.Status.DRAFT).update(
        status=Notice.Status.PUBLISHED, published_at=now, published_by=actor, updated_at=now
    )
    if not moved:
        raise Conflict(code="notice_published", message=_("This notice is already published."))
    if notice.supersedes_id:
        replaced = Notice.objects.filter(
            pk=notice.supersedes_id, status=Notice.Status.PUBLISHED
        ).update(status=Notice.Status.SUPERSEDED, updated_at=now)
        if not replaced:
            raise Conflict(
                code="notice_already_superseded",
                message=_("The notice this one corrects was already superseded."),
            )
    audit_event_record(
        actor=actor,
        action=AuditAction.NOTICE_PUBLISHED,
        target=notice,
        division=notice.region,
        data={"period": notice.period, "supersedes": notice.supersedes_id},
    )
    notice.refresh_from_db()
    return notice
