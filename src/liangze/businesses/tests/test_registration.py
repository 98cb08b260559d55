"""One write path: registering a business is services.business_register_many, whoever registers.

The registration form, the import and the demo give the same business, status change and audit
event for the same input; the set-based path gives what the plain path gives, row for row."""

from dataclasses import replace
from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.models import Business, BusinessStatus, StatusChange
from liangze.businesses.services import Registration, business_register_many
from liangze.businesses.testing import make_uscc
from liangze.businesses.tests.imports.helpers import check, commit, xlsx
from liangze.businesses.validation import CLEANED_FIELDS, clean_business_fields
from liangze.demo.businesses import DemoBusiness
from liangze.demo.services import registration_of

# Fields that differ by nature between two registrations of the same input.
BUSINESS_VOLATILE = {"id", "public_token", "created_at", "updated_at"}
EVENT_VOLATILE = {"id", "occurred_at", "target_id", "request_id", "ip", "created_at"}


def state() -> dict:
    """The registry's rows, without what differs between any two registrations; businesses by
    name (the ids of two runs differ)."""
    businesses = {}
    names = {}
    for business in Business.objects.values():
        names[business["id"]] = business["name"]
        businesses[business["name"]] = {
            k: v for k, v in business.items() if k not in BUSINESS_VOLATILE
        }
    changes = sorted(
        (
            names[change.business_id],
            change.from_status,
            change.to_status,
            change.effective_on,
            change.reason,
            change.actor_id,
        )
        for change in StatusChange.objects.all()
    )
    events = sorted(
        (
            (
                names.get(int(event["target_id"])) if event["target_id"].isdigit() else "",
                {k: v for k, v in event.items() if k not in EVENT_VOLATILE},
            )
            for event in AuditEvent.objects.filter(action=AuditAction.BUSINESS_CREATED).values()
        ),
        key=lambda pair: pair[0],
    )
    return {"businesses": businesses, "changes": changes, "events": events}


def registered(run) -> dict:
    """The state `run()` leaves, rolled back afterwards."""

    class Done(Exception):
        pass

    try:
        with transaction.atomic():
            run()
            seen = state()
            raise Done
    except Done:
        return seen


def registrations(regions) -> list[Registration]:
    """Rows of every shape: blanks and Nones, booleans, numbers, an old date, shared and own
    audit data."""
    village, other = regions.village, regions.other_village
    rows = []
    for serial in range(1, 8):
        raw = {
            "name": f"等价餐馆{serial}",
            "uscc": make_uscc(700 + serial) if serial % 3 else "",
            "registration_number": "" if serial % 3 else f"格备{serial:04d}",
            "license_number": f"JY2632801{serial:07d}" if serial % 2 else "",
            "business_type": "restaurant" if serial % 2 else "school_canteen",
            "chain_hq": serial == 2,
            "key": serial % 2 == 0,
            "scale": "" if serial == 4 else "small",
            "staff_count": str(serial * 3) if serial != 5 else "",
            "annual_revenue_yuan": str(serial * 100_000) if serial != 6 else "",
            "grade": "ABCD"[serial % 4],
            "risk_level": "" if serial == 3 else "B",
            "address": f"昆仑路{serial}号" if serial != 7 else "",
            "latitude": "36.4163" if serial % 2 else "",
            "longitude": "94.9033" if serial % 2 else "",
            "contact_name": "张三" if serial % 2 else "",
            "contact_phone": f"1380000{serial:04d}" if serial != 1 else "",
            "open_kitchen": serial % 3 == 0,
        }
        cleaned, errors = clean_business_fields(raw)
        assert not errors, errors
        division = village if serial % 2 else other
        rows.append(
            Registration(
                values=tuple(cleaned[name] for name in CLEANED_FIELDS),
                division_id=division.pk,
                division_path=division.path,
                grade_reason=f"理由{serial}",
                status_since=date(2020, 5, serial) if serial == 3 else None,
                data={"line": serial + 1} if serial != 4 else {},
            )
        )
    return rows


@pytest.mark.django_db
class TestSetBasedEqualsPlain:
    def test_the_same_rows_and_events_either_way(self, county_staff, regions):
        rows = registrations(regions)
        link = {"import_job": 7, "check_job": 6}

        def run(set_based):
            return lambda: business_register_many(
                actor=county_staff, rows=rows, data=link, set_based=set_based
            )

        plain, fast = registered(run(False)), registered(run(True))
        assert len(plain["businesses"]) == len(rows)
        assert len(plain["events"]) == len(rows)
        assert fast == plain

    def test_the_same_without_an_actor(self, regions):
        rows = registrations(regions)[:3]
        plain = registered(lambda: business_register_many(actor=None, rows=rows, set_based=False))
        fast = registered(lambda: business_register_many(actor=None, rows=rows, set_based=True))
        assert fast == plain

    def test_a_row_differing_from_another_shows(self, county_staff, regions):
        """The comparison itself can fail: one changed value is seen."""
        rows = registrations(regions)
        other = [*rows[:-1], replace(rows[-1], grade_reason="另一个理由")]
        plain = registered(
            lambda: business_register_many(actor=county_staff, rows=rows, set_based=False)
        )
        fast = registered(
            lambda: business_register_many(actor=county_staff, rows=other, set_based=True)
        )
        assert fast != plain


