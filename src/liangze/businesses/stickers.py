"""QR stickers in bulk: the ticked rows or everything the list's filters find (a whole township
of 430 at once), printed on the sheet page when few, else written by a background job as a Word
document of A4 pages, 3 × 4 stickers each, which any office printer takes.

A code takes tens of milliseconds to draw, so a few hundred would hold a request for many
seconds: up to qr_views.SHEET_MAX the sheet page draws them, beyond it the job does. Everything
about the job kind is here; the jobs app only names this module's task and page context.
"""

import io
import tempfile
from dataclasses import dataclass

from django.core.files import File
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.selectors import business_list
from liangze.core.errors import Invalid
from liangze.jobs.models import Job
from liangze.jobs.runner import JobRejected, Report, job_run
from liangze.jobs.services import job_create

# A job draws at most this many stickers (a county's registry runs to a few thousand).
STICKERS_JOB_MAX = 5000
FILTER_KEYS = ("search", "grade", "business_type", "status", "within", "sort")

# The job kind that prints stickers in bulk, registered in apps.py.
QR_STICKERS_KIND = "business_qr_stickers"


@dataclass(frozen=True)
class StickerSelection:
    """Which businesses to print: the list's filters (`within` a division's id), narrowed to
    `ids` when rows were ticked."""

    filters: dict
    ids: list[int] | None = None

    def params(self) -> dict:
        within = self.filters.get("within")
        filters = {key: self.filters.get(key) or "" for key in FILTER_KEYS if key != "within"}
        return {**filters, "within": getattr(within, "pk", within) or None, "ids": self.ids}


def sticker_businesses(*, viewer, selection: StickerSelection) -> QuerySet[Business]:
    """The businesses to print, in the viewer's jurisdiction, by division then name; closed
    businesses get no sticker."""
    filters = {key: value for key, value in selection.filters.items() if key in FILTER_KEYS}
    filters["sort"] = "division"
    businesses = business_list(viewer=viewer, **filters).exclude(status=BusinessStatus.CLOSED)
    if selection.ids is not None:
        businesses = businesses.filter(pk__in=selection.ids)
    return businesses


def stickers_job_start(*, actor, selection: StickerSelection, base_url: str) -> Job:
    """Queue the job that prints a large selection. `base_url` is where the codes point (the
    public site's address, taken from the starter's request when no setting names it). Raises
    Invalid when the selection is larger than STICKERS_JOB_MAX."""
    count = sticker_businesses(viewer=actor, selection=selection).count()
    if count > STICKERS_JOB_MAX:
        raise Invalid(
            code="stickers_too_many",
            message=_("%(count)d businesses are more than one print job takes (%(max)d).")
            % {"count": count, "max": STICKERS_JOB_MAX},
        )
    return job_create(
        actor=actor,
        kind=QR_STICKERS_KIND,
        params={**selection.params(), "base_url": base_url, "count": count},
    )


def _selection_of(job: Job) -> StickerSelection:
    from liangze.regions.selectors import division_list

    params = job.params
    filters = {key: params.get(key) or "" for key in FILTER_KEYS if key != "within"}
    within = None
    if params.get("within"):
        within = division_list(viewer=job.created_by).filter(pk=params["within"]).first()
        if within is None:
            raise JobRejected(
                code="stickers_division_gone",
                message=_("The division is no longer in your jurisdiction; nothing was printed."),
            )
    return StickerSelection(filters={**filters, "within": within}, ids=params.get("ids"))


def _document(businesses, *, base_url: str, report: Report, total: int) -> bytes:
    """A4 pages of 3 × 4 stickers as a .docx, as the sheet page lays them out."""
    from docx import Document
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from liangze.businesses.qr_views import qr_code

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(10))
    table = document.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    row = None
    message = _("Drawing the QR codes")
    for done, business in enumerate(businesses):
        if done % 3 == 0:
            row = table.add_row()
            row.height, row.height_rule = Mm(66), WD_ROW_HEIGHT_RULE.EXACTLY
        cell = row.cells[done % 3]
        lines = [
            (_("Food safety responsibility"), Pt(7.5), True),
            None,
            (business.name, Pt(10), True),
            (_("Grade %(grade)s") % {"grade": business.grade}, Pt(8.5), True),
            (_("Scan for the covering official or to report a problem"), Pt(7), False),
        ]
        paragraph = cell.paragraphs[0]
        for at, line in enumerate(lines):
            if at:
                paragraph = cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(1)
            if line is None:
                image = io.BytesIO()
                url = f"{base_url}{reverse('public:business', args=[business.public_token])}"
                qr_code(url).save(image, kind="png", scale=6, border=4)
                image.seek(0)
                paragraph.add_run().add_picture(image, width=Mm(34))
                continue
            text, size, bold = line
            run = paragraph.add_run(text)
            run.font.size, run.bold = size, bold
        if done % 20 == 0:
            report(done, total, message)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _top_division():
    """Where an administrator's file is filed (administrators see every file anyway)."""
    from liangze.regions.models import Division

    return Division.objects.filter(parent__isnull=True).order_by("path").first()


def business_qr_stickers(job: Job, report: Report) -> dict:
    """The job's work: draw the stickers, keep the document as the starter's stored file."""
    from liangze.businesses.access import can_keep_registry
    from liangze.files.models import FileKind
    from liangze.files.services import stored_file_save

    actor = job.created_by
    if not can_keep_registry(actor):
        raise JobRejected(
            code="qr_sheet_forbidden", message=_("Only food-safety office staff print QR stickers.")
        )
    businesses = list(
        sticker_businesses(viewer=actor, selection=_selection_of(job)).only(
            "name", "grade", "public_token", "division__path"
        )[: STICKERS_JOB_MAX + 1]
    )
    if len(businesses) > STICKERS_JOB_MAX:
        raise JobRejected(
            code="stickers_too_many",
            message=_("The selection grew past %(max)d businesses; narrow it and start again.")
            % {"max": STICKERS_JOB_MAX},
        )
    if not businesses:
        raise JobRejected(code="stickers_none", message=_("No business left to print."))
    report(0, len(businesses), _("Drawing the QR codes"))
    data = _document(
        businesses, base_url=job.params.get("base_url", ""), report=report, total=len(businesses)
    )
    with tempfile.TemporaryFile() as target:
        target.write(data)
        target.seek(0)
        stored = stored_file_save(
            actor=actor,
            division=actor.division or _top_division(),
            kind=FileKind.EXPORT,
            upload=File(target, name=f"qr-stickers-{timezone.localtime():%Y%m%d-%H%M}.docx"),
        )
    return {"stickers": len(businesses), "file": str(stored.public_id)}


@task()
def business_qr_stickers_run(job_id: int) -> dict | None:
    """Print a large selection of stickers (see stickers_job_start)."""
    return job_run(job_id, business_qr_stickers)


def job_page_context(request, job: Job) -> dict:
    """What the job page shows of a sticker job (jobs.views.job_detail asks)."""
    return {"result_template": "businesses/qr_job_result.html"}
