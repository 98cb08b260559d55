"""Commitment letters and the three lists under /api/v1/documents.

Office staff generate, collect (upload signed scans), reject and download the archive inside
their subtrees; leaders and regulators read; an official reads and signs only their own
(docs/domain.md §1.4; docs/documents.md). The generated .docx, scans and
signatures are downloaded from /api/v1/files/{id}/content by the ids given here."""

from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from liangze.accounts.access import can_manage_division
from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden
from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut
from liangze.figures.schemas import RateOut
from liangze.imports.api import JobStartedOut
from liangze.officials.documents import selectors, services
from liangze.officials.documents.access import can_reject_document
from liangze.regions.selectors import access_division_by_id, division_roots

router = Router(tags=["documents"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class DocumentOut(Schema):
    id: int
    kind: str
    status: str
    year: int
    official_id: int | None
    official_name: str | None
    division_id: int
    division_name: str = Field(alias="division.name")
    document_file_id: str | None = Field(None, description="The generated .docx (files API).")
    scan_file_id: str | None
    official_signature_file_id: str | None
    countersigner_signature_file_id: str | None
    countersigner_name: str
    generated_at: datetime | None
    signed_on: date | None
    valid_until: date | None = Field(None, description="Signing date + 1 year − 1 day.")
    rejected_reason: str

    @staticmethod
    def resolve_official_name(obj) -> str | None:
        return obj.official.user.display_name if obj.official_id else None

    @staticmethod
    def resolve_document_file_id(obj) -> str | None:
        return str(obj.document.public_id) if obj.document_id else None

    @staticmethod
    def resolve_scan_file_id(obj) -> str | None:
        return str(obj.scan.public_id) if obj.scan_id else None

    @staticmethod
    def resolve_official_signature_file_id(obj) -> str | None:
        return str(obj.official_signature.public_id) if obj.official_signature_id else None

    @staticmethod
    def resolve_countersigner_signature_file_id(obj) -> str | None:
        return (
            str(obj.countersigner_signature.public_id) if obj.countersigner_signature_id else None
        )


class RegionRatesOut(Schema):
    division_id: int
    division_name: str
    scope: str = Field(description="own_level, subregion or total")
    commitment_rate: RateOut
    task_list_rate: RateOut
    responsibility_list_rate: RateOut


class GenerateIn(Schema):
    within: int
    kinds: list[str] = Field(..., max_length=4)
    year: int | None = None


class SignIn(Schema):
    official_signature: str = Field("", max_length=3_000_000, description="PNG data URL.")
    countersigner_signature: str = Field("", max_length=3_000_000, description="PNG data URL.")
    countersigner_name: str = Field("", max_length=50)
    signed_on: date | None = None


class RejectIn(Schema):
    reason: str = Field(..., max_length=500)


def _region(viewer, within: int | None):
    if within:
        return access_division_by_id(viewer, within)
    root = division_roots(viewer=viewer).first()
    if root is None:
        raise Forbidden(code="no_region", message=_("You see no region."))
    return root


def _require_office_in(viewer, division) -> None:
    if not can_manage_division(viewer, division):
        raise access_refuse(
            Forbidden(
                code="duty_documents_read_only",
                message=_("Only the food safety office of this region manages its documents."),
            ),
            viewer=viewer,
            target_type="regions.division",
            target_id=division.pk,
        )


@router.get("", response=list[DocumentOut])
@paginate(Pagination, page_size=50)
def duty_document_list(
    request, kind: str = "", status: str = "", within: int | None = None, year: int | None = None
):
    """Documents the caller reads (an official: their own)."""
    division = access_division_by_id(request.user, within) if within else None
    return selectors.duty_document_list(
        viewer=request.user, kind=kind, status=status, within=division, year=year
    )


@router.get("/mine", response=list[DocumentOut])
def documents_to_sign(request):
    """The caller's own letters and task lists still to sign (or rejected)."""
    return list(selectors.documents_to_sign(viewer=request.user))


@router.get("/rates", response={200: list[RegionRatesOut], codes_4xx: ErrorOut})
def document_rates(request, within: int | None = None, on: date | None = None):
    """commitment_rate and list_filing_rate on `on` (default today) for the region's own level,
    each direct sub-region and the whole region (Σ/Σ)."""
    region = _region(request.user, within)
    rows = selectors.document_rates(
        viewer=request.user, region=region, on=on or timezone.localdate()
    )
    out = []
    for index, row in enumerate(rows):
        scope = "own_level" if row.own_level else "subregion"
        if index == len(rows) - 1:
            scope = "total"
        out.append(
            {
                "division_id": row.division.pk,
                "division_name": row.division.name,
                "scope": scope,
                **{
                    f"{name}_rate": {
                        "numerator": rate.numerator,
                        "denominator": rate.denominator,
                        "percent": None if rate.percent is None else str(rate.percent),
                    }
                    for name, rate in (
                        ("commitment", row.commitment),
                        ("task_list", row.task_list),
                        ("responsibility_list", row.responsibility_list),
                    )
                },
            }
        )
    return out


@router.post("/generate", response={202: JobStartedOut, codes_4xx: ErrorOut})
def duty_documents_generate(request, payload: GenerateIn):
    """Queue the generation of a region's documents; follow it at /api/v1/jobs/{job_id}."""
    region = access_division_by_id(request.user, payload.within)
    _require_office_in(request.user, region)
    job = services.duty_documents_generate_start(
        actor=request.user,
        region=region,
        kinds=payload.kinds,
        year=payload.year or timezone.localdate().year,
    )
    return Status(202, {"job_id": job.pk})


@router.get("/archive", response={codes_4xx: ErrorOut})
def duty_documents_archive(request, within: int):
    """The region's documents with their scans and signatures as one zip (专档专卷)."""
    region = access_division_by_id(request.user, within)
    _require_office_in(request.user, region)
    documents = list(
        selectors.duty_document_list(viewer=request.user, within=region).select_related(
            "scan", "official_signature", "countersigner_signature"
        )
    )
    data = services.duty_documents_archive(actor=request.user, region=region, documents=documents)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="documents-{region.code}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/{document_id}", response={200: DocumentOut, codes_4xx: ErrorOut})
def duty_document_detail(request, document_id: int):
    return selectors.access_duty_document_by_id(request.user, document_id)


@router.post("/{document_id}/sign", response={200: DocumentOut, codes_4xx: ErrorOut})
def duty_document_sign(request, document_id: int, payload: SignIn):
    """Sign on screen: the drawn signatures as PNG data URLs (a letter needs both)."""
    document = selectors.access_duty_document_by_id(request.user, document_id, for_sign=True)
    return services.duty_document_sign(
        actor=request.user,
        document=document,
        signed_on=payload.signed_on,
        official_signature=services.signature_from_data_url(payload.official_signature),
        countersigner_signature=services.signature_from_data_url(payload.countersigner_signature),
        countersigner_name=payload.countersigner_name,
    )


@router.post("/{document_id}/scan", response={200: DocumentOut, codes_4xx: ErrorOut})
def duty_document_scan(
    request,
    document_id: int,
    file: File[UploadedFile],
    signed_on: Form[date | None] = None,
    countersigner_name: Form[str] = "",
):
    """Sign by uploading the signed scan (PDF, JPG or PNG); it counts at once."""
    document = selectors.access_duty_document_by_id(request.user, document_id, for_sign=True)
    return services.duty_document_sign(
        actor=request.user,
        document=document,
        signed_on=signed_on,
        scan=file,
        countersigner_name=countersigner_name,
    )


@router.post("/{document_id}/reject", response={200: DocumentOut, codes_4xx: ErrorOut})
def duty_document_reject(request, document_id: int, payload: RejectIn):
    """Office staff reject a signed document, with the reason its holder sees."""
    document = selectors.access_duty_document_by_id(request.user, document_id)
    if not can_reject_document(request.user, document):
        raise access_refuse(
            Forbidden(
                code="duty_document_read_only",
                message=_("Only the food safety office rejects a signed document."),
            ),
            viewer=request.user,
            target_type="officials.dutydocument",
            target_id=document_id,
        )
    return services.duty_document_reject(
        actor=request.user, document=document, reason=payload.reason
    )
