"""Demo documents: every holder's letter and lists of the year, about 95% of them signed.

Holders are chosen by `services.document_holders`, as generation chooses them. Rendering a .docx
for each of ~1,000 holders would make the demo slow, so only the posts of the demo's own people
get their Word files through the real generation; the others get rows without a file. Signatures
are tiny generated PNGs kept through the files app, one per division.
"""

import io
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.officials.documents import services
from liangze.officials.documents.models import PER_OFFICIAL, DutyDocument, DutyDocumentKind
from liangze.regions.models import Division

UNSIGNED_PER_HUNDRED = 5
SEED = 20260101


@dataclass(frozen=True)
class DemoDocuments:
    documents: int
    signed: int


def signature_png(seed: int) -> bytes:
    """A small scribble, different per seed: what a finger leaves on the pad."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    image = Image.new("RGBA", (120, 40), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(8 + i * 13, 20 + rng.randint(-12, 12)) for i in range(9)]
    draw.line(points, fill=(20, 20, 60, 255), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def demo_documents_load(*, region: Division, rendered_posts: list[Division] = ()) -> DemoDocuments:
    """The year's documents of everyone under `region`; Word files for `rendered_posts` (the demo
    people's divisions) through the real generation; about 95% signed. Idempotent: holders that
    already have the year's document keep it. The officials of `rendered_posts` keep their letter
    unsigned, so the demo shows signing."""
    year = timezone.localdate().year
    kinds = DutyDocumentKind.values
    for post in rendered_posts:
        services.duty_documents_generate(
            actor=None, region=post, kinds=list(PER_OFFICIAL), year=year
        )
    holders = services.document_holders(region=region, kinds=kinds, year=year)
    existing = {
        (kind, official_id if kind in PER_OFFICIAL else division_id)
        for kind, official_id, division_id in DutyDocument.objects.filter(year=year).values_list(
            "kind", "official_id", "division_id"
        )
    }
    now = timezone.now()
    DutyDocument.objects.bulk_create(
        [
            DutyDocument(
                kind=h.kind,
                year=year,
                official=h.official,
                division=h.division,
                generated_at=now,
            )
            for h in holders
            if (h.kind, h.official.pk if h.official else h.division.pk) not in existing
        ],
        ignore_conflicts=True,
    )
    return _sign_most(region=region, year=year, keep_unsigned=rendered_posts)


@transaction.atomic
def _sign_most(*, region: Division, year: int, keep_unsigned) -> DemoDocuments:
    rng = random.Random(SEED)  # noqa: S311 (demo data, not a secret)
    today = timezone.localdate()
    now = timezone.now()
    kept_paths = [d.path for d in keep_unsigned]
    documents = list(
        DutyDocument.objects.filter(
            year=year, division__path__startswith=region.path, status="generated"
        )
        .select_related("division")
        .order_by("pk")
    )
    to_sign = []
    for document in documents:
        if rng.randrange(100) < UNSIGNED_PER_HUNDRED:
            continue
        if document.kind == DutyDocumentKind.COMMITMENT and document.division.path in kept_paths:
            continue
        to_sign.append(document)
    # Each division signs on one day (its signing meeting): one UPDATE per division and kind,
    # where a bulk_update of ~1,000 rows with CASE expressions took most of the demo's time.
    by_division = defaultdict(lambda: defaultdict(list))
    divisions = {}
    for document in to_sign:
        by_division[document.division_id][document.kind].append(document.pk)
        divisions[document.division_id] = document.division
    for division_id, kinds in by_division.items():
        division = divisions[division_id]
        signature = stored_file_save(
            actor=None,
            division=division,
            kind=FileKind.SIGNATURE,
            upload=ContentFile(signature_png(division.pk), name="signature.png"),
        )
        signed = {
            "status": DutyDocument.Status.SIGNED,
            "signed_on": today - timedelta(days=rng.randint(1, 300)),
            "signed_at": now,
            "updated_at": now,
        }
        for kind, pks in kinds.items():
            extra = {"scan": signature}
            if kind in PER_OFFICIAL:
                extra = {"official_signature": signature}
            if kind == DutyDocumentKind.COMMITMENT:
                extra |= {
                    "countersigner_signature": signature,
                    "countersigner_name": "（演示）负责人",
                }
            DutyDocument.objects.filter(pk__in=pks).update(**signed, **extra)
    total = DutyDocument.objects.filter(year=year, division__path__startswith=region.path)
    # No event of its own: the demo's one DEMO_LOADED event carries these counts.
    return DemoDocuments(
        documents=total.count(), signed=total.filter(status=DutyDocument.Status.SIGNED).count()
    )
