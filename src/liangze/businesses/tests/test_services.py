from datetime import date

import pytest

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses import services
from liangze.businesses.models import Business, BusinessStatus, StatusChange
from liangze.businesses.selectors import access_business_by_id, business_list
from liangze.businesses.testing import make_business, make_uscc
from liangze.core.errors import Conflict, Forbidden, Invalid, NotFound


@pytest.fixture
def business(county_staff, regions):
    return make_business(actor=county_staff, division=regions.village)


class TestBusinessCreate:
    def test_it_registers_an_operating_business_with_its_history(self, business, county_staff):
        assert business.status == BusinessStatus.OPERATING
        assert business.status_changes.get().to_status == BusinessStatus.OPERATING
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_CREATED)
        assert event.target_id == str(business.pk)
        assert event.changes["grade"] == [None, "C"]
        assert event.division_path == business.division.path

    def test_it_reports_every_bad_field_and_writes_nothing(self, county_staff, regions):
        with pytest.raises(Invalid) as caught:
            services.business_create(
                actor=county_staff,
                division=regions.village,
                fields={
                    "name": "",
                    "uscc": "11500236MB1822153X",
                    "business_type": "spaceship",
                    "grade": "E",
                    "contact_phone": "12",
                },
                grade_reason="",
            )
        assert set(caught.value.fields) >= {
            "name",
            "uscc",
            "business_type",
            "grade",
            "contact_phone",
            "grade_reason",
        }
        assert not Business.objects.exists()
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_CREATED).exists()

    def test_a_live_duplicate_credit_code_is_refused_but_a_closed_one_is_not(
        self, business, county_staff, regions
    ):
        with pytest.raises(Invalid) as caught:
            make_business(actor=county_staff, division=regions.other_village, serial=1)
        assert "uscc" in caught.value.fields
        services.business_status_change(
            actor=county_staff,
            business=business,
            to_status="closed",
            effective_on=date(2026, 11, 1),
            reason="注销",
        )
        again = make_business(actor=county_staff, division=regions.other_village, serial=1)
        assert again.uscc == business.uscc

    def test_it_suggests_the_scale_from_staff_and_revenue(self, county_staff, regions):
        created = make_business(
            actor=county_staff,
            division=regions.village,
            serial=2,
            scale="",
            staff_count=120,
            annual_revenue_yuan=30_000_000,
        )
        assert created.scale == "medium"

    def test_a_business_belongs_to_a_township_or_village(self, county_staff, regions):
        with pytest.raises(Invalid) as caught:
            make_business(actor=county_staff, division=regions.county, serial=3)
        assert caught.value.code == "business_division_level"

    def test_a_pilot_code_needs_the_override_and_is_flagged(self, county_staff, regions):
        fields = {
            "name": "老字号",
            "uscc": "91350100M0001TGQXM",
            "business_type": "bakery",
            "scale": "micro",
            "grade": "D",
        }
        with pytest.raises(Invalid):
            services.business_create(
                actor=county_staff, division=regions.village, fields=fields, grade_reason="x"
            )
        created = services.business_create(
            actor=county_staff,
            division=regions.village,
            fields={**fields, "uscc_pilot_override": "是"},
            grade_reason="x",
            allow_pilot=True,
        )
        assert created.uscc_pilot_override is True


