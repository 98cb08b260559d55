"""The commitment letters and the three lists: generating, signing, rejecting, validity,
reminders, rates (docs/domain.md §1.4, §2)."""

import io
import zipfile
from datetime import date, timedelta

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.testing import make_business
from liangze.core.errors import Conflict, Invalid
from liangze.figures.rates import Rate
from liangze.files.tests import samples
from liangze.jobs.models import Job
from liangze.jobs.schedule import PERIODIC_JOBS
from liangze.officials.documents import selectors, services, tasks
from liangze.officials.documents.models import (
    DutyDocument,
    Reminder,
    earliest_signing_valid_on,
    valid_until,
)
from liangze.officials.documents.registration import DUTY_DOCUMENTS_GENERATE
from liangze.officials.tests.document_helpers import PNG, assigned, generate

Kind = DutyDocument.Kind
Status = DutyDocument.Status


def text_of(document: DutyDocument) -> str:
    from django.core.files.storage import default_storage

    with default_storage.open(document.document.storage_name, "rb") as handle:
        word = docx.Document(io.BytesIO(handle.read()))
    return "\n".join(
        [p.text for p in word.paragraphs]
        + [c.text for t in word.tables for r in t.rows for c in r.cells]
    )


class TestValidity:
    def test_it_runs_from_the_signing_date_to_a_year_less_a_day(self):
        assert valid_until(date(2026, 3, 15)) == date(2027, 3, 14)
        assert valid_until(date(2028, 2, 29)) == date(2029, 2, 28)
        assert valid_until(date(2026, 1, 1)) == date(2026, 12, 31)

    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        signed=st.dates(date(2001, 1, 1), date(2099, 1, 1)),
        day=st.dates(date(2001, 1, 1), date(2099, 12, 31)),
    )
    def test_the_rates_bound_agrees_with_validity(self, signed, day):
        valid = signed <= day <= valid_until(signed)
        assert valid == (earliest_signing_valid_on(day) <= signed <= day)