INPUT = {
    "name": "同一家面馆",
    "uscc": make_uscc(900),
    "license_number": "JY26328010000900",
    "business_type": "restaurant",
    "scale": "small",
    "staff_count": "8",
    "annual_revenue_yuan": "600000",
    "grade": "D",
    "risk_level": "B",
    "address": "昆仑路9号",
    "latitude": "36.4163",
    "longitude": "94.9033",
    "contact_name": "李四",
    "contact_phone": "13800009000",
}
REASON = "小型餐饮"


def by_form(client, regions):
    response = client.post(
        "/businesses/new/",
        {**INPUT, "grade_reason": REASON, "division": regions.village.pk, "open_kitchen": "on"},
    )
    assert response.status_code == 302, response.content[:2000]


def by_import(actor, regions):
    job = check(
        actor,
        xlsx(
            [
                {
                    **INPUT,
                    "grade_reason": REASON,
                    "division_code": regions.village.code,
                    "chain_hq": "否",
                    "key": "否",
                    "open_kitchen": "是",
                }
            ]
        ),
    )
    assert job.result["valid"] == 1, job.result
    assert commit(actor, job).result["created"] == 1


def by_demo(actor, regions):
    row = DemoBusiness(
        name=INPUT["name"],
        uscc=INPUT["uscc"],
        registration_number="",
        license_number=INPUT["license_number"],
        business_type="restaurant",
        grade="D",
        scale="small",
        staff_count=8,
        annual_revenue_fen=60_000_000,
        risk_level="B",
        chain_hq=False,
        key=False,
        open_kitchen=True,
        division_code=regions.village.code,
        address=INPUT["address"],
        lat_e6=36_416_300,
        lng_e6=94_903_300,
        contact_name="李四",
        contact_phone="+8613800009000",
        registered_on=timezone.localdate(),
        status=BusinessStatus.OPERATING,
        status_since=timezone.localdate(),
        status_reason="",
    )
    registration = replace(registration_of(row, regions.village), grade_reason=REASON)
    business_register_many(actor=actor, rows=[registration], set_based=True)


def without_link(seen: dict) -> dict:
    """The state with the import's own audit data (its jobs and the line) left out."""
    for _name, event in seen["events"]:
        for key in ("import_job", "check_job", "line"):
            event["data"].pop(key, None)
    return seen


@pytest.mark.django_db
def test_the_form_the_import_and_the_demo_register_alike(client_for, county_staff, regions):
    client = client_for(county_staff)
    form = without_link(registered(lambda: by_form(client, regions)))
    imported = without_link(registered(lambda: by_import(county_staff, regions)))
    demo = without_link(registered(lambda: by_demo(county_staff, regions)))
    assert len(form["businesses"]) == 1
    assert form["changes"][0][1:5] == (
        "",
        BusinessStatus.OPERATING,
        timezone.localdate(),
        gettext("Registered"),
    )
    assert form["events"][0][1]["data"] == {"grade_reason": REASON}
    assert imported == form
    assert demo == form


@pytest.mark.django_db
class TestOneReasonRule:
    """A reason longer than the audit keeps is refused alike by the form's service, the import
    and a regrade, never cut."""

    def test_registration_refuses_a_long_grade_reason(self, county_staff, regions):
        from liangze.businesses.services import business_create
        from liangze.core.errors import Invalid

        with pytest.raises(Invalid) as info:
            business_create(
                actor=county_staff,
                division=regions.village,
                fields={k: v for k, v in INPUT.items()},
                grade_reason="理" * 201,
            )
        assert set(info.value.fields) == {"grade_reason"}
        job = check(
            county_staff,
            xlsx(
                [
                    {
                        **INPUT,
                        "grade_reason": "理" * 201,
                        "division_code": regions.village.code,
                    }
                ]
            ),
        )
        [error] = job.result["errors"]
        assert (error["column"], error["message"]) == (
            "grade_reason",
            info.value.fields["grade_reason"],
        )

    def test_a_regrade_refuses_a_long_reason(self, county_staff, regions):
        from liangze.businesses.services import business_create, business_regrade
        from liangze.core.errors import Invalid

        business = business_create(
            actor=county_staff, division=regions.village, fields=INPUT, grade_reason=REASON
        )
        with pytest.raises(Invalid) as info:
            business_regrade(actor=county_staff, business=business, grade="A", reason="理" * 201)
        assert "reason" in info.value.fields
        business.refresh_from_db()
        assert business.grade == "D"
        business_regrade(actor=county_staff, business=business, grade="A", reason="理" * 200)
        business.refresh_from_db()
        assert business.grade == "A"
