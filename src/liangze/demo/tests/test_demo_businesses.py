"""The demo's 2,397 Golmud businesses (docs/domain.md §4): shape of the generated rows, the load,
the rerun.

A load takes a second or two, so the database tests are few and each checks much.
"""

import csv
from collections import Counter
from datetime import date

import pytest

from liangze.accounts.models import Role, User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.codes import check_uscc, normalise_license, validate_uscc
from liangze.businesses.models import Business, BusinessStatus, StatusChange
from liangze.businesses.search import name_search_fields
from liangze.businesses.types import TYPE_GROUP, BusinessGroup, BusinessType, suggest_scale
from liangze.core.phones import normalise_phone
from liangze.demo.businesses import demo_businesses
from liangze.demo.people import GOLMUD
from liangze.demo.services import DIVISIONS_FILE
from liangze.regions.models import Division, Level

GRADES = {"A": 4, "B": 21, "C": 59, "D": 2313}
TOTAL = 2397
BUSINESS_LEVELS = {Level.TOWNSHIP, Level.VILLAGE}


def golmud_units() -> list[tuple[str, str]]:
    with DIVISIONS_FILE.open(encoding="utf-8") as handle:
        return sorted(
            {
                (row["code"], row["name"])
                for row in csv.DictReader(handle)
                if row["code"].startswith(GOLMUD[:6]) and row["code"] != GOLMUD
            }
        )


def inside_golmud(lat_e6: int, lng_e6: int) -> bool:
    return 34_000_000 <= lat_e6 <= 38_000_000 and 90_000_000 <= lng_e6 <= 97_000_000


@pytest.fixture(scope="module")
def rows():
    return demo_businesses(golmud_units())


class TestTheGeneratedRows:
    def test_it_is_deterministic(self, rows):
        assert demo_businesses(iter(golmud_units())) == rows

    def test_it_has_golmuds_grade_counts(self, rows):
        assert len(rows) == TOTAL
        assert Counter(row.grade for row in rows) == GRADES

    def test_it_gives_every_row_a_unique_name_and_an_identity(self, rows):
        assert len({row.name for row in rows}) == TOTAL
        assert all(row.uscc or row.registration_number for row in rows)
        usccs = [row.uscc for row in rows if row.uscc]
        assert len(set(usccs)) == len(usccs)
        registrations = [row.registration_number for row in rows if not row.uscc]
        assert len(set(registrations)) == len(registrations)

    def test_its_credit_codes_pass_both_checks_and_are_golmuds(self, rows):
        for row in rows:
            if row.uscc:
                result = validate_uscc(row.uscc)
                assert result.org_code_ok, row.uscc
                assert row.uscc[2:8] == "632801"

    def test_its_licences_fit_the_business_type(self, rows):
        form = {
            BusinessGroup.SALE: "JY1",
            BusinessGroup.CATERING: "JY2",
            BusinessGroup.CANTEEN: "JY3",
        }
        licences = [row.license_number for row in rows if row.license_number]
        assert len(set(licences)) == len(licences)
        for row in rows:
            group = TYPE_GROUP[BusinessType(row.business_type)]
            if not row.license_number:
                assert group in (BusinessGroup.SMALL_WORKSHOP, BusinessGroup.STREET_VENDOR) or (
                    row.business_type in (BusinessType.MARKET, BusinessType.RURAL_BANQUET_VENUE)
                )
                continue
            assert normalise_license(row.license_number) == row.license_number
            expected = "SC1" if group == BusinessGroup.PRODUCTION else form[group]
            assert row.license_number.startswith(expected)
            assert "632801" in row.license_number[3:12]

    def test_street_vendors_have_a_registration_and_no_credit_code(self, rows):
        vendors = [row for row in rows if row.business_type == BusinessType.STREET_VENDOR]
        assert vendors
        assert all(not row.uscc and row.registration_number for row in vendors)
        individuals = [row for row in rows if row.uscc.startswith("92")]
        assert len(individuals) > TOTAL // 2  # 个体工商户: most of grade D

    def test_its_scale_follows_grade_and_matches_staff_and_revenue(self, rows):
        scale = {"A": "large", "B": "medium", "C": "small", "D": "micro"}
        for row in rows:
            assert row.scale == scale[row.grade]
            suggested = suggest_scale(
                business_type=row.business_type,
                staff_count=row.staff_count,
                annual_revenue_fen=row.annual_revenue_fen,
            )
            assert suggested == row.scale, row

    def test_its_types_follow_grade(self, rows):
        types = {
            grade: {row.business_type for row in rows if row.grade == grade} for grade in GRADES
        }
        assert types["A"] == {
            "food_producer",
            "special_food_producer",
            "central_kitchen",
            "supermarket",
        }
        assert "street_vendor" in types["D"]
        assert not types["D"] & {
            "supermarket",
            "central_kitchen",
            "school_canteen",
            "food_producer",
        }

    def test_it_covers_every_township_and_village_and_puts_large_ones_on_townships(self, rows):
        units = dict(golmud_units())
        villages = {code for code in units if not code.endswith("000")}
        assert villages <= {row.division_code for row in rows}
        # Every township holds businesses, on itself or in its villages.
        assert {code[:9] for code in units} == {row.division_code[:9] for row in rows}
        for row in rows:
            on_township = row.division_code.endswith("000")
            if row.grade in ("A", "B"):
                assert on_township
        d_on_villages = sum(
            not row.division_code.endswith("000") for row in rows if row.grade == "D"
        )
        assert d_on_villages == GRADES["D"]  # only a village official covers grade D

    def test_its_places_people_and_dates_are_plausible(self, rows):
        for row in rows:
            assert inside_golmud(row.lat_e6, row.lng_e6), row
            assert normalise_phone(row.contact_phone) == row.contact_phone
            assert row.contact_phone.startswith("+861")
            assert row.contact_name
            assert date(2023, 1, 1) <= row.registered_on <= row.status_since <= date(2026, 12, 31)
        # 街道 (docs/domain.md §3.3)
        streets = [row for row in rows if row.division_code[6:9] < "100"]
        assert len(streets) > TOTAL // 2  # the city holds most shops
        assert all(
            36_400_000 <= row.lat_e6 <= 36_430_000 and 94_880_000 <= row.lng_e6 <= 94_930_000
            for row in streets
        )

    def test_it_suspends_and_closes_a_few(self, rows):
        statuses = Counter(row.status for row in rows)
        assert statuses == {"operating": TOTAL - 36, "suspended": 24, "closed": 12}
        moved = [row for row in rows if row.status != "operating"]
        assert all(row.status_reason and row.status_since > row.registered_on for row in moved)

    def test_most_childrens_canteens_have_open_kitchens(self, rows):
        canteens = [
            row for row in rows if row.business_type in ("school_canteen", "childcare_canteen")
        ]
        assert sum(row.open_kitchen for row in canteens) > 0.75 * len(canteens)
        assert any(row.key for row in rows) and any(row.chain_hq for row in rows)

    def test_it_names_one_business_for_the_director(self, rows):
        (director,) = [row for row in rows if row.for_director]
        assert director.grade == "B" and director.status == "operating"


