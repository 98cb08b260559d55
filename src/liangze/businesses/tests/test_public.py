"""The page a QR sticker opens (no login) and the problem reports it takes."""

import re
import time
from datetime import UTC, date, datetime

import pytest
from django.template.loader import render_to_string
from django.test import Client

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses import services
from liangze.businesses.models import Business, PublicReport
from liangze.businesses.public_selectors import (
    PublicBusinessCard,
    PublicEvent,
    public_business_card,
    public_business_stamp,
    public_official,
)
from liangze.businesses.public_services import public_report_submit
from liangze.businesses.testing import make_business, make_uscc
from liangze.core.errors import Invalid, NotFound
from liangze.core.ratelimit import RateLimited

VALID_REPORT = {"description": "后厨地面有积水，垃圾桶没有盖子。", "contact_phone": "138 1234 5678"}
HTMX = {"HX-Request": "true"}


@pytest.fixture
def business(county_staff, regions):
    return make_business(
        actor=county_staff,
        division=regions.village,
        serial=7,
        name="昆仑清真拉面馆",
        registration_number="GEM-2024-0042",
        license_number="JY16328010001234",
        address="格尔木市昆仑路 88 号",
        contact_name="马建国",
        contact_phone="13987654321",
    )


@pytest.fixture
def anonymous():
    return Client()


def page_url(business) -> str:
    return f"/p/{business.public_token}"


def report_url(business) -> str:
    return f"/p/{business.public_token}/report"


def has_testid(response, testid: str) -> bool:
    return f'data-testid="{testid}"' in response.content.decode()


def close(business, actor):
    services.business_status_change(
        actor=actor,
        business=business,
        to_status="closed",
        effective_on=date(2025, 3, 1),
        reason="注销",
    )


