"""Generating BENCH_DOCUMENTS (default 1,000) commitment letters and task lists as one job, end
to end (holders read, each .docx rendered in the sandbox, checked and stored, its row and event
written), beside a baseline of the same number of bare renders of the default template with the
same contexts (no storage, no database)."""

import os
import time

from django.utils import timezone

from benchmarks.harness import Sample

DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "1000"))


def _officials_with_businesses(viewer, count: int):
    """`count` village officials in Golmud, each covering one grade D business of their village
    (taken from the database, or registered when there are too few)."""
    from liangze.businesses.models import Business
    from liangze.businesses.testing import make_business
    from liangze.officials.services import assignment_bulk_create, official_create
    from liangze.regions.models import Division, Level

    villages = list(
        Division.objects.filter(level=Level.VILLAGE, path__startswith=viewer.division.path)
    )
    officials = []
    for number in range(count):
        village = villages[number % len(villages)]
        business = (
            Business.objects.filter(division=village, grade="D", assignments__isnull=True)
            .order_by("pk")
            .first()
        ) or make_business(
            actor=viewer, division=village, serial=800_000 + number, grade="D", scale="micro"
        )
        official = official_create(
            actor=viewer,
            display_name=f"基准干部{number}",
            phone=f"1360{number:07d}",
            division=village,
            position="村委委员",
        ).official
        assignment_bulk_create(actor=viewer, official=official, businesses=[business])
        officials.append(official)
    return officials


def run(*, viewer, rows, workdir) -> list[Sample]:
    from liangze.jobs.models import Job
    from liangze.officials.documents import rendering, services, tasks
    from liangze.officials.documents.models import DutyDocumentKind

    kinds = [DutyDocumentKind.COMMITMENT, DutyDocumentKind.TASK_LIST]
    _officials_with_businesses(viewer, DOCUMENTS // len(kinds))
    year = timezone.localdate().year
    holders = services.document_holders(region=viewer.division, kinds=kinds, year=year)

    floor = Sample(name=f"baseline: {len(holders):,} bare renders of the default templates")
    start = time.perf_counter()
    templates = {kind: rendering.default_template(kind) for kind in kinds}
    for holder in holders:
        rendering.document_render(template=templates[holder.kind], context=holder.context)
    floor.seconds.append(time.perf_counter() - start)

    job_sample = Sample(name=f"generate {len(holders):,} documents as a job, end to end")
    start = time.perf_counter()
    job = services.duty_documents_generate_start(
        actor=viewer, region=viewer.division, kinds=kinds, year=year
    )
    tasks.duty_documents_generate_run.call(job.pk)
    job_sample.seconds.append(time.perf_counter() - start)
    job.refresh_from_db()
    if job.status != Job.Status.SUCCEEDED:
        raise RuntimeError(f"generation failed: {job.error_code} {job.error_message}")
    job_sample.note = (
        f"{job.result['generated']:,} generated; "
        f"{job_sample.median / floor.median:.2f}× the bare render loop"
    )
    return [floor, job_sample]