class TestGenerating:
    def test_it_makes_a_letter_and_task_list_per_official_and_lists_per_unit_and_office(
        self, county_staff, regions, officials, shop
    ):
        assigned(county_staff, officials.village, shop)
        result = generate(county_staff, regions.county)
        documents = DutyDocument.objects.all()
        assert result.generated == 4
        assert {(d.kind, d.official_id, d.division_id) for d in documents} == {
            (Kind.COMMITMENT, officials.village.pk, regions.village.pk),
            (Kind.TASK_LIST, officials.village.pk, regions.village.pk),
            (Kind.RESPONSIBILITY_LIST, None, regions.village.pk),
            (Kind.INSPECTION_LIST, None, regions.county.pk),
        }
        assert all(d.status == Status.GENERATED and d.document_id for d in documents)
        letter = documents.get(kind=Kind.COMMITMENT)
        text = text_of(letter)
        assert officials.village.user.display_name in text
        assert shop.name in text and "村（社区）党组织书记或村（居）委会主任（签字）" in text
        assert AuditEvent.objects.filter(action=AuditAction.DUTY_DOCUMENT_GENERATED).count() == 4

    def test_it_keeps_a_signed_document_and_refreshes_the_others(
        self, county_staff, regions, officials, shop
    ):
        assigned(county_staff, officials.village, shop)
        generate(county_staff, regions.county)
        letter = DutyDocument.objects.get(kind=Kind.COMMITMENT)
        services.duty_document_sign(
            actor=county_staff,
            document=letter,
            scan=ContentFile(samples.pdf(), name="letter.pdf"),
        )
        task_list = DutyDocument.objects.get(kind=Kind.TASK_LIST)
        result = generate(county_staff, regions.county)
        assert result.kept_signed == 1 and result.generated == 3
        assert DutyDocument.objects.count() == 4
        letter_after = DutyDocument.objects.get(pk=letter.pk)
        assert letter_after.document_id == letter.document_id
        assert DutyDocument.objects.get(pk=task_list.pk).document_id != task_list.document_id

    def test_it_runs_as_a_job_with_progress(self, county_staff, regions, officials, shop):
        assigned(county_staff, officials.village, shop)
        job = services.duty_documents_generate_start(
            actor=county_staff,
            region=regions.county,
            kinds=[Kind.COMMITMENT, Kind.TASK_LIST],
            year=timezone.localdate().year,
        )
        assert job.kind == DUTY_DOCUMENTS_GENERATE
        tasks.duty_documents_generate_run.call(job.pk)
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED
        assert job.result["generated"] == 2
        assert (job.progress_done, job.progress_total) == (2, 2)

    def test_it_refuses_an_unknown_kind_or_year(self, county_staff, regions):
        with pytest.raises(Invalid) as raised:
            services.duty_documents_generate_start(
                actor=county_staff, region=regions.county, kinds=["poem"], year=1999
            )
        assert set(raised.value.fields) == {"kinds", "year"}
        assert not Job.objects.exists()

    def test_it_uses_the_provinces_own_template(
        self, province_staff, county_staff, regions, officials, shop
    ):
        assigned(county_staff, officials.village, shop)
        own = docx.Document()
        own.add_paragraph("省定承诺书 {{ official.name }}")
        buffer = io.BytesIO()
        own.save(buffer)
        services.duty_document_template_replace(
            actor=province_staff,
            province=regions.province,
            kind=Kind.COMMITMENT,
            upload=SimpleUploadedFile("mine.docx", buffer.getvalue()),
        )
        generate(county_staff, regions.county, kinds=[Kind.COMMITMENT])
        letter = DutyDocument.objects.get(kind=Kind.COMMITMENT)
        assert text_of(letter) == f"省定承诺书 {officials.village.user.display_name}"

    def test_a_template_that_fails_its_sample_is_refused(self, province_staff, regions):
        bad = docx.Document()
        bad.add_paragraph("{{ ''.__class__.__mro__[1].__subclasses__() }}")
        buffer = io.BytesIO()
        bad.save(buffer)
        with pytest.raises(Invalid) as raised:
            services.duty_document_template_replace(
                actor=province_staff,
                province=regions.province,
                kind=Kind.COMMITMENT,
                upload=SimpleUploadedFile("bad.docx", buffer.getvalue()),
            )
        assert raised.value.code == "duty_document_template_broken"


@pytest.fixture
def letter(county_staff, regions, officials, shop):
    assigned(county_staff, officials.village, shop)
    generate(county_staff, regions.county, kinds=[Kind.COMMITMENT, Kind.TASK_LIST])
    return DutyDocument.objects.get(kind=Kind.COMMITMENT)


