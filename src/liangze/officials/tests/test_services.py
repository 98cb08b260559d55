from datetime import date, timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from liangze.accounts.models import Role
from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.models import BusinessStatus
from liangze.businesses.services import (
    business_bulk_status_change,
    business_move,
    business_regrade,
    business_status_change,
)
from liangze.businesses.testing import make_business
from liangze.core.errors import Conflict, Forbidden, Invalid
from liangze.core.tables import TableRow
from liangze.officials import services
from liangze.officials.models import Assignment, CoveringRule, Official
from liangze.officials.selectors import covering_officials
from liangze.officials.testing import make_official

TODAY = timezone.localdate


def open_official(business):
    return Assignment.objects.filter(business=business, ends_on__isnull=True).first()


class TestOfficials:
    def test_it_creates_an_official_on_an_official_grant_with_a_one_time_password(
        self, county_staff, regions
    ):
        issued = services.official_create(
            actor=county_staff,
            display_name="王五",
            phone="139 0000 1234",
            division=regions.township,
            position="副镇长",
        )
        official = Official.objects.select_related("grant__division", "user").get()
        assert official.phone == "+8613900001234"
        assert official.level == "township"
        assert official.grant.role == Role.OFFICIAL
        assert official.grant.division == regions.township
        assert official.user.username == "13900001234"
        assert official.user.must_change_password
        assert check_password(issued.one_time_password, official.user.password)
        assert not set(issued.one_time_password) & set("0O1lI")
        assert AuditEvent.objects.filter(
            action=AuditAction.OFFICIAL_CREATED, target_id=str(official.pk)
        ).exists()

    def test_it_refuses_a_post_outside_the_office(self, county_staff, regions):
        with pytest.raises(Invalid) as exc:
            services.official_create(
                actor=county_staff,
                display_name="甲",
                phone="13900001234",
                division=regions.neighbour_township,
            )
        assert "division_code" in exc.value.fields
        assert not Official.objects.exists()

    def test_it_refuses_a_landline_and_a_taken_mobile(self, county_staff, regions):
        with pytest.raises(Invalid) as exc:
            services.official_create(
                actor=county_staff,
                display_name="甲",
                phone="0979-8412345",
                division=regions.village,
            )
        assert "phone" in exc.value.fields
        make_official(actor=county_staff, division=regions.village, serial=1)
        with pytest.raises(Invalid) as exc:
            make_official(actor=county_staff, division=regions.other_village, serial=1)
        assert "phone" in exc.value.fields
        assert Official.objects.count() == 1

    def test_it_updates_and_moves_the_post_by_a_new_grant(self, county_staff, regions):
        official = make_official(actor=county_staff, division=regions.village)
        old_grant = official.grant
        services.official_update(
            actor=county_staff,
            official=official,
            display_name="新名",
            phone=official.phone,
            division=regions.other_village,
            position="村主任",
        )
        official.refresh_from_db()
        old_grant.refresh_from_db()
        assert official.grant.division == regions.other_village
        assert old_grant.revoked_at is not None
        assert official.user.display_name == "新名"
        assert official.position == "村主任"

    def test_it_deactivates_only_after_a_hand_over(self, county_staff, regions, shop):
        official = make_official(actor=county_staff, division=regions.village, serial=1)
        successor = make_official(actor=county_staff, division=regions.village, serial=2)
        services.assignment_create(actor=county_staff, official=official, business=shop)
        with pytest.raises(Conflict) as exc:
            services.official_deactivate(actor=county_staff, official=official)
        assert exc.value.code == "official_has_businesses"
        services.official_hand_over(actor=county_staff, official=official, successor=successor)
        services.official_deactivate(actor=county_staff, official=official)
        official.refresh_from_db()
        official.grant.refresh_from_db()
        official.user.refresh_from_db()
        assert official.active_to == TODAY()
        assert official.grant.revoked_at is not None
        assert not official.user.is_active
        assert open_official(shop).official == successor


