"""Writing the commitment letters and the three lists (docs/domain.md §1.4;
docs/documents.md): generate, sign (an uploaded scan or drawn signatures), reject, replace a
template, remind before expiry.

Files are checked and stored (files.services.stored_file_save) before the short transaction that
records what they are for, as the files app does: checking a scan may take a moment, and on
SQLite a transaction holds the write lock from its start.
"""

import base64
import binascii
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liangze.accounts.models import Role, RoleGrant
from liangze.audit.models import AuditAction, AuditEvent
from liangze.audit.services import audit_event_record, build_audit_event
from liangze.businesses.types import BusinessType
from liangze.core.errors import Conflict, Invalid
from liangze.core.scoping import within_subtrees
from liangze.core.tree import SEGMENT_WIDTH
from liangze.files.models import FileKind, StoredFile
from liangze.files.services import stored_file_save
from liangze.jobs.services import job_create
from liangze.officials import figures
from liangze.officials.documents import rendering
from liangze.officials.documents.models import (
    PER_OFFICIAL,
    DutyDocument,
    DutyDocumentKind,
    DutyDocumentTemplate,
    Reminder,
    valid_until,
)
from liangze.officials.documents.registration import DUTY_DOCUMENTS_GENERATE
from liangze.officials.documents.selectors import template_for
from liangze.officials.models import Assignment, Official
from liangze.officials.rules import province_pk_of
from liangze.regions.models import Division
from liangze.visits.checklist import province_checklist

LEVEL_NAMES = {  # document content (Chinese), not interface text
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡镇级",
    "village": "村级",
}
REMIND_DAYS_BEFORE = 30  # docs/domain.md §1.12: 30 days before and on the day
MAX_DRAWN_SIGNATURE_BYTES = 2 * 1024 * 1024
_DATA_URL = re.compile(r"^data:image/png;base64,(?P<data>[A-Za-z0-9+/=\s]+)$")


# --- Generating ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Who one document is for, with the plain data its template receives."""

    kind: str
    division: Division
    official: Official | None
    context: dict


@dataclass(frozen=True)
class GenerateResult:
    generated: int
    kept_signed: int


def _business_rows(assignments: Iterable[Assignment]) -> list[dict]:
    return [
        {
            "name": a.business.name,
            "grade": a.business.grade,
            "address": a.business.address,
            "code": a.business.uscc or a.business.registration_number or str(a.business.pk),
            "business_type": a.business.business_type,
        }
        for a in assignments
    ]


def _official_data(official: Official) -> dict:
    post = official.grant.division
    return {
        "name": official.user.display_name or official.user.username,
        "post": official.position,
        "level": LEVEL_NAMES[post.level],
        "division": post.name,
        "phone": official.phone,
    }


class _Checklists:
    """Each province's visit checklist, as the visit form reads it (docs/domain.md §1.5), in
    the platform's language: document content. Read once per province, type and generation."""

    def __init__(self):
        self._cache: dict[tuple[int, str], list[str]] = {}

    def _items(self, province: int, business_type: str) -> list[str]:
        if (province, business_type) not in self._cache:
            with translation.override(settings.LANGUAGE_CODE):
                self._cache[province, business_type] = [
                    i.label for i in province_checklist(province, business_type)
                ]
        return self._cache[province, business_type]

    def of(self, division: Division) -> list[str]:
        """The items for every business type."""
        return self._items(province_pk_of(division.path), "")

    def of_types(self, division: Division, businesses: list[dict]) -> list[dict]:
        """For each type among `businesses` whose items differ from those for every type, the
        type and its whole list, as a visit to such a business shows it."""
        province = province_pk_of(division.path)
        every = self._items(province, "")
        sets = []
        with translation.override(settings.LANGUAGE_CODE):
            for kind in sorted({b["business_type"] for b in businesses if b["business_type"]}):
                items = self._items(province, kind)
                if items != every:
                    sets.append({"type": str(BusinessType(kind).label), "checks": items})
        return sets