class TestStatusAndGrade:
    def test_status_moves_are_compare_and_set(self, business, county_staff):
        stale = Business.objects.get(pk=business.pk)
        services.business_status_change(
            actor=county_staff,
            business=business,
            to_status="suspended",
            effective_on=date(2026, 10, 1),
            reason="整改停业",
        )
        with pytest.raises(Conflict):
            services.business_status_change(
                actor=county_staff,
                business=stale,
                to_status="closed",
                effective_on=date(2026, 10, 2),
                reason="x",
            )
        business.refresh_from_db()
        assert business.status == "suspended"
        assert business.status_since == date(2026, 10, 1)
        assert StatusChange.objects.filter(business=business).count() == 2

    def test_closed_is_final(self, business, county_staff):
        services.business_status_change(
            actor=county_staff,
            business=business,
            to_status="closed",
            effective_on=date(2026, 10, 1),
            reason="注销",
        )
        with pytest.raises(Conflict) as caught:
            services.business_status_change(
                actor=county_staff,
                business=business,
                to_status="operating",
                effective_on=date(2026, 10, 2),
                reason="x",
            )
        assert caught.value.code == "status_transition"

    def test_regrade_needs_a_reason_and_is_audited(self, business, county_staff):
        with pytest.raises(Invalid):
            services.business_regrade(actor=county_staff, business=business, grade="B", reason=" ")
        services.business_regrade(
            actor=county_staff, business=business, grade="B", reason="规模扩大"
        )
        business.refresh_from_db()
        assert business.grade == "B"
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_REGRADED)
        assert event.changes == {"grade": ["C", "B"]} and event.data == {"reason": "规模扩大"}

    def test_bulk_status_change_is_all_or_nothing(self, county_staff, regions):
        first = make_business(actor=county_staff, division=regions.village, serial=11)
        second = make_business(actor=county_staff, division=regions.village, serial=12)
        services.business_status_change(
            actor=county_staff,
            business=second,
            to_status="closed",
            effective_on=date(2026, 1, 1),
            reason="注销",
        )
        with pytest.raises(Conflict):
            services.business_bulk_status_change(
                actor=county_staff,
                businesses=[first, Business.objects.get(pk=second.pk)],
                to_status="suspended",
                effective_on=date(2026, 2, 1),
                reason="x",
            )
        first.refresh_from_db()
        assert first.status == "operating"

    def test_bulk_regrade_writes_one_event_per_changed_business(self, county_staff, regions):
        made = [
            make_business(actor=county_staff, division=regions.village, serial=20 + i)
            for i in range(3)
        ]
        services.business_regrade(actor=county_staff, business=made[0], grade="D", reason="x")
        count = services.business_bulk_regrade(
            actor=county_staff,
            businesses=Business.objects.filter(pk__in=[b.pk for b in made]),
            grade="D",
            reason="统一调整",
        )
        assert count == 2
        assert set(Business.objects.values_list("grade", flat=True)) == {"D"}


class TestScoping:
    def test_neighbour_county_staff_cannot_see_or_find_our_business(self, business, outsider):
        assert not business_list(viewer=outsider).exists()
        with pytest.raises(NotFound):
            access_business_by_id(outsider, business.pk)

    def test_leader_reads_but_cannot_write(self, business, leader):
        assert access_business_by_id(leader, business.pk) == business
        with pytest.raises(Forbidden):
            access_business_by_id(leader, business.pk, for_write=True)

    def test_business_staff_see_only_their_own_business(
        self, business, county_staff, regions, user_factory
    ):
        other = make_business(actor=county_staff, division=regions.village, serial=99)
        director = user_factory("director", None, regions.village)
        director.grants.create(
            role="business_director", division=regions.village, business=business
        )
        assert list(business_list(viewer=director)) == [business]
        with pytest.raises(NotFound):
            access_business_by_id(director, other.pk)

    def test_search_finds_by_name_and_code(self, business, county_staff):
        assert list(business_list(viewer=county_staff, search="测试餐馆")) == [business]
        assert list(business_list(viewer=county_staff, search=make_uscc(1).lower())) == [business]


class TestNumbersFromText:
    @pytest.mark.parametrize("text", ["1e999999999", "Infinity", "NaN", "12a", "1.2.3"])
    def test_it_refuses_what_is_not_a_plain_number_quickly(self, text):
        from liangze.businesses.validation import clean_business_fields

        _cleaned, errors = clean_business_fields({"staff_count": text}, partial=True)
        assert "staff_count" in errors

    @pytest.mark.parametrize(("text", "number"), [("12", 12), ("12.0", 12), ("1,200", 1200)])
    def test_it_reads_plain_numbers(self, text, number):
        from liangze.businesses.validation import clean_business_fields

        cleaned, errors = clean_business_fields({"staff_count": text}, partial=True)
        assert errors == {} and cleaned["staff_count"] == number

    def test_choice_labels_are_accepted_in_either_language(self):
        from django.utils import translation

        from liangze.businesses.validation import clean_business_fields

        with translation.override("en"):
            assert (
                clean_business_fields({"business_type": "Restaurant"}, partial=True)[0][
                    "business_type"
                ]
                == "restaurant"
            )
        with translation.override("zh-hans"):
            assert (
                clean_business_fields({"business_type": "餐馆"}, partial=True)[0]["business_type"]
                == "restaurant"
            )


def test_cleaned_fields_lists_exactly_what_the_validator_produces():
    from liangze.businesses.testing import make_uscc
    from liangze.businesses.validation import CLEANED_FIELDS, clean_business_fields

    cleaned, errors = clean_business_fields(
        {
            "name": "店",
            "uscc": make_uscc(3),
            "business_type": "restaurant",
            "scale": "small",
            "grade": "D",
        }
    )
    assert errors == {}
    assert set(cleaned) == set(CLEANED_FIELDS)


def test_public_tokens_made_in_a_batch_are_made_as_one_is():
    import re

    from liangze.businesses.models import new_public_token, new_public_tokens

    batch = new_public_tokens(50)
    assert len(set(batch)) == 50
    assert {len(token) for token in batch} == {len(new_public_token())} == {24}
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", token) for token in batch)
    assert new_public_tokens(0) == []
