"""The registry pages (/businesses/): list, detail, forms and bulk actions, by persona."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from liangze.accounts.models import Role
from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses import selectors, services
from liangze.businesses.forms import SORT_CHOICES
from liangze.businesses.models import Business, Grade, StatusChange
from liangze.businesses.selectors import SORTS
from liangze.businesses.testing import make_business, make_uscc
from liangze.core import pagination

LIST = "/businesses/"
CREATE = "/businesses/new/"
BULK = "/businesses/bulk/"
PILOT_CODE = "91350100M0001TGQXM"  # legal early pilot code that fails the check digit


def detail_url(business) -> str:
    return f"/businesses/{business.pk}/"


def listed(response) -> list[int]:
    return [b.pk for b in response.context["page"].object_list]


def message_levels(response) -> list[str]:
    return [m.level_tag for m in get_messages(response.wsgi_request)]


def new_business(division, **overrides) -> dict:
    return {
        "name": "新开面馆",
        "uscc": make_uscc(500),
        "business_type": "restaurant",
        "scale": "small",
        "grade": "C",
        "grade_reason": "小型餐饮",
        "division": division.pk,
        "contact_phone": "138 0000 0000",
        "latitude": "36.4163",
        "longitude": "94.9033",
        **overrides,
    }


NOT_WRITES = (AuditAction.ACCESS_DENIED, AuditAction.LOGIN)


def writes() -> list[str]:
    """Every event that records a change, oldest first."""
    return list(
        AuditEvent.objects.exclude(action__in=NOT_WRITES)
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def business(county_staff, regions):
    return make_business(actor=county_staff, division=regions.village)


@pytest.fixture
def director_business(business, business_director, regions):
    business_director.grants.filter(role=Role.BUSINESS_DIRECTOR).update(business=business)
    return business


@pytest.fixture
def split_staff(user_factory, regions):
    """Office staff of one village who also reads the whole county as an official: sees every
    business of the county, may change only those of their village."""
    user = user_factory("split_staff", Role.OFFICE_STAFF, regions.other_village)
    user.grants.create(role=Role.OFFICIAL, division=regions.county)
    return user


@pytest.mark.parametrize(
    ("persona", "read", "edit_form", "write"),
    [
        ("county_staff", 200, 200, 302),  # the office keeps the registry; a write redirects back
        ("leader", 200, 403, 403),
        ("village_official", 200, 403, 403),
        ("regulator", 200, 403, 403),
        ("outsider", 404, 404, 404),  # the neighbour county: same answer as a missing id
        ("public", 302, 302, 302),  # to the login page
    ],
)
def test_business_pages_by_persona(persona, read, edit_form, write, request, client_for, business):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(detail_url(business)).status_code == read
    assert client.get(f"{detail_url(business)}edit/").status_code == edit_form
    response = client.post(
        f"{detail_url(business)}grade/", {"regrade-grade": "B", "regrade-reason": "规模扩大"}
    )
    assert response.status_code == write
    business.refresh_from_db()
    assert business.grade == ("B" if persona == "county_staff" else "C")
    if persona == "public":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "status", "sees_business"),
    [
        ("county_staff", 200, True),
        ("leader", 200, True),
        ("village_official", 200, True),
        ("outsider", 200, False),
        ("public", 302, False),
    ],
)
def test_the_list_by_persona(persona, status, sees_business, request, client_for, business):
    response = client_for(request.getfixturevalue(persona)).get(LIST)
    assert response.status_code == status
    if status == 200:
        assert listed(response) == ([business.pk] if sees_business else [])


@pytest.mark.parametrize(("persona", "status"), [("county_staff", 200), ("leader", 403)])
def test_only_office_staff_open_the_registration_form(persona, status, request, client_for):
    assert client_for(request.getfixturevalue(persona)).get(CREATE).status_code == status


class TestBusinessDirector:
    def test_it_sees_only_its_own_business(
        self, director_business, business_director, county_staff, regions, client_for
    ):
        other = make_business(actor=county_staff, division=regions.village, serial=2)
        client = client_for(business_director)
        assert listed(client.get(LIST)) == [director_business.pk]
        assert client.get(detail_url(director_business)).status_code == 200
        assert client.get(detail_url(other)).status_code == 404

    def test_it_cannot_change_its_business(self, director_business, business_director, client_for):
        response = client_for(business_director).post(
            f"{detail_url(director_business)}status/",
            {
                "status-to_status": "suspended",
                "status-effective_on": "2026-03-01",
                "status-reason": "x",
            },
        )
        assert response.status_code == 403
        director_business.refresh_from_db()
        assert director_business.status == "operating"


class TestList:
    @pytest.fixture
    def three(self, county_staff, regions):
        services_kwargs = {"actor": county_staff}
        return {
            "noodles": make_business(
                **services_kwargs,
                division=regions.village,
                serial=1,
                name="阿面馆",
                grade="D",
                registration_number="",
                license_number="JY26328010000012",
            ),
            "school": make_business(
                **services_kwargs,
                division=regions.other_village,
                serial=2,
                name="中学食堂",
                business_type="school_canteen",
                grade="B",
            ),
            "shop": make_business(
                **services_kwargs,
                division=regions.township,
                serial=3,
                name="便利店",
                business_type="convenience_store",
                uscc="",
                registration_number="登记-0003",
            ),
        }

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"q": "面馆"}, ["noodles"]),
            ({"q": make_uscc(2).lower()}, ["school"]),
            ({"q": "登记-0003"}, ["shop"]),
            ({"q": "jy26328010000012"}, ["noodles"]),
            ({"grade": "B"}, ["school"]),
            ({"business_type": "school_canteen"}, ["school"]),
            ({"grade": "C", "business_type": "restaurant"}, []),
        ],
    )
    def test_it_searches_and_filters(self, query, expected, three, client_for, county_staff):
        response = client_for(county_staff).get(LIST, query)
        assert response.status_code == 200
        assert listed(response) == [three[name].pk for name in expected]

    def test_it_filters_by_status(self, three, client_for, county_staff):
        services.business_status_change(
            actor=county_staff,
            business=three["shop"],
            to_status="suspended",
            effective_on=date(2026, 2, 1),
            reason="整改",
        )
        response = client_for(county_staff).get(LIST, {"status": "suspended"})
        assert listed(response) == [three["shop"].pk]

    def test_it_narrows_to_a_division_subtree(self, three, client_for, county_staff, regions):
        client = client_for(county_staff)
        assert listed(client.get(LIST, {"within": regions.village.pk})) == [three["noodles"].pk]
        assert len(listed(client.get(LIST, {"within": regions.township.pk}))) == 3

    def test_a_division_outside_the_jurisdiction_lists_nothing(
        self, three, client_for, county_staff, regions
    ):
        response = client_for(county_staff).get(LIST, {"within": regions.neighbour_village.pk})
        assert response.status_code == 200
        assert listed(response) == []
        assert "within" in response.context["form"].errors

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("name", ["school", "shop", "noodles"]),  # by code point: 中 < 便 < 阿
            ("-name", ["noodles", "shop", "school"]),
            ("grade", ["school", "shop", "noodles"]),
            ("-grade", ["noodles", "shop", "school"]),
            ("division", ["shop", "noodles", "school"]),
        ],
    )
    def test_it_sorts(self, sort, expected, three, client_for, county_staff):
        response = client_for(county_staff).get(LIST, {"sort": sort})
        assert listed(response) == [three[name].pk for name in expected]

    def test_every_sort_of_the_selector_is_offered(self):
        assert [key for key, _label in SORT_CHOICES] == list(SORTS)

    def test_it_pages_by_25(self, county_staff, regions, client_for):
        for serial in range(1, 28):
            make_business(actor=county_staff, division=regions.village, serial=serial)
        client = client_for(county_staff)
        first = client.get(LIST)
        assert len(listed(first)) == 25
        assert first.context["page"].paginator.count == 27
        assert len(listed(client.get(LIST, {"page": 2}))) == 2

    @pytest.fixture
    def many(self, county_staff, regions):
        """27 businesses (two pages) over both villages and the township, names tied in fives."""
        places = [regions.village, regions.other_village, regions.township]
        return [
            make_business(
                actor=county_staff,
                division=places[serial % 3],
                serial=serial,
                name=f"一家餐馆{serial % 5}",  # before the director's 测试餐馆1
                grade="CD"[serial % 2],
            )
            for serial in range(101, 128)
        ]

    @pytest.mark.parametrize("narrow", ["", "grade", "within"])
    def test_walked_pages_list_what_plain_pages_list(
        self, narrow, many, county_staff, regions, client_for, monkeypatch
    ):
        filters = {"grade": {"grade": "D"}, "within": {"within": regions.village}}.get(narrow, {})
        query = {key: getattr(value, "pk", value) for key, value in filters.items()}
        client = client_for(county_staff)

        def pages(sort) -> list[list[int]]:
            first = client.get(LIST, {**query, "sort": sort})
            numbers = first.context["page"].paginator.page_range
            return [listed(client.get(LIST, {**query, "sort": sort, "page": n})) for n in numbers]

        plain = {sort: pages(sort) for sort in SORTS}
        monkeypatch.setattr(pagination, "SHORT_LIST", 0)
        for sort in SORTS:
            assert pages(sort) == plain[sort], sort
            selected = selectors.business_list(viewer=county_staff, sort=sort, **filters)
            assert sum(plain[sort], []) == [b.pk for b in selected], sort

    def test_a_walked_list_keeps_to_the_jurisdiction(
        self, many, director_business, business_director, client_for, monkeypatch
    ):
        monkeypatch.setattr(pagination, "SHORT_LIST", 0)
        assert listed(client_for(business_director).get(LIST)) == [director_business.pk]

    def test_htmx_gets_the_rows_fragment(self, three, client_for, county_staff):
        response = client_for(county_staff).get(
            LIST, {"grade": "B"}, headers={"HX-Request": "true"}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "HX-Request" in response["Vary"]
        assert "<html" not in body
        assert 'data-testid="filters"' not in body
        assert body.count('data-testid="business-row"') == 1
        full = client_for(county_staff).get(LIST, {"grade": "B"})
        assert "<html" in full.content.decode()
        assert "HX-Request" in full["Vary"]

    def test_an_empty_registry_shows_the_empty_state(self, client_for, county_staff):
        response = client_for(county_staff).get(LIST)
        assert 'data-testid="empty"' in response.content.decode()
        assert response.context["filtered"] is False

    def test_checkboxes_only_for_businesses_the_viewer_may_change(
        self, three, split_staff, client_for
    ):
        response = client_for(split_staff).get(LIST)
        editable = {b.pk for b in response.context["page"].object_list if b.editable}
        assert editable == {three["school"].pk}
        body = response.content.decode()
        assert f'name="bulk-ids" value="{three["school"].pk}"' in body
        assert f'name="bulk-ids" value="{three["noodles"].pk}"' not in body

    def test_read_only_viewers_get_no_bulk_bar(self, three, leader, client_for):
        response = client_for(leader).get(LIST)
        assert response.context["bulk_form"] is None
        assert 'name="bulk-ids"' not in response.content.decode()

    @pytest.mark.parametrize("short_list", [pagination.SHORT_LIST, 0])
    @pytest.mark.parametrize("count", [2, 20])
    def test_the_query_count_does_not_grow_with_rows(
        self,
        count,
        short_list,
        county_staff,
        regions,
        client_for,
        django_assert_num_queries,
        monkeypatch,
    ):
        for serial in range(count):
            make_business(actor=county_staff, division=regions.village, serial=serial + 1)
        client = client_for(county_staff)
        monkeypatch.setattr(pagination, "SHORT_LIST", short_list)
        # session, user, grants; count, page; division picker options
        with django_assert_num_queries(6):
            response = client.get(LIST)
        assert len(listed(response)) == count


class TestDetail:
    def test_it_shows_grade_and_risk_level_apart_and_the_place(
        self, county_staff, regions, client_for
    ):
        business = make_business(
            actor=county_staff,
            division=regions.village,
            grade="D",
            risk_level="C",
            latitude="36.4163",
            longitude="94.9033",
            contact_phone="13800000000",
        )
        response = client_for(county_staff).get(detail_url(business))
        assert response.status_code == 200
        context = response.context
        assert (context["business"].grade, context["business"].risk_level) == ("D", "C")
        assert (context["latitude"], context["longitude"]) == ("36.4163", "94.9033")
        assert [d.pk for d in context["ancestors"]] == [
            regions.province.pk,
            regions.city.pk,
            regions.county.pk,
            regions.township.pk,
        ]
        assert "+8613800000000" in response.content.decode()  # staff see the phone as stored

    def test_it_shows_status_and_audit_history(self, business, county_staff, client_for):
        services.business_regrade(actor=county_staff, business=business, grade="B", reason="扩大")
        services.business_status_change(
            actor=county_staff,
            business=business,
            to_status="suspended",
            effective_on=timezone.localdate(),
            reason="整改",
        )
        response = client_for(county_staff).get(detail_url(business))
        assert [c.to_status for c in response.context["status_changes"]] == [
            "suspended",
            "operating",
        ]
        actions = [event.action for event, _changes in response.context["history"]]
        assert actions == [
            AuditAction.BUSINESS_STATUS_CHANGED,
            AuditAction.BUSINESS_REGRADED,
            AuditAction.BUSINESS_CREATED,
        ]
        regraded = response.context["history"][1][1]
        assert [(before, after) for _label, before, after in regraded] == [
            (str(Grade.C.label), str(Grade.B.label))
        ]

    @pytest.mark.parametrize(("persona", "forms"), [("county_staff", True), ("leader", False)])
    def test_action_forms_only_for_those_who_can_change(
        self, persona, forms, request, business, client_for
    ):
        response = client_for(request.getfixturevalue(persona)).get(detail_url(business))
        assert response.context["can_edit"] is forms
        assert ("regrade_form" in response.context) is forms
        assert ('data-testid="regrade-form"' in response.content.decode()) is forms


class TestCreate:
    def test_it_registers_a_business(self, county_staff, regions, client_for):
        response = client_for(county_staff).post(CREATE, new_business(regions.village))
        business = Business.objects.get()
        assert response.status_code == 302
        assert response["Location"] == detail_url(business)
        assert (business.name, business.grade, business.division) == (
            "新开面馆",
            "C",
            regions.village,
        )
        assert (business.lat_e6, business.lng_e6) == (36_416_300, 94_903_300)
        assert business.contact_phone == "+8613800000000"
        assert business.created_by == county_staff
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_CREATED)
        assert event.data == {"grade_reason": "小型餐饮"}

    def test_bad_input_rerenders_with_every_error_and_writes_nothing(
        self, county_staff, regions, client_for
    ):
        before = writes()
        response = client_for(county_staff).post(
            CREATE,
            new_business(
                regions.village,
                name="",
                uscc="11500236MB1822153X",
                grade_reason="",
                contact_phone="12",
                address="和平路1号",
            ),
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert set(form.errors) == {"name", "uscc", "grade_reason", "contact_phone"}
        assert form["address"].value() == "和平路1号"  # input kept
        assert not Business.objects.exists()
        assert writes() == before

    def test_a_division_outside_the_office_is_refused(
        self, county_staff, split_staff, regions, client_for
    ):
        for user, division in [
            (county_staff, regions.neighbour_village),
            (split_staff, regions.village),  # readable, but not their office's
        ]:
            response = client_for(user).post(CREATE, new_business(division))
            assert response.status_code == 200
            assert "division" in response.context["form"].errors
        assert not Business.objects.exists()

    def test_a_county_is_no_place_for_a_business(self, county_staff, regions, client_for):
        response = client_for(county_staff).post(CREATE, new_business(regions.county))
        assert response.status_code == 200
        assert "division" in response.context["form"].errors
        assert not Business.objects.exists()

    def test_the_pilot_override_is_offered_to_office_staff_and_flags_the_code(
        self, county_staff, regions, client_for
    ):
        client = client_for(county_staff)
        assert "uscc_pilot_override" in client.get(CREATE).context["form"].fields
        refused = client.post(CREATE, new_business(regions.village, uscc=PILOT_CODE))
        assert "uscc" in refused.context["form"].errors
        accepted = client.post(
            CREATE, new_business(regions.village, uscc=PILOT_CODE, uscc_pilot_override="on")
        )
        assert accepted.status_code == 302
        assert Business.objects.get().uscc_pilot_override is True

    def test_a_blank_scale_is_suggested(self, county_staff, regions, client_for):
        response = client_for(county_staff).post(
            CREATE,
            new_business(
                regions.village, scale="", staff_count="120", annual_revenue_yuan="30000000"
            ),
        )
        assert response.status_code == 302
        assert Business.objects.get().scale == "medium"


class TestEdit:
    def test_it_saves_a_field_and_audits_it(self, business, county_staff, client_for):
        client = client_for(county_staff)
        form = client.get(f"{detail_url(business)}edit/").context["form"]
        data = {name: value for name, value in form.initial.items() if value not in (None, False)}
        response = client.post(f"{detail_url(business)}edit/", {**data, "address": "新址"})
        assert response.status_code == 302
        business.refresh_from_db()
        assert business.address == "新址"
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_UPDATED)
        assert event.changes == {"address": ["", "新址"]}

    def test_a_bad_credit_code_shows_inline_and_changes_nothing(
        self, business, county_staff, client_for
    ):
        response = client_for(county_staff).post(
            f"{detail_url(business)}edit/",
            {"name": business.name, "business_type": "restaurant", "scale": "small", "uscc": "123"},
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"uscc"}
        business.refresh_from_db()
        assert business.uscc == make_uscc(1)
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_UPDATED).exists()


class TestActions:
    def test_status_change(self, business, county_staff, client_for):
        response = client_for(county_staff).post(
            f"{detail_url(business)}status/",
            {
                "status-to_status": "suspended",
                "status-effective_on": "2026-03-01",
                "status-reason": "整改停业",
            },
        )
        assert response.status_code == 302
        business.refresh_from_db()
        assert (business.status, business.status_since) == ("suspended", date(2026, 3, 1))
        assert StatusChange.objects.filter(business=business).count() == 2

    def test_a_refused_transition_is_a_message_and_writes_nothing(
        self, business, county_staff, client_for
    ):
        services.business_status_change(
            actor=county_staff,
            business=business,
            to_status="closed",
            effective_on=date(2026, 1, 1),
            reason="注销",
        )
        before = writes()
        response = client_for(county_staff).post(
            f"{detail_url(business)}status/",
            {
                "status-to_status": "operating",
                "status-effective_on": "2026-03-01",
                "status-reason": "复业",
            },
        )
        assert response.status_code == 302
        assert message_levels(response) == ["error"]
        business.refresh_from_db()
        assert business.status == "closed"
        assert writes() == before

    def test_a_missing_reason_shows_inline(self, business, county_staff, client_for):
        response = client_for(county_staff).post(
            f"{detail_url(business)}grade/", {"regrade-grade": "A", "regrade-reason": " "}
        )
        assert response.status_code == 200
        assert set(response.context["regrade_form"].errors) == {"reason"}
        business.refresh_from_db()
        assert business.grade == "C"

    def test_move(self, business, county_staff, regions, client_for):
        response = client_for(county_staff).post(
            f"{detail_url(business)}move/",
            {"move-division": regions.other_village.pk, "move-reason": "搬迁"},
        )
        assert response.status_code == 302
        business.refresh_from_db()
        assert business.division == regions.other_village
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_MOVED)
        assert event.changes == {"division": [regions.village.code, regions.other_village.code]}

    def test_a_move_out_of_reach_is_refused(self, business, county_staff, regions, client_for):
        response = client_for(county_staff).post(
            f"{detail_url(business)}move/",
            {"move-division": regions.neighbour_village.pk, "move-reason": "搬迁"},
        )
        assert response.status_code == 200
        assert "division" in response.context["move_form"].errors
        business.refresh_from_db()
        assert business.division == regions.village


class TestBulk:
    @pytest.fixture
    def batch(self, county_staff, regions):
        return [
            make_business(actor=county_staff, division=regions.village, serial=10 + i)
            for i in range(3)
        ]

    def test_bulk_regrade_changes_all_and_audits_each_change(self, batch, county_staff, client_for):
        services.business_regrade(actor=county_staff, business=batch[0], grade="D", reason="x")
        response = client_for(county_staff).post(
            BULK,
            {
                "bulk-ids": [b.pk for b in batch],
                "bulk-action": "regrade",
                "bulk-grade": "D",
                "bulk-reason": "统一调整",
                "bulk-next": "/businesses/?grade=C",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/businesses/?grade=C"
        assert message_levels(response) == ["success"]
        assert set(Business.objects.values_list("grade", flat=True)) == {"D"}
        events = AuditEvent.objects.filter(
            action=AuditAction.BUSINESS_REGRADED, data__reason="统一调整"
        )
        assert sorted(int(e.target_id) for e in events) == sorted(b.pk for b in batch[1:])

    def test_bulk_status_change_is_all_or_nothing(self, batch, county_staff, client_for):
        services.business_status_change(
            actor=county_staff,
            business=batch[2],
            to_status="closed",
            effective_on=date(2026, 1, 1),
            reason="注销",
        )
        before = writes()
        response = client_for(county_staff).post(
            BULK,
            {
                "bulk-ids": [b.pk for b in batch],
                "bulk-action": "status",
                "bulk-to_status": "suspended",
                "bulk-effective_on": "2026-02-01",
                "bulk-reason": "检查",
            },
        )
        assert response.status_code == 302
        assert message_levels(response) == ["error"]
        assert list(Business.objects.order_by("pk").values_list("status", flat=True)) == [
            "operating",
            "operating",
            "closed",
        ]
        assert writes() == before

    def test_bulk_status_change(self, batch, county_staff, client_for):
        client_for(county_staff).post(
            BULK,
            {
                "bulk-ids": [b.pk for b in batch],
                "bulk-action": "status",
                "bulk-to_status": "suspended",
                "bulk-effective_on": "2026-02-01",
                "bulk-reason": "检查",
            },
        )
        assert set(Business.objects.values_list("status", flat=True)) == {"suspended"}
        assert AuditEvent.objects.filter(action=AuditAction.BUSINESS_STATUS_CHANGED).count() == 3

    def test_one_business_the_user_may_not_change_refuses_the_batch(
        self, batch, split_staff, county_staff, regions, client_for
    ):
        mine = make_business(actor=county_staff, division=regions.other_village, serial=30)
        response = client_for(split_staff).post(
            BULK,
            {
                "bulk-ids": [mine.pk, batch[0].pk],
                "bulk-action": "regrade",
                "bulk-grade": "A",
                "bulk-reason": "x",
            },
        )
        assert response.status_code == 302
        assert message_levels(response) == ["error"]
        assert set(Business.objects.values_list("grade", flat=True)) == {"C"}
        denied = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
        assert denied.data["code"] == "business_read_only"
        assert denied.data["target_id"] == str(batch[0].pk)

    def test_a_business_out_of_sight_refuses_the_batch(
        self, batch, county_staff, outsider, regions, client_for
    ):
        foreign = make_business(actor=outsider, division=regions.neighbour_village, serial=40)
        response = client_for(county_staff).post(
            BULK,
            {
                "bulk-ids": [batch[0].pk, foreign.pk],
                "bulk-action": "regrade",
                "bulk-grade": "A",
                "bulk-reason": "x",
                "bulk-next": "https://evil.example/",
            },
        )
        assert response["Location"] == LIST
        assert set(Business.objects.values_list("grade", flat=True)) == {"C"}
        denied = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
        assert denied.data["code"] == "business_not_found"

    def test_nothing_ticked_is_an_error(self, batch, county_staff, client_for):
        response = client_for(county_staff).post(
            BULK, {"bulk-action": "regrade", "bulk-grade": "A", "bulk-reason": "x"}
        )
        assert message_levels(response) == ["error"]
        assert set(Business.objects.values_list("grade", flat=True)) == {"C"}

    @pytest.mark.parametrize("persona", ["leader", "village_official"])
    def test_read_only_personas_are_refused(self, persona, batch, request, client_for):
        response = client_for(request.getfixturevalue(persona)).post(
            BULK,
            {
                "bulk-ids": [batch[0].pk],
                "bulk-action": "regrade",
                "bulk-grade": "A",
                "bulk-reason": "x",
            },
        )
        assert response.status_code == 403
        assert set(Business.objects.values_list("grade", flat=True)) == {"C"}


class TestNavigation:
    @pytest.mark.parametrize(
        ("persona", "shown"),
        [("county_staff", True), ("leader", True), ("village_official", True)],
    )
    def test_the_menu_and_home_offer_businesses(self, persona, shown, request, client_for):
        response = client_for(request.getfixturevalue(persona)).get("/")
        keys = [key for key, _url, _label in response.context["nav_items"]]
        assert ("businesses" in keys) is shown
        assert ('data-testid="businesses-tile"' in response.content.decode()) is shown

    def test_business_staff_see_the_entry_only_with_a_business(
        self, business_director, business, client_for, regions
    ):
        client = client_for(business_director)
        keys = [key for key, _url, _label in client.get("/").context["nav_items"]]
        assert "businesses" not in keys
        business_director.grants.filter(role=Role.BUSINESS_DIRECTOR).update(business=business)
        # Business staff land on their day's work (enterprise duties), menu and all.
        keys = [key for key, _url, _label in client.get("/", follow=True).context["nav_items"]]
        assert "businesses" in keys