class TestPublicPage:
    def test_it_shows_name_grade_and_place_without_login(self, anonymous, business, regions):
        response = anonymous.get(page_url(business))
        body = response.content.decode()
        assert response.status_code == 200
        assert business.name in body
        assert 'data-grade="C"' in body
        assert regions.township.name in body
        assert regions.village.name in body
        assert has_testid(response, "report-open")
        assert has_testid(response, "data-age")

    @pytest.mark.parametrize("persona", ["public", "outsider"])
    def test_a_shared_cache_may_keep_it_for_a_minute(self, persona, request, client_for, business):
        """Nothing in it belongs to one visitor: no CSRF token or cookie, no session read."""
        response = client_for(request.getfixturevalue(persona)).get(page_url(business))
        assert response.status_code == 200
        cache = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache == {"public", "max-age=60"}
        assert "noindex" in response["X-Robots-Tag"]
        vary = {part.strip().lower() for part in response["Vary"].split(",")}
        assert vary == {"accept-language"}
        assert not response.cookies
        assert "csrf" not in response.content.decode().lower()

    def test_it_speaks_the_language_the_browser_asks_for_and_no_other(self, business):
        english = Client(headers={"Accept-Language": "en-GB,en;q=0.9"})
        english.cookies["liangze_language"] = "zh-hans"  # a cookie must not change a kept page
        response = english.get(page_url(business))
        assert response["Content-Language"] == "en"
        assert "Report a problem" in response.content.decode()
        chinese = Client(headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        assert chinese.get(page_url(business))["Content-Language"] == "zh-hans"

    def test_the_report_form_comes_apart_and_is_never_cached(self, anonymous, business):
        fragment = anonymous.get(report_url(business), headers=HTMX)
        assert fragment.status_code == 200
        assert fragment["Cache-Control"] == "no-store"
        assert has_testid(fragment, "report-form")
        assert 'name="csrfmiddlewaretoken"' in fragment.content.decode()
        assert "<html" not in fragment.content.decode()
        page = anonymous.get(report_url(business))  # without JavaScript: a page with the form
        assert page["Cache-Control"] == "no-store"
        assert has_testid(page, "report-form")
        assert "<html" in page.content.decode()

    def test_it_hides_everything_internal(self, anonymous, business, county_staff):
        body = anonymous.get(page_url(business)).content.decode()
        for secret in (
            make_uscc(7),
            "GEM-2024-0042",
            "JY16328010001234",
            "昆仑路",
            "马建国",
            "13987654321",
            "987654321",
            county_staff.username,
        ):
            assert secret not in body, secret
        assert f"/businesses/{business.pk}" not in body

    def test_empty_states_until_later_issues_fill_them(self, anonymous, business):
        response = anonymous.get(page_url(business))
        assert has_testid(response, "official-empty")
        assert has_testid(response, "visit-empty")
        assert has_testid(response, "self-check-empty")

    def test_a_closed_business_shows_its_name_and_status_only(
        self, anonymous, business, county_staff, regions
    ):
        close(business, county_staff)
        response = anonymous.get(page_url(business))
        body = response.content.decode()
        assert response.status_code == 200
        assert business.name in body
        assert has_testid(response, "business-closed")
        for testid in ("business-grade", "business-place", "official-section", "report-open"):
            assert not has_testid(response, testid), testid
        assert regions.village.name not in body

    def test_a_suspended_business_shows_its_status_beside_the_card(
        self, anonymous, business, county_staff
    ):
        services.business_status_change(
            actor=county_staff,
            business=business,
            to_status="suspended",
            effective_on=date(2025, 3, 1),
            reason="装修",
        )
        response = anonymous.get(page_url(business))
        assert has_testid(response, "business-status")
        assert has_testid(response, "report-open")

    @pytest.mark.parametrize("token", ["nope", "x" * 200, "AAAAAAAAAAAAAAAAAAAAAAAA"])
    def test_an_unknown_token_is_not_found(self, anonymous, business, token):
        response = anonymous.get(f"/p/{token}")
        assert response.status_code == 404
        assert has_testid(response, "public-not-found")
        assert response["Cache-Control"] == "public, max-age=60"

    def test_a_revoked_token_looks_like_an_unknown_one(self, anonymous, business, county_staff):
        old = business.public_token
        services.business_public_token_reissue(actor=county_staff, business=business)
        revoked = anonymous.get(f"/p/{old}")
        unknown = anonymous.get(f"/p/{'A' * 24}")
        assert revoked.status_code == unknown.status_code == 404
        strip = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF tokens differ from page to page
        revoked_body = strip.sub("", revoked.content.decode().replace(old, "TOKEN"))
        unknown_body = strip.sub("", unknown.content.decode().replace("A" * 24, "TOKEN"))
        assert revoked_body == unknown_body
        assert business.name not in revoked.content.decode()

    def test_it_reads_the_row_and_its_official(
        self, anonymous, business, django_assert_num_queries
    ):
        # The token's row (its updated_at), then the business, the level its province sets for
        # the grade, who covers it, its last visit, its self-checks.
        with django_assert_num_queries(6):
            anonymous.get(page_url(business))

    def test_staff_see_the_same_public_page(self, client_for, outsider, business):
        response = client_for(outsider).get(page_url(business))
        assert response.status_code == 200
        assert business.name in response.content.decode()


class TestKeptPage:
    """The server keeps each rendered page a minute (public_views, docs/architecture.md)."""

    def test_a_kept_page_costs_one_query(self, anonymous, business, django_assert_num_queries):
        first = anonymous.get(page_url(business))
        with django_assert_num_queries(1):  # the token's updated_at
            again = Client().get(page_url(business))
        assert again.content == first.content
        assert again["ETag"] == first["ETag"]

    def test_a_change_to_the_business_shows_at_once(self, anonymous, business, county_staff):
        assert "昆仑清真拉面馆" in anonymous.get(page_url(business)).content.decode()
        services.business_update(actor=county_staff, business=business, fields={"name": "新名字"})
        body = anonymous.get(page_url(business)).content.decode()
        assert "新名字" in body
        assert "昆仑清真拉面馆" not in body

    def test_a_closed_business_shows_closed_at_once(self, anonymous, business, county_staff):
        assert has_testid(anonymous.get(page_url(business)), "report-open")
        close(business, county_staff)
        response = anonymous.get(page_url(business))
        assert has_testid(response, "business-closed")
        assert not has_testid(response, "report-open")

    def test_a_reissued_token_is_not_found_at_once(self, anonymous, business, county_staff):
        old = page_url(business)
        assert anonymous.get(old).status_code == 200
        services.business_public_token_reissue(actor=county_staff, business=business)
        assert anonymous.get(old).status_code == 404
        assert anonymous.get(page_url(business)).status_code == 200

    def test_what_changes_elsewhere_shows_after_the_minute(self, anonymous, business, monkeypatch):
        """A change the row's updated_at does not see (who covers it, a visit, here a write
        that skips updated_at) shows once the kept page is a minute old, as from a proxy."""
        anonymous.get(page_url(business))
        Business.objects.filter(pk=business.pk).update(name="别处改了")
        assert "别处改了" not in anonymous.get(page_url(business)).content.decode()
        later = time.time() + 61
        monkeypatch.setattr(time, "time", lambda: later)
        assert "别处改了" in anonymous.get(page_url(business)).content.decode()

    def test_its_max_age_is_what_is_left_of_the_minute(self, anonymous, business, monkeypatch):
        anonymous.get(page_url(business))
        later = time.time() + 45
        monkeypatch.setattr(time, "time", lambda: later)
        cache = {
            part.strip() for part in anonymous.get(page_url(business))["Cache-Control"].split(",")
        }
        assert "public" in cache
        (max_age,) = (part for part in cache if part.startswith("max-age="))
        assert 10 <= int(max_age.removeprefix("max-age=")) <= 15

    def test_a_phone_revalidates_its_copy(self, anonymous, business, county_staff):
        first = anonymous.get(page_url(business))
        assert first["ETag"].startswith('"')
        assert first["Last-Modified"].endswith("GMT")
        same = anonymous.get(page_url(business), headers={"If-None-Match": first["ETag"]})
        assert same.status_code == 304
        assert same.content == b""
        assert same["ETag"] == first["ETag"]
        assert "public" in same["Cache-Control"]
        since = anonymous.get(
            page_url(business), headers={"If-Modified-Since": first["Last-Modified"]}
        )
        assert since.status_code == 304
        services.business_update(actor=county_staff, business=business, fields={"name": "新名字"})
        changed = anonymous.get(page_url(business), headers={"If-None-Match": first["ETag"]})
        assert changed.status_code == 200
        assert changed["ETag"] != first["ETag"]

    def test_each_token_and_language_has_its_own_page(self, anonymous, business, county_staff):
        other = make_business(
            actor=county_staff, division=business.division, serial=8, name="盐湖超市"
        )
        mine = anonymous.get(page_url(business)).content.decode()
        theirs = anonymous.get(page_url(other)).content.decode()
        assert "昆仑清真拉面馆" in mine and "盐湖超市" not in mine
        assert "盐湖超市" in theirs and "昆仑清真拉面馆" not in theirs
        assert other.public_token in theirs and business.public_token not in theirs
        english = Client(headers={"Accept-Language": "en"}).get(page_url(business))
        assert english["Content-Language"] == "en"
        assert "Report a problem" in english.content.decode()
        assert english["ETag"] != anonymous.get(page_url(business))["ETag"]

    def test_a_page_first_opened_by_staff_holds_nothing_of_theirs(
        self, client_for, county_staff, business
    ):
        staff = client_for(county_staff)
        staff.get(page_url(business))
        kept = Client().get(page_url(business))
        body = kept.content.decode()
        assert county_staff.username not in body
        assert "csrf" not in body.lower()
        assert not kept.cookies


class TestPublicCard:
    def test_the_stamp_is_the_rows_updated_at(self, business, county_staff):
        assert public_business_stamp(token=business.public_token) == business.updated_at
        services.business_update(actor=county_staff, business=business, fields={"name": "新名字"})
        business.refresh_from_db()
        assert public_business_stamp(token=business.public_token) == business.updated_at
        assert public_business_stamp(token="no-such-token") is None

    @pytest.mark.parametrize("place", ["village", "township"])
    def test_the_hand_written_row_reads_as_the_orm_does(self, county_staff, regions, place):
        from liangze.businesses.public_selectors import _public_business

        shop = make_business(actor=county_staff, division=getattr(regions, place), serial=3)
        Business.objects.filter(pk=shop.pk).update(status="suspended", grade="B")
        read = _public_business(shop.public_token)
        orm = Business.objects.select_related("division__parent").get(pk=shop.pk)
        assert (read.pk, read.name, read.grade, read.status, read.division_id) == (
            orm.pk,
            orm.name,
            orm.grade,
            orm.status,
            orm.division_id,
        )
        division, expected = read.division, orm.division
        assert (division.name, division.level, division.path) == (
            expected.name,
            expected.level,
            expected.path,
        )
        assert (division.parent.pk, division.parent.name) == (
            expected.parent.pk,
            expected.parent.name,
        )
        assert _public_business("no-such-token") is None

    def test_it_carries_published_fields_only(self, business):
        card = public_business_card(token=business.public_token)
        assert card.name == business.name
        assert (card.grade, card.closed, card.status) == ("C", False, "")
        fields = set(PublicBusinessCard.__dataclass_fields__)
        assert fields.isdisjoint(
            {"uscc", "contact_name", "contact_phone", "pk", "id", "public_token", "address"}
        )

    def test_the_official_phone_is_masked(self, rf, business):
        card = PublicBusinessCard(
            **{
                **public_business_card(token=business.public_token).__dict__,
                "official": public_official(name="张伟", phone="+8613812345678"),
                "last_visit": PublicEvent(on=date(2025, 3, 2), outcome="未发现问题"),
            }
        )
        request = rf.get("/p/x")
        html = render_to_string(
            "businesses/public_business.html",
            {"card": card, "token": "x", "form": None},
            request=request,
        )
        assert "138****5678" in html
        assert "13812345678" not in html
        assert "2025-03-02" in html
        assert 'data-testid="official-empty"' not in html
        assert 'data-testid="visit-empty"' not in html

    def test_the_time_read_is_shown_in_shanghai(self, rf, business):
        card = PublicBusinessCard(
            **{
                **public_business_card(token=business.public_token).__dict__,
                "read_at": datetime(2025, 3, 31, 16, 30, tzinfo=UTC),
            }
        )
        html = render_to_string(
            "businesses/public_business.html",
            {"card": card, "token": "x", "form": None},
            request=rf.get("/p/x"),
        )
        assert "2025-04-01 00:30" in html


class TestReport:
    def test_a_valid_report_is_kept_and_audited(self, anonymous, business):
        response = anonymous.post(report_url(business), VALID_REPORT, headers=HTMX)
        assert response.status_code == 200
        assert has_testid(response, "report-sent")
        report = PublicReport.objects.get()
        assert report.business == business
        assert report.description == VALID_REPORT["description"]
        assert report.contact_phone == "+8613812345678"
        assert report.client_ip == "127.0.0.1"
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_PUBLIC_REPORTED)
        assert event.actor is None
        assert event.target_id == str(business.pk)
        assert event.division_path == business.division.path
        assert event.data == {"report_id": report.pk, "held_for_review": False}
        assert not report.held_for_review

    def test_the_thanks_echo_nothing(self, anonymous, business):
        body = anonymous.post(report_url(business), VALID_REPORT, headers=HTMX).content.decode()
        assert "积水" not in body
        assert "5678" not in body

    def test_a_plain_post_goes_back_to_the_page_with_thanks(self, anonymous, business):
        response = anonymous.post(report_url(business), VALID_REPORT)
        assert response.status_code == 302
        assert response["Location"] == f"{report_url(business)}?lang=zh-hans"  # never cached
        page = anonymous.get(report_url(business))
        assert 'class="message message-success"' in page.content.decode()
        assert "积水" not in page.content.decode()
        assert PublicReport.objects.count() == 1

    def test_the_phone_is_optional(self, anonymous, business):
        anonymous.post(report_url(business), {"description": VALID_REPORT["description"]})
        assert PublicReport.objects.get().contact_phone == ""

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"description": "太脏了"}, "description"),
            ({"description": "          短          "}, "description"),
            ({"description": ""}, "description"),
            ({"description": "x" * 1001}, "description"),
            ({"description": VALID_REPORT["description"], "contact_phone": "12"}, "contact_phone"),
        ],
    )
    def test_invalid_input_shows_errors_and_saves_nothing(self, anonymous, business, data, field):
        response = anonymous.post(report_url(business), data, headers=HTMX)
        assert response.status_code == 200
        assert has_testid(response, f"error-{field}")
        assert has_testid(response, "report-form")
        assert not PublicReport.objects.exists()
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_PUBLIC_REPORTED).exists()

    def test_invalid_input_is_kept(self, anonymous, business):
        response = anonymous.post(
            report_url(business),
            {"description": VALID_REPORT["description"], "contact_phone": "12"},
        )
        assert response.status_code == 200
        assert VALID_REPORT["description"] in response.content.decode()

    def test_the_honeypot_saves_nothing(self, anonymous, business):
        data = {**VALID_REPORT, "website": "http://spam.example"}
        response = anonymous.post(report_url(business), data, headers=HTMX)
        assert has_testid(response, "report-sent")
        assert not PublicReport.objects.exists()
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_PUBLIC_REPORTED).exists()

    def test_an_unknown_token_is_not_found(self, anonymous, business):
        response = anonymous.post("/p/AAAAAAAAAAAAAAAAAAAAAAAA/report", VALID_REPORT)
        assert response.status_code == 404
        assert not PublicReport.objects.exists()

    def test_a_closed_business_takes_no_report(self, anonymous, business, county_staff):
        close(business, county_staff)
        response = anonymous.post(report_url(business), VALID_REPORT)
        assert response.status_code == 302
        assert not PublicReport.objects.exists()

    def test_other_methods_are_not_allowed(self, anonymous, business):
        assert anonymous.put(report_url(business)).status_code == 405

    def test_a_report_costs_a_fixed_number_of_queries(
        self, anonymous, business, django_assert_num_queries
    ):
        anonymous.post(report_url(business), VALID_REPORT, headers=HTMX)
        # Two reads of the business, each bucket apart (insert-or-ignore, lock, update, purge:
        # the client's refuses, the business's holds for review), the report and its event,
        # six savepoint statements, the covering level, the covering official, the last visit
        # and the self-checks.
        with django_assert_num_queries(22):
            anonymous.post(report_url(business), VALID_REPORT, headers=HTMX)

    def test_csrf_is_checked(self, business):
        client = Client(enforce_csrf_checks=True)
        assert client.post(report_url(business), VALID_REPORT).status_code == 403
        page = client.get(report_url(business), headers=HTMX).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        response = client.post(report_url(business), {**VALID_REPORT, "csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert PublicReport.objects.count() == 1


class TestReportRateLimit:
    def test_one_address_is_stopped_after_its_hourly_reports(self, anonymous, business, settings):
        settings.LIANGZE_PUBLIC_REPORTS_PER_IP_HOUR = 2
        for _ in range(2):
            assert anonymous.post(report_url(business), VALID_REPORT).status_code == 302
        blocked = anonymous.post(report_url(business), VALID_REPORT)
        assert blocked.status_code == 429
        assert has_testid(blocked, "report-errors")
        assert VALID_REPORT["description"] in blocked.content.decode()  # the input is kept
        over_htmx = anonymous.post(report_url(business), VALID_REPORT, headers=HTMX)
        assert over_htmx.status_code == 200
        assert has_testid(over_htmx, "report-errors")
        assert PublicReport.objects.count() == 2
        assert AuditEvent.objects.filter(action=AuditAction.BUSINESS_PUBLIC_REPORTED).count() == 2
        other = Client(REMOTE_ADDR="203.0.113.9")
        assert other.post(report_url(business), VALID_REPORT).status_code == 302

    def test_past_a_business_daily_share_reports_are_kept_and_held_for_review(
        self, business, county_staff, regions, settings
    ):
        """A few addresses spending the business's share do not silence the next reporter."""
        settings.LIANGZE_PUBLIC_REPORTS_PER_BUSINESS_DAY = 2
        for n in range(2):
            client = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
            assert client.post(report_url(business), VALID_REPORT).status_code == 302
        honest = Client(REMOTE_ADDR="203.0.113.50")
        sent = honest.post(report_url(business), VALID_REPORT, headers=HTMX)
        assert sent.status_code == 200
        assert has_testid(sent, "report-sent")  # thanked as any other reporter
        reports = PublicReport.objects.filter(business=business).order_by("pk")
        assert [r.held_for_review for r in reports] == [False, False, True]
        event = AuditEvent.objects.filter(action=AuditAction.BUSINESS_PUBLIC_REPORTED).latest("pk")
        assert event.data == {"report_id": reports.last().pk, "held_for_review": True}
        other = make_business(actor=county_staff, division=regions.village, serial=8)
        assert honest.post(report_url(other), VALID_REPORT).status_code == 302
        assert not PublicReport.objects.get(business=other).held_for_review

    def test_invalid_reports_spend_no_token(self, anonymous, business, settings):
        settings.LIANGZE_PUBLIC_REPORTS_PER_IP_HOUR = 1
        for _ in range(3):
            anonymous.post(report_url(business), {"description": "短"})
        assert anonymous.post(report_url(business), VALID_REPORT).status_code == 302


class TestPublicReportSubmit:
    """The service on its own, for callers other than the page (a later API)."""

    def submit(self, token, **fields):
        return public_report_submit(
            token=token,
            description=fields.get("description", VALID_REPORT["description"]),
            contact_phone=fields.get("contact_phone", ""),
            client_ip="198.51.100.4",
        )

    def test_it_refuses_a_closed_business(self, business, county_staff):
        close(business, county_staff)
        with pytest.raises(NotFound):
            self.submit(business.public_token)
        assert not PublicReport.objects.exists()

    @pytest.mark.parametrize("token", ["", "nope", "x" * 65])
    def test_it_refuses_an_unknown_token(self, business, token):
        with pytest.raises(NotFound):
            self.submit(token)

    def test_it_names_every_bad_field(self, business):
        with pytest.raises(Invalid) as caught:
            self.submit(business.public_token, description="短", contact_phone="12")
        assert set(caught.value.fields) == {"description", "contact_phone"}
        assert not PublicReport.objects.exists()

    def test_a_rate_limited_report_saves_nothing(self, business, settings):
        settings.LIANGZE_PUBLIC_REPORTS_PER_IP_HOUR = 1
        self.submit(business.public_token)
        with pytest.raises(RateLimited):
            self.submit(business.public_token)
        assert PublicReport.objects.count() == 1