class TestOfficialImport:
    def rows(self, *values):
        return [TableRow(line=i + 2, values=v) for i, v in enumerate(values)]

    def test_it_adds_new_and_updates_by_mobile_number(self, county_staff, regions):
        existing = make_official(actor=county_staff, division=regions.village, serial=1)
        result = services.official_import_rows(
            actor=county_staff,
            rows=self.rows(
                {
                    "display_name": "改名",
                    "phone": "13900000001",
                    "division_code": regions.village.code,
                    "position": "支书",
                },
                {
                    "display_name": "新人",
                    "phone": "13800000002",
                    "division_code": "632801100",
                    "position": "",
                },
            ),
        )
        assert result.updated == 1
        assert len(result.created) == 1
        assert result.created[0].one_time_password
        existing.refresh_from_db()
        assert existing.position == "支书"
        assert existing.user.display_name == "改名"
        assert Official.objects.get(phone="+8613800000002").grant.division == regions.township

    def test_it_reports_every_bad_row_and_writes_nothing(self, county_staff, regions):
        with pytest.raises(services.ImportRejected) as exc:
            services.official_import_rows(
                actor=county_staff,
                rows=self.rows(
                    {"display_name": "", "phone": "13800000001", "division_code": "632801"},
                    {"display_name": "乙", "phone": "13800000001", "division_code": "632801"},
                    {"display_name": "丙", "phone": "12345", "division_code": "632802"},
                    {
                        "display_name": "丁",
                        "phone": "13800000004",
                        "division_code": "630000",
                        "active_from": "2024-13-01",
                    },
                ),
            )
        found = {(e.line, e.column) for e in exc.value.errors}
        assert found == {
            (2, "display_name"),
            (3, "phone"),
            (4, "phone"),
            (4, "division_code"),
            (5, "division_code"),
            (5, "active_from"),
        }
        assert not Official.objects.exists()