def document_holders(*, region: Division, kinds: Iterable[str], year: int) -> list[Holder]:
    """Everyone under `region` who should hold each kind (docs/domain.md §1.4): a
    letter and a task list per active official covering businesses; a responsibility list per
    filing unit (a division with such officials posted at it); an inspection list per office
    (each division under it with food safety office staff)."""
    kinds = set(kinds)
    checklists = _Checklists()
    today = timezone.localdate()
    generated_on = today.isoformat()
    officials = list(
        within_subtrees(
            Official.objects.filter(active_to__isnull=True), [region.path], via="grant__division"
        )
        .filter(pk__in=Assignment.objects.filter(ends_on__isnull=True).values("official_id"))
        .select_related("user", "grant__division")
        .order_by("grant__division__path", "user__display_name", "pk")
    )
    covered = defaultdict(list)
    for a in (
        Assignment.objects.filter(official__in=[o.pk for o in officials], ends_on__isnull=True)
        .select_related("business")
        .order_by("business__name", "business_id")
    ):
        covered[a.official_id].append(a)
    holders = []
    for official in officials:
        businesses = _business_rows(covered[official.pk])
        for kind in (DutyDocumentKind.COMMITMENT, DutyDocumentKind.TASK_LIST):
            if kind in kinds:
                holders.append(
                    Holder(
                        kind=kind,
                        division=official.grant.division,
                        official=official,
                        context=rendering.document_context(
                            kind=kind,
                            year=year,
                            generated_on=generated_on,
                            official=_official_data(official),
                            businesses=businesses,
                            countersigner_level=official.grant.division.level,
                            checklist=checklists.of(official.grant.division),
                            type_checklists=checklists.of_types(
                                official.grant.division, businesses
                            ),
                        ),
                    )
                )
    if DutyDocumentKind.RESPONSIBILITY_LIST in kinds:
        by_unit = defaultdict(list)
        for official in officials:
            by_unit[official.grant.division].append(official)
        for unit, members in by_unit.items():
            rows = [
                {
                    **{k: v for k, v in _official_data(o).items() if k != "name"},
                    "official": _official_data(o)["name"],
                    "business": b["name"],
                    "grade": b["grade"],
                    "address": b["address"],
                }
                for o in members
                for b in _business_rows(covered[o.pk])
            ]
            holders.append(
                Holder(
                    kind=DutyDocumentKind.RESPONSIBILITY_LIST,
                    division=unit,
                    official=None,
                    context=rendering.document_context(
                        kind=DutyDocumentKind.RESPONSIBILITY_LIST,
                        year=year,
                        generated_on=generated_on,
                        unit={"name": unit.name, "level": LEVEL_NAMES[unit.level]},
                        rows=rows,
                        officials_count=len(members),
                        checklist=checklists.of(unit),
                    ),
                )
            )
    if DutyDocumentKind.INSPECTION_LIST in kinds:
        offices = set(
            within_subtrees(
                RoleGrant.objects.filter(role=Role.OFFICE_STAFF, revoked_at__isnull=True),
                [region.path],
            ).values_list("division_id", flat=True)
        )
        for office in Division.objects.filter(pk__in=offices).order_by("path"):
            count = sum(1 for o in officials if o.grant.division.path.startswith(office.path))
            holders.append(
                Holder(
                    kind=DutyDocumentKind.INSPECTION_LIST,
                    division=office,
                    official=None,
                    context=rendering.document_context(
                        kind=DutyDocumentKind.INSPECTION_LIST,
                        year=year,
                        generated_on=generated_on,
                        unit={"name": office.name, "level": LEVEL_NAMES[office.level]},
                        officials_count=count,
                        checklist=checklists.of(office),
                    ),
                )
            )
    return holders


class _Templates:
    """Each (province, kind)'s template bytes, read once per generation."""

    def __init__(self):
        self._cache: dict[tuple[str, str], tuple[DutyDocumentTemplate | None, bytes]] = {}

    def get(self, kind: str, division: Division) -> tuple[DutyDocumentTemplate | None, bytes]:
        key = (kind, division.path[:SEGMENT_WIDTH])
        if key not in self._cache:
            custom = template_for(kind=kind, division=division)
            if custom is None:
                self._cache[key] = (None, rendering.default_template(kind))
            else:
                with default_storage.open(custom.file.storage_name, "rb") as handle:
                    self._cache[key] = (custom, handle.read())
        return self._cache[key]