@pytest.mark.django_db
class TestTheLoad:
    """A rerun and a refusal after a real user joined: test_demo_loaded."""

    def test_it_loads_golmuds_businesses(self, demo_loaded):
        summary = demo_loaded
        assert summary.businesses_by_grade == GRADES
        assert summary.businesses_created == TOTAL
        assert dict(Counter(Business.objects.values_list("grade", flat=True))) == GRADES
        live = Business.objects.exclude(status=BusinessStatus.CLOSED).exclude(uscc="")
        usccs = list(live.values_list("uscc", flat=True))
        assert len(usccs) == len(set(usccs))
        for business in Business.objects.select_related("division"):
            if business.uscc:
                assert check_uscc(business.uscc).check_digit_ok
            assert normalise_license(business.license_number) == business.license_number
            assert business.division.level in BUSINESS_LEVELS
            assert business.division.code.startswith(GOLMUD[:6])
            assert inside_golmud(business.lat_e6, business.lng_e6)
        golmud = Division.objects.get(code=GOLMUD)
        assert not Business.objects.exclude(division__path__startswith=golmud.path).exists()
        # Every business has its registration, and the moved ones their move.
        assert StatusChange.objects.filter(from_status="").count() == TOTAL
        # The registry's own moves; the closed loop's demo closes a few more businesses with
        # their problems (close reason business_closed).
        from liangze.rectification.models import CloseReason, Problem

        closed_by_loop = Problem.objects.filter(close_reason=CloseReason.BUSINESS_CLOSED)
        moved = Business.objects.exclude(status=BusinessStatus.OPERATING).exclude(
            pk__in=closed_by_loop.values("business_id")
        )
        assert moved.count() == 36
        for business in moved:
            change = business.status_changes.get(from_status=BusinessStatus.OPERATING)
            assert (change.to_status, change.effective_on) == (
                business.status,
                business.status_since,
            )
        event = AuditEvent.objects.get(action=AuditAction.DEMO_LOADED)
        assert event.data["businesses_created"] == TOTAL
        assert event.data["businesses_by_grade"] == GRADES
        # The business director sees their business.
        director = User.objects.get(username="business_director")
        grant = director.grants.get(revoked_at__isnull=True)
        assert grant.role == Role.BUSINESS_DIRECTOR
        assert grant.business is not None
        assert grant.division == grant.business.division == director.division
        assert director.jurisdiction().business_ids == (grant.business.pk,)

    def test_it_stores_the_search_keys_of_every_name(self, demo_loaded):
        """The demo registers through the registry's one write path, which stores the keys."""
        businesses = Business.objects.all()
        assert businesses.count() == TOTAL
        for business in businesses:
            stored = {
                f: getattr(business, f) for f in ("name_pinyin", "name_initials", "name_grams")
            }
            assert stored == name_search_fields(business.name), business.name