class TestSigning:
    def test_an_official_signs_on_screen_with_the_countersigner(self, letter, officials):
        official = officials.village.user
        signed = services.duty_document_sign(
            actor=official,
            document=letter,
            official_signature=PNG,
            countersigner_signature=PNG,
            countersigner_name="李书记",
        )
        assert signed.status == Status.SIGNED
        assert signed.signed_on == timezone.localdate()
        assert signed.official_signature.kind == "signature"
        assert signed.countersigner_signature.is_image
        assert signed.valid_until == valid_until(timezone.localdate())
        event = AuditEvent.objects.get(action=AuditAction.DUTY_DOCUMENT_SIGNED)
        assert event.actor == official and event.data["how"] == "drawn"

    def test_a_letter_needs_the_countersigners_signature(self, letter, officials):
        with pytest.raises(Invalid) as raised:
            services.duty_document_sign(
                actor=officials.village.user, document=letter, official_signature=PNG
            )
        assert set(raised.value.fields) == {"countersigner_signature"}
        letter.refresh_from_db()
        assert letter.status == Status.GENERATED

    def test_a_task_list_needs_only_the_officials(self, letter, officials):
        task_list = DutyDocument.objects.get(kind=Kind.TASK_LIST)
        signed = services.duty_document_sign(
            actor=officials.village.user, document=task_list, official_signature=PNG
        )
        assert signed.status == Status.SIGNED

    def test_a_scan_counts_at_once_and_the_office_may_reject_it(self, letter, county_staff):
        services.duty_document_sign(
            actor=county_staff,
            document=letter,
            scan=ContentFile(samples.pdf(), name="letter.pdf"),
            signed_on=timezone.localdate() - timedelta(days=3),
        )
        assert selectors.holders_of_valid(kind=Kind.COMMITMENT, on=timezone.localdate()).count()
        rejected = services.duty_document_reject(
            actor=county_staff, document=letter, reason="缺少盖章"
        )
        assert rejected.status == Status.REJECTED and rejected.rejected_reason == "缺少盖章"
        assert not selectors.holders_of_valid(kind=Kind.COMMITMENT, on=timezone.localdate())
        with pytest.raises(Conflict):
            services.duty_document_reject(actor=county_staff, document=letter, reason="again")
        again = services.duty_document_sign(
            actor=county_staff, document=letter, scan=ContentFile(samples.pdf(), name="b.pdf")
        )
        assert again.status == Status.SIGNED

    def test_a_rejection_needs_a_reason(self, letter, county_staff):
        services.duty_document_sign(
            actor=county_staff, document=letter, scan=ContentFile(samples.pdf(), name="a.pdf")
        )
        with pytest.raises(Invalid):
            services.duty_document_reject(actor=county_staff, document=letter, reason="  ")
        letter.refresh_from_db()
        assert letter.status == Status.SIGNED

    def test_signing_twice_is_a_conflict(self, letter, county_staff):
        scan = ContentFile(samples.pdf(), name="a.pdf")
        services.duty_document_sign(actor=county_staff, document=letter, scan=scan)
        with pytest.raises(Conflict):
            services.duty_document_sign(
                actor=county_staff, document=letter, scan=ContentFile(samples.pdf(), name="b.pdf")
            )

    @pytest.mark.parametrize(
        ("days", "field"), [(-1, "signed_on"), (365, "signed_on")], ids=["future", "too-old"]
    )
    def test_it_refuses_a_signing_date_out_of_range(self, letter, county_staff, days, field):
        with pytest.raises(Invalid) as raised:
            services.duty_document_sign(
                actor=county_staff,
                document=letter,
                scan=ContentFile(samples.pdf(), name="a.pdf"),
                signed_on=timezone.localdate() - timedelta(days=days),
            )
        assert field in raised.value.fields

    def test_a_scan_goes_through_the_upload_checks(self, letter, county_staff):
        with pytest.raises(Invalid) as raised:
            services.duty_document_sign(
                actor=county_staff,
                document=letter,
                scan=ContentFile(samples.xlsx(), name="letter.pdf"),
            )
        assert raised.value.code == "file_type_refused"
        letter.refresh_from_db()
        assert letter.status == Status.GENERATED

    def test_a_drawn_signature_must_be_a_png_data_url(self):
        assert services.signature_from_data_url("") is None
        with pytest.raises(Invalid):
            services.signature_from_data_url("data:text/html;base64,PHNjcmlwdD4=")
        data_url = "data:image/png;base64," + __import__("base64").b64encode(PNG).decode()
        assert services.signature_from_data_url(data_url) == PNG


class TestReminders:
    def test_it_reminds_the_official_and_office_30_days_before_and_on_the_day(
        self, letter, county_staff, officials
    ):
        signed_on = timezone.localdate() - timedelta(days=100)
        services.duty_document_sign(
            actor=county_staff,
            document=letter,
            scan=ContentFile(samples.pdf(), name="a.pdf"),
            signed_on=signed_on,
        )
        expires = valid_until(signed_on)
        assert services.duty_document_reminders_send(today=expires - timedelta(days=31)) == 0
        assert services.duty_document_reminders_send(today=expires - timedelta(days=30)) == 2
        assert set(Reminder.objects.values_list("user_id", "topic")) == {
            (officials.village.user_id, Reminder.Topic.EXPIRES_SOON),
            (county_staff.pk, Reminder.Topic.EXPIRES_SOON),
        }
        assert services.duty_document_reminders_send(today=expires - timedelta(days=30)) == 0
        assert services.duty_document_reminders_send(today=expires) == 2
        assert Reminder.objects.filter(topic=Reminder.Topic.EXPIRED).count() == 2

    def test_the_reminders_are_a_periodic_job(self):
        from liangze.jobs import schedule

        assert "duty_document_reminders" in {job.name for job in schedule.PERIODIC_JOBS}
        assert PERIODIC_JOBS  # the foundation's own jobs are still there