def _file_name(holder: Holder, year: int) -> str:
    label = {
        DutyDocumentKind.COMMITMENT: "承诺书",
        DutyDocumentKind.TASK_LIST: "任务清单",
        DutyDocumentKind.RESPONSIBILITY_LIST: "责任清单",
        DutyDocumentKind.INSPECTION_LIST: "督查清单",
    }[holder.kind]
    who = holder.official.user.display_name if holder.official else holder.division.name
    return f"{year}-{label}-{who}.docx"


def duty_documents_generate(
    *,
    actor,
    region: Division,
    kinds: Iterable[str],
    year: int,
    progress: Callable[[int, int], None] | None = None,
) -> GenerateResult:
    """Render and store the year's documents of everyone under `region` who should hold them.

    A holder's document of that year that is already signed is kept as it is; one still to
    sign (or rejected) gets the new file. Each document commits on its own, with its event, so a
    long run never holds the write lock and a failure keeps what was made. The caller has
    checked accounts.access.can_manage_division(actor, region). Raises Invalid for an unknown kind.
    """
    kinds = list(dict.fromkeys(kinds))
    if not kinds or any(k not in DutyDocumentKind.values for k in kinds):
        raise Invalid(
            code="duty_document_kind_unknown",
            message=_("Choose the documents to generate."),
            fields={"kinds": _("Choose the documents to generate.")},
        )
    holders = document_holders(region=region, kinds=kinds, year=year)
    signed = _signed_keys(holders, year)
    templates = _Templates()
    generated = kept = 0
    for done, holder in enumerate(holders, start=1):
        if (holder.kind, _holder_key(holder)) in signed:
            kept += 1
        else:
            template, data = templates.get(holder.kind, holder.division)
            rendered = rendering.document_render(template=data, context=holder.context)
            stored = stored_file_save(
                actor=actor,
                division=holder.division,
                kind=FileKind.EXPORT,
                upload=ContentFile(rendered, name=_file_name(holder, year)),
            )
            _document_record(
                actor=actor, holder=holder, year=year, stored=stored, template=template
            )
            generated += 1
        if progress is not None:
            progress(done, len(holders))
    return GenerateResult(generated=generated, kept_signed=kept)


def _holder_key(holder: Holder) -> int:
    return holder.official.pk if holder.official else holder.division.pk


def _signed_keys(holders: list[Holder], year: int) -> set[tuple[str, int]]:
    signed = DutyDocument.objects.filter(year=year, status=DutyDocument.Status.SIGNED)
    keys = set()
    for kind, official_id, division_id in signed.values_list("kind", "official_id", "division_id"):
        keys.add((kind, official_id if kind in PER_OFFICIAL else division_id))
    return keys