class TestAssignmentRules:
    def test_it_assigns_by_the_grade_level(self, county_staff, officials, shop):
        assignment = services.assignment_create(
            actor=county_staff, official=officials.village, business=shop
        )
        assert assignment.starts_on == TODAY()
        assert covering_officials([shop.pk])[shop.pk] == officials.village
        event = AuditEvent.objects.get(action=AuditAction.ASSIGNMENT_CREATED)
        assert event.target_id == str(shop.pk)

    @pytest.mark.parametrize("level", ["county", "township", "other_village"])
    def test_it_refuses_the_wrong_level_or_a_post_not_holding_the_business(
        self, county_staff, officials, shop, level
    ):
        with pytest.raises(Invalid) as exc:
            services.assignment_create(
                actor=county_staff, official=getattr(officials, level), business=shop
            )
        assert exc.value.code == "assignment_refused"
        assert not Assignment.objects.exists()

    def test_it_follows_the_province_mapping(self, county_staff, officials, regions, shop):
        CoveringRule.objects.create(
            province=regions.province,
            grade_a_level="city",
            grade_b_level="county",
            grade_c_level="township",
            grade_d_level="township",
        )
        services.assignment_create(actor=county_staff, official=officials.township, business=shop)
        assert open_official(shop).official == officials.township

    def test_a_county_office_cannot_assign_to_the_prefecture_official(
        self, county_staff, officials, regions
    ):
        big = make_business(actor=county_staff, division=regions.village, serial=2, grade="A")
        with pytest.raises(Forbidden):
            services.assignment_create(actor=county_staff, official=officials.city, business=big)
        services.assignment_create(
            actor=officials.staff_of_city, official=officials.city, business=big
        )
        assert open_official(big).official == officials.city

    def test_it_refuses_a_covered_business_unless_replacing(self, county_staff, regions, shop):
        first = make_official(actor=county_staff, division=regions.village, serial=11)
        second = make_official(actor=county_staff, division=regions.village, serial=12)
        services.assignment_create(actor=county_staff, official=first, business=shop)
        with pytest.raises(Invalid) as exc:
            services.assignment_create(actor=county_staff, official=second, business=shop)
        assert exc.value.code == "assignment_taken"
        services.assignment_create(actor=county_staff, official=second, business=shop, replace=True)
        ended = Assignment.objects.get(official=first)
        assert ended.ends_on == TODAY()
        assert ended.end_reason == Assignment.EndReason.REASSIGNED
        assert open_official(shop).official == second

    def test_the_database_holds_one_open_assignment_and_ordered_dates(
        self, county_staff, officials, shop
    ):
        Assignment.objects.create(business=shop, official=officials.village, starts_on=TODAY())
        with pytest.raises(IntegrityError), transaction.atomic():
            Assignment.objects.create(
                business=shop, official=officials.other_village, starts_on=TODAY()
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Assignment.objects.create(
                business=shop,
                official=officials.village,
                starts_on=TODAY(),
                ends_on=TODAY() - timedelta(days=1),
            )

    def test_bulk_assigns_a_whole_village_in_one_action(self, county_staff, officials, regions):
        shops = [
            make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
            for n in range(1, 6)
        ]
        made = services.assignment_bulk_create(
            actor=county_staff, official=officials.village, businesses=shops
        )
        assert made == 5
        again = services.assignment_bulk_create(
            actor=county_staff, official=officials.village, businesses=shops
        )
        assert again == 0
        assert Assignment.objects.filter(ends_on__isnull=True).count() == 5

    def test_bulk_is_all_or_nothing(self, county_staff, officials, regions):
        good = make_business(actor=county_staff, division=regions.village, serial=1, grade="D")
        bad = make_business(actor=county_staff, division=regions.village, serial=2, grade="C")
        with pytest.raises(Invalid) as exc:
            services.assignment_bulk_create(
                actor=county_staff, official=officials.village, businesses=[good, bad]
            )
        assert set(exc.value.fields) == {str(bad.pk)}
        assert not Assignment.objects.exists()


class TestHandOver:
    def test_it_moves_every_business_and_keeps_history(self, county_staff, regions):
        old = make_official(actor=county_staff, division=regions.township, serial=1)
        new = make_official(actor=county_staff, division=regions.township, serial=2)
        shops = [
            make_business(actor=county_staff, division=d, serial=n, grade="C")
            for n, d in enumerate([regions.village, regions.other_village, regions.township])
        ]
        services.assignment_bulk_create(actor=county_staff, official=old, businesses=shops)
        moved = services.official_hand_over(actor=county_staff, official=old, successor=new)
        assert moved == 3
        assert set(
            Assignment.objects.filter(official=old).values_list("end_reason", flat=True)
        ) == {Assignment.EndReason.HANDED_OVER}
        assert Assignment.objects.filter(official=new, ends_on__isnull=True).count() == 3
        assert AuditEvent.objects.filter(action=AuditAction.OFFICIAL_HANDED_OVER).count() == 1

    def test_it_refuses_a_successor_whose_post_does_not_hold_them(
        self, county_staff, officials, regions
    ):
        shops = [
            make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
            for n in (1, 2)
        ]
        services.assignment_bulk_create(
            actor=county_staff, official=officials.village, businesses=shops
        )
        for successor in (officials.other_village, officials.township):
            with pytest.raises(Invalid):
                services.official_hand_over(
                    actor=county_staff, official=officials.village, successor=successor
                )
        assert Assignment.objects.filter(official=officials.village, ends_on=None).count() == 2


class TestBusinessChanges:
    def test_suspension_keeps_it_and_closing_ends_it(self, county_staff, officials, shop):
        services.assignment_create(actor=county_staff, official=officials.village, business=shop)
        business_status_change(
            actor=county_staff,
            business=shop,
            to_status=BusinessStatus.SUSPENDED,
            effective_on=TODAY(),
            reason="装修",
        )
        assert open_official(shop).official == officials.village
        business_status_change(
            actor=county_staff,
            business=shop,
            to_status=BusinessStatus.CLOSED,
            effective_on=TODAY() - timedelta(days=3),
            reason="注销",
        )
        ended = Assignment.objects.get()
        assert ended.end_reason == Assignment.EndReason.CLOSED
        assert ended.ends_on == TODAY()  # never before the assignment began

    def test_bulk_closing_ends_them_all(self, county_staff, officials, regions):
        shops = [
            make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
            for n in (1, 2)
        ]
        services.assignment_bulk_create(
            actor=county_staff, official=officials.village, businesses=shops
        )
        business_bulk_status_change(
            actor=county_staff,
            businesses=shops,
            to_status=BusinessStatus.CLOSED,
            effective_on=TODAY(),
            reason="注销",
        )
        assert not Assignment.objects.filter(ends_on__isnull=True).exists()

    def test_regrade_ends_a_misfit_and_the_wrapper_reassigns(self, county_staff, officials, shop):
        services.assignment_create(actor=county_staff, official=officials.village, business=shop)
        business_regrade(actor=county_staff, business=shop, grade="C", reason="扩大")
        assert open_official(shop) is None
        assert Assignment.objects.get().end_reason == Assignment.EndReason.REGRADED
        services.business_regrade_and_assign(
            actor=county_staff,
            business=shop,
            grade="B",
            reason="再扩大",
            official=officials.county,
        )
        assert open_official(shop).official == officials.county

    def test_a_table_regrade_ends_a_misfit_as_the_form_does(self, county_staff, officials, shop):
        """The import's set-based change path runs the registry's hooks too."""
        from liangze.businesses.services import Change, business_change_many

        services.assignment_create(actor=county_staff, official=officials.village, business=shop)
        business_change_many(
            actor=county_staff,
            rows=[
                Change(
                    business_id=shop.pk,
                    name=shop.name,
                    division_path=shop.division.path,
                    after={"grade": "C"},
                    before={"grade": "D"},
                )
            ],
        )
        assert open_official(shop) is None
        assert Assignment.objects.get().end_reason == Assignment.EndReason.REGRADED

    def test_a_move_outside_the_post_ends_it_and_the_wrapper_reassigns(
        self, county_staff, officials, regions, shop
    ):
        services.assignment_create(actor=county_staff, official=officials.village, business=shop)
        services.business_move_and_assign(
            actor=county_staff,
            business=shop,
            division=regions.other_village,
            reason="搬迁",
            official=officials.other_village,
        )
        history = list(Assignment.objects.order_by("pk"))
        assert [a.end_reason for a in history] == [Assignment.EndReason.MOVED, ""]
        assert history[1].official == officials.other_village

    def test_a_move_inside_the_post_keeps_it(self, county_staff, regions):
        township_official = make_official(actor=county_staff, division=regions.township)
        shop = make_business(actor=county_staff, division=regions.village, serial=9, grade="C")
        services.assignment_create(actor=county_staff, official=township_official, business=shop)
        business_move(actor=county_staff, business=shop, division=regions.other_village, reason="x")
        assert open_official(shop).official == township_official


class TestAssignmentImport:
    def test_it_assigns_by_mobile_and_code_and_reports_misfits(
        self, county_staff, officials, regions, shop
    ):
        other = make_business(actor=county_staff, division=regions.village, serial=2, grade="C")
        rows = [
            TableRow(2, {"official_phone": "13900000004", "business_code": shop.uscc}),
            TableRow(3, {"official_phone": "13900000004", "business_code": other.uscc}),
            TableRow(4, {"official_phone": "13900009999", "business_code": "X"}),
        ]
        with pytest.raises(services.ImportRejected) as exc:
            services.assignment_import_rows(actor=county_staff, rows=rows)
        assert {(e.line, e.column) for e in exc.value.errors} == {
            (3, "official_phone"),
            (4, "official_phone"),
            (4, "business_code"),
        }
        result = services.assignment_import_rows(actor=county_staff, rows=rows[:1])
        assert result.created == 1
        again = services.assignment_import_rows(
            actor=county_staff,
            rows=[
                TableRow(
                    2,
                    {
                        "official_phone": "13900000004",
                        "business_code": shop.uscc,
                        "starts_on": date(2020, 1, 1).isoformat(),
                    },
                )
            ],
        )
        assert again.unchanged == 1
        assert open_official(shop).official == officials.village


def test_an_existing_account_with_the_official_role_becomes_the_official(
    county_staff, village_official, regions
):
    rows = [
        TableRow(
            2,
            {
                "display_name": "马海",
                "phone": "13900000077",
                "division_code": regions.village.code,
                "username": village_official.username,
            },
        )
    ]
    result = services.official_import_rows(actor=county_staff, rows=rows)
    official = result.created[0].official
    assert official.user == village_official
    assert official.grant.division == regions.village
    assert result.created[0].one_time_password == ""
    with pytest.raises(services.ImportRejected):  # once is enough
        services.official_import_rows(
            actor=county_staff,
            rows=[TableRow(2, {**rows[0].values, "phone": "13900000078"})],
        )


def test_the_fast_insert_writes_what_the_plain_event_says(county_staff, officials, regions):
    """_insert_assignments puts columns together itself: hold them to assignment_created_event."""
    shops = [
        make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
        for n in (1, 2)
    ]
    services.assignment_bulk_create(
        actor=county_staff, official=officials.village, businesses=shops
    )
    columns = [
        "actor_id",
        "actor_name",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "division_path",
        "changes",
        "data",
        "ip",
        "request_id",
    ]
    for shop in shops:
        assignment = Assignment.objects.get(business=shop)
        assert (assignment.created_by, assignment.end_reason) == (county_staff, "")
        expected = services.assignment_created_event(
            actor=county_staff, business=shop, official=officials.village, pk=assignment.pk
        )
        saved = AuditEvent.objects.get(
            action=AuditAction.ASSIGNMENT_CREATED, target_id=str(shop.pk)
        )
        assert [getattr(saved, c) for c in columns] == [getattr(expected, c) for c in columns]


def test_the_rule_book_defaults_and_municipalities():
    from liangze.core.tree import path_segment
    from liangze.officials.rules import RuleBook

    qinghai, beijing = path_segment(1), path_segment(2)
    book = RuleBook(municipalities=frozenset({2}), levels={3: dict.fromkeys("ABCD", "county")})
    assert [book.required_level(grade=g, path=qinghai + "0000000009") for g in "ABCD"] == [
        "city",
        "county",
        "township",
        "village",
    ]
    assert book.required_level(grade="A", path=beijing) == "province"
    assert book.required_level(grade="D", path=path_segment(3)) == "county"
    assert book.load_warning(qinghai) == 30


def test_the_hand_written_covering_read_names_the_officials_as_the_orm_does(
    county_staff, officials, shop, regions
):
    from liangze.accounts.models import User
    from liangze.businesses.hooks import CoveringOfficial
    from liangze.officials.coverage import covering_for_registry

    other = make_business(actor=county_staff, division=regions.village, serial=2, grade="D")
    services.assignment_create(actor=county_staff, official=officials.village, business=shop)
    ended = services.assignment_create(
        actor=county_staff, official=officials.village, business=other
    )
    services.assignment_end(actor=county_staff, assignment=ended)
    User.objects.filter(pk=officials.village.user_id).update(display_name="")  # by username

    def by_the_orm(ids):
        return {
            pk: CoveringOfficial(
                name=str(o.user), position=o.position, post=o.grant.division.name, phone=o.phone
            )
            for pk, o in covering_officials(ids).items()
        }

    ids = [shop.pk, other.pk]
    answer = covering_for_registry(ids)
    assert answer == by_the_orm(ids)
    assert list(answer) == [shop.pk]
    assert answer[shop.pk].name == officials.village.user.username
    assert answer[shop.pk].post == regions.village.name
    assert covering_for_registry([]) == {}