class TestRates:
    def test_percent_is_rounded_half_up_from_integers(self):
        assert Rate(16, 17).display == "94.12%"
        assert Rate(1, 8).display == "12.50%"
        assert Rate(2, 3).display == "66.67%"
        assert Rate(1, 200).display == "0.50%"
        assert Rate(0, 0).display == "—"

    def test_it_rolls_up_sums_by_the_officials_post(self, county_staff, regions, officials, shop):
        other = make_business(
            actor=county_staff, division=regions.other_village, serial=2, grade="D"
        )
        assigned(county_staff, officials.village, shop)
        assigned(county_staff, officials.other_village, other)
        generate(county_staff, regions.county)
        letter = DutyDocument.objects.get(kind=Kind.COMMITMENT, official=officials.village)
        services.duty_document_sign(
            actor=county_staff, document=letter, scan=ContentFile(samples.pdf(), name="a.pdf")
        )
        unit = DutyDocument.objects.get(kind=Kind.RESPONSIBILITY_LIST, division=regions.village)
        services.duty_document_sign(
            actor=county_staff, document=unit, scan=ContentFile(samples.pdf(), name="u.pdf")
        )
        rows = selectors.document_rates(
            viewer=county_staff, region=regions.township, on=timezone.localdate()
        )
        by = {(r.division.pk, r.own_level): r for r in rows[:-1]}
        village = by[(regions.village.pk, False)]
        assert (village.commitment, village.responsibility_list) == (Rate(1, 1), Rate(1, 1))
        other_village = by[(regions.other_village.pk, False)]
        assert other_village.commitment == Rate(0, 1)
        assert by[(regions.township.pk, True)].commitment == Rate(0, 0)
        total = rows[-1]
        assert total.commitment == Rate(1, 2)
        assert total.task_list == Rate(0, 2)
        assert total.responsibility_list == Rate(1, 2)

    def test_an_official_without_businesses_is_not_counted(self, county_staff, regions, officials):
        rows = selectors.document_rates(
            viewer=county_staff, region=regions.county, on=timezone.localdate()
        )
        assert rows[-1].commitment == Rate(0, 0)

    def test_a_letter_expired_at_period_end_does_not_count(self, letter, county_staff, regions):
        signed_on = timezone.localdate() - timedelta(days=200)
        services.duty_document_sign(
            actor=county_staff,
            document=letter,
            scan=ContentFile(samples.pdf(), name="a.pdf"),
            signed_on=signed_on,
        )
        assert selectors.document_rates(
            viewer=county_staff, region=regions.county, on=valid_until(signed_on)
        )[-1].commitment == Rate(1, 1)
        assert selectors.document_rates(
            viewer=county_staff,
            region=regions.county,
            on=valid_until(signed_on) + timedelta(days=1),
        )[-1].commitment == Rate(0, 1)


def test_the_archive_holds_each_document_and_its_scan(letter, county_staff, regions):
    services.duty_document_sign(
        actor=county_staff, document=letter, scan=ContentFile(samples.pdf(), name="a.pdf")
    )
    documents = list(selectors.duty_document_list(viewer=county_staff, within=regions.county))
    data = services.duty_documents_archive(
        actor=county_staff, region=regions.county, documents=documents
    )
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(names) == 3  # letter .docx + its scan, task list .docx
    assert sum(n.endswith(".pdf") for n in names) == 1
    assert AuditEvent.objects.filter(action=AuditAction.DUTY_DOCUMENTS_DOWNLOADED).exists()