@transaction.atomic
def _document_record(
    *, actor, holder: Holder, year: int, stored: StoredFile, template
) -> DutyDocument:
    now = timezone.now()
    lookup = {"kind": holder.kind, "year": year}
    if holder.official is not None:
        lookup["official"] = holder.official
    else:
        lookup.update(division=holder.division, official=None)
    document = DutyDocument.objects.filter(**lookup).first()
    if document is None:
        document = DutyDocument.objects.create(
            kind=holder.kind,
            year=year,
            official=holder.official,
            division=holder.division,
            document=stored,
            template=template,
            generated_at=now,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    else:
        moved = DutyDocument.objects.filter(
            pk=document.pk, status__in=[DutyDocument.Status.GENERATED, DutyDocument.Status.REJECTED]
        ).update(
            document=stored,
            template=template,
            division=holder.division,
            generated_at=now,
            updated_at=now,
        )
        if not moved:
            raise Conflict(
                code="duty_document_signed",
                message=_("The document was signed meanwhile; it was kept."),
            )
        document.refresh_from_db()
    audit_event_record(
        actor=actor,
        action=AuditAction.DUTY_DOCUMENT_GENERATED,
        target=document,
        data={"kind": holder.kind, "year": year, "file": str(stored.public_id)},
    )
    return document


# --- Signing ---------------------------------------------------------------------------------


def signature_from_data_url(text: str) -> bytes | None:
    """The PNG bytes of a drawn signature sent as a data URL (signature.js); None when empty.
    Raises Invalid for anything else; the bytes are then checked as every stored image is."""
    text = (text or "").strip()
    if not text:
        return None
    match = _DATA_URL.match(text)
    try:
        data = base64.b64decode(match["data"], validate=False) if match else b""
    except (binascii.Error, ValueError):
        data = b""
    if not data or len(data) > MAX_DRAWN_SIGNATURE_BYTES:
        raise Invalid(
            code="signature_unreadable",
            message=_("The drawn signature could not be read. Sign again."),
        )
    return data


def duty_document_sign(
    *,
    actor,
    document: DutyDocument,
    signed_on: date | None = None,
    scan=None,
    official_signature: bytes | None = None,
    countersigner_signature: bytes | None = None,
    countersigner_name: str = "",
) -> DutyDocument:
    """Sign a document still to sign (or rejected): with the signed scan (PDF, JPG or PNG), or,
    for an official's own documents, with signatures drawn on screen; a commitment letter needs
    the countersigner's too. It counts at once (no approval); the office may reject it later.

    The caller obtained `document` through access_duty_document_by_id(for_sign=True). Raises
    Invalid (fields named) for a missing signature, an unacceptable file or a signing date in the
    future or more than a year back; Conflict when it was signed meanwhile.
    """
    today = timezone.localdate()
    signed_on = signed_on or today
    errors = {}
    if signed_on > today:
        errors["signed_on"] = _("The signing date cannot be in the future.")
    elif signed_on <= today - timedelta(days=365):
        errors["signed_on"] = _("The signing date must be within the last year.")
    drawn = official_signature is not None or countersigner_signature is not None
    if scan is None and not drawn:
        errors["scan"] = _("Upload the signed scan or sign on screen.")
    elif scan is None:
        if document.kind not in PER_OFFICIAL:
            errors["scan"] = _("This list is filed as a signed and stamped scan.")
        if official_signature is None:
            errors["official_signature"] = _("The official's signature is missing.")
        if document.needs_countersigner and countersigner_signature is None:
            errors["countersigner_signature"] = _("The countersigner's signature is missing.")
    if errors:
        raise Invalid(
            code="duty_document_sign_invalid",
            message=_("The document could not be signed."),
            fields=errors,
        )
    files = {}
    if scan is not None:
        files["scan"] = stored_file_save(
            actor=actor, division=document.division, kind=FileKind.SCAN, upload=scan
        )
    else:
        for field, data in (
            ("official_signature", official_signature),
            ("countersigner_signature", countersigner_signature),
        ):
            if data is not None:
                try:
                    files[field] = stored_file_save(
                        actor=actor,
                        division=document.division,
                        kind=FileKind.SIGNATURE,
                        upload=ContentFile(data, name=f"{field}.png"),
                    )
                except Invalid as exc:
                    raise Invalid(
                        code=exc.code, message=exc.message, fields={field: exc.message}
                    ) from None
    return _duty_document_signed(
        actor=actor,
        document=document,
        signed_on=signed_on,
        files=files,
        countersigner_name=countersigner_name.strip()[:50],
    )


@transaction.atomic
def _duty_document_signed(
    *, actor, document: DutyDocument, signed_on: date, files: dict, countersigner_name: str
) -> DutyDocument:
    now = timezone.now()
    moved = DutyDocument.objects.filter(
        pk=document.pk,
        status__in=[DutyDocument.Status.GENERATED, DutyDocument.Status.REJECTED],
    ).update(
        status=DutyDocument.Status.SIGNED,
        signed_on=signed_on,
        signed_at=now,
        signed_by=actor,
        scan=files.get("scan"),
        official_signature=files.get("official_signature"),
        countersigner_signature=files.get("countersigner_signature"),
        countersigner_name=countersigner_name,
        updated_at=now,  # update() skips auto_now
    )
    if not moved:
        raise Conflict(
            code="duty_document_already_signed", message=_("The document is already signed.")
        )
    audit_event_record(
        actor=actor,
        action=AuditAction.DUTY_DOCUMENT_SIGNED,
        target=document,
        changes={"status": [document.status, DutyDocument.Status.SIGNED]},
        data={
            "kind": document.kind,
            "signed_on": signed_on,
            "how": "scan" if "scan" in files else "drawn",
            "files": [str(f.public_id) for f in files.values()],
        },
    )
    figures.mark_posts([document.division_id])
    document.refresh_from_db()
    return document


@transaction.atomic
def duty_document_reject(*, actor, document: DutyDocument, reason: str) -> DutyDocument:
    """signed → rejected, with the reason the holder sees; they sign again. Raises Invalid
    without a reason, Conflict when the document is not signed (any more)."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            code="duty_document_reason_missing",
            message=_("Say why the document is rejected."),
            fields={"reason": _("Say why the document is rejected.")},
        )
    now = timezone.now()
    moved = DutyDocument.objects.filter(pk=document.pk, status=DutyDocument.Status.SIGNED).update(
        status=DutyDocument.Status.REJECTED,
        rejected_reason=reason[:500],
        rejected_at=now,
        rejected_by=actor,
        updated_at=now,
    )
    if not moved:
        raise Conflict(
            code="duty_document_not_signed", message=_("Only a signed document can be rejected.")
        )
    audit_event_record(
        actor=actor,
        action=AuditAction.DUTY_DOCUMENT_REJECTED,
        target=document,
        changes={"status": [DutyDocument.Status.SIGNED, DutyDocument.Status.REJECTED]},
        data={"kind": document.kind, "reason": reason[:500]},
    )
    figures.mark_posts([document.division_id])
    document.refresh_from_db()
    return document


# --- Templates -------------------------------------------------------------------------------


def duty_document_template_replace(
    *, actor, province: Division, kind: str, upload
) -> DutyDocumentTemplate:
    """Keep a province's own .docx for `kind`, after the files app's checks and a sample
    rendered in the sandbox. The caller checked access.can_replace_templates. Raises Invalid."""
    if kind not in DutyDocumentKind.values:
        raise Invalid(
            code="duty_document_kind_unknown",
            message=_("Choose the document."),
            fields={"kind": _("Choose the document.")},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        rendering.template_check(kind=kind, template=data)
    except rendering.TemplateRejected:
        message = _(
            "The template could not be filled in. Compare its tags with the default template's."
        )
        raise Invalid(
            code="duty_document_template_broken", message=message, fields={"file": message}
        ) from None
    stored = stored_file_save(actor=actor, division=province, kind=FileKind.TEMPLATE, upload=upload)
    return _template_record(actor=actor, province=province, kind=kind, stored=stored)


@transaction.atomic
def _template_record(*, actor, province, kind, stored) -> DutyDocumentTemplate:
    template = DutyDocumentTemplate.objects.create(
        province=province, kind=kind, file=stored, uploaded_by=actor
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.DUTY_DOCUMENT_TEMPLATE_UPLOADED,
        target=template,
        division=province,
        data={"kind": kind, "file": str(stored.public_id)},
    )
    return template


# --- The archive (专档专卷) --------------------------------------------------------------------


def duty_documents_archive(*, actor, region: Division, documents: list[DutyDocument]) -> bytes:
    """A zip of `documents` (already narrowed to what the actor reads): each generated .docx
    and its signed scan or drawn signatures, in folders by division and kind. Audited."""
    buffer = io.BytesIO()
    names = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            folder = f"{document.division.name}/{document.get_kind_display()}"
            holder = (
                document.official.user.display_name if document.official else document.division.name
            )
            for label, stored in (
                ("", document.document),
                ("scan", document.scan),
                ("signature-official", document.official_signature),
                ("signature-countersigner", document.countersigner_signature),
            ):
                if stored is None:
                    continue
                suffix = stored.download_name.rsplit(".", 1)[-1]
                stem = f"{document.year}-{holder}" + (f"-{label}" if label else "")
                name = f"{folder}/{stem}.{suffix}"
                while name in names:
                    stem += "-"
                    name = f"{folder}/{stem}.{suffix}"
                names.add(name)
                try:
                    with default_storage.open(stored.storage_name, "rb") as handle:
                        archive.writestr(name, handle.read())
                except FileNotFoundError:
                    continue
    audit_event_record(
        actor=actor,
        action=AuditAction.DUTY_DOCUMENTS_DOWNLOADED,
        target=region,
        data={"documents": len(documents)},
    )
    return buffer.getvalue()


# --- Reminders -------------------------------------------------------------------------------


@transaction.atomic
def duty_document_reminders_send(*, today: date | None = None) -> int:
    """Scheduled daily: remind the holder and their office of each signed document that expires
    in 30 days or today (docs/domain.md §1.12). Once per person, document and
    date; returns how many reminders were made."""
    today = today or timezone.localdate()
    wanted = []
    for topic, expiring_on in (
        (Reminder.Topic.EXPIRES_SOON, today + timedelta(days=REMIND_DAYS_BEFORE)),
        (Reminder.Topic.EXPIRED, today),
    ):
        # valid_until(s) == expiring_on for at most a couple of signing dates: find them.
        first = expiring_on.replace(day=1) - timedelta(days=400)
        candidates = [
            first + timedelta(days=n)
            for n in range(440)
            if valid_until(first + timedelta(days=n)) == expiring_on
        ]
        for document in DutyDocument.objects.filter(
            status=DutyDocument.Status.SIGNED, signed_on__in=candidates
        ).select_related("official__user", "division"):
            wanted.append((topic, expiring_on, document))
    if not wanted:
        return 0
    office_grants = list(
        RoleGrant.objects.filter(role=Role.OFFICE_STAFF, revoked_at__isnull=True).select_related(
            "division"
        )
    )
    reminders = []
    for topic, due_on, document in wanted:
        users = set()
        if document.official is not None:
            users.add(document.official.user_id)
        # The office nearest above the holder: the deepest office whose subtree holds it.
        offices = [g for g in office_grants if document.division.path.startswith(g.division.path)]
        if offices:
            deepest = max(len(g.division.path) for g in offices)
            users.update(g.user_id for g in offices if len(g.division.path) == deepest)
        for user_id in users:
            reminders.append(
                Reminder(
                    user_id=user_id,
                    topic=topic,
                    document=document,
                    due_on=due_on,
                    key=f"{document.pk}:{topic}:{due_on.isoformat()}",
                )
            )
    existing = set(
        Reminder.objects.filter(key__in=[r.key for r in reminders]).values_list("user_id", "key")
    )
    reminders = [r for r in reminders if (r.user_id, r.key) not in existing]
    Reminder.objects.bulk_create(reminders, ignore_conflicts=True)
    AuditEvent.objects.bulk_create(
        [
            build_audit_event(
                actor=None,
                action=AuditAction.DUTY_DOCUMENT_REMINDERS_SENT,
                data={"date": today, "documents": len(wanted), "reminders": len(reminders)},
            )
        ]
    )
    return len(reminders)


@transaction.atomic
def reminder_mark_read(*, actor, reminder: Reminder) -> None:
    """Mark one of the actor's own reminders read (a personal notice: no audit event)."""
    Reminder.objects.filter(pk=reminder.pk, user=actor, read_at__isnull=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def reminders_mark_all_read(*, actor) -> int:
    """Mark every unread reminder of the actor read; returns how many."""
    now = timezone.now()
    return Reminder.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )


def duty_documents_generate_start(*, actor, region: Division, kinds: list[str], year: int):
    """Queue the generation of `region`'s documents as a job with progress (jobs app). The caller
    checked accounts.access.can_manage_division(actor, region). Raises Invalid for no or unknown
    kinds, or a year other than this one, last year or next year."""
    kinds = list(dict.fromkeys(kinds))
    errors = {}
    if not kinds or any(k not in DutyDocumentKind.values for k in kinds):
        errors["kinds"] = _("Choose the documents to generate.")
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        errors["year"] = _("Choose this year, last year or next year.")
    if errors:
        raise Invalid(
            code="duty_documents_generate_invalid",
            message=_("Check the documents and the year."),
            fields=errors,
        )
    return job_create(
        actor=actor,
        kind=DUTY_DOCUMENTS_GENERATE,
        params={"region": region.pk, "kinds": kinds, "year": year},
    )
