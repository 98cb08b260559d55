"""Staff side of the QR codes: the PNG, reissuing the token, and the print sheet."""

import io
import re
from datetime import date

import pytest
import segno
from PIL import Image

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses import qr_views, services
from liangze.businesses.testing import make_business

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def business(county_staff, regions):
    return make_business(
        actor=county_staff, division=regions.village, serial=1, name="格尔木清真拉面馆"
    )


@pytest.fixture
def theirs(outsider, regions):
    """A business of the neighbouring county, registered by its office."""
    return make_business(
        actor=outsider, division=regions.neighbour_village, serial=2, name="邻县小吃店"
    )


def png_url(business) -> str:
    return f"/businesses/{business.pk}/qr.png"


def reissue_url(business) -> str:
    return f"/businesses/{business.pk}/qr/reissue"


def png_modules(content: bytes, *, scale: int = 10, border: int = 4) -> list[list[bool]]:
    """Decode the PNG with Pillow and read one pixel from the middle of each module."""
    image = Image.open(io.BytesIO(content))
    image.load()
    grey = image.convert("L")
    size = image.width // scale - 2 * border
    return [
        [
            grey.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2))
            < 128
            for x in range(size)
        ]
        for y in range(size)
    ]


def qr_modules(url: str) -> list[list[bool]]:
    return [[bool(bit) for bit in row] for row in segno.make(url, error="m", micro=False).matrix]


def sticker_count(response) -> int:
    return response.content.decode().count('data-testid="sticker"')


class TestQrPng:
    def test_it_is_a_png_of_the_public_address(self, client_for, county_staff, business):
        response = client_for(county_staff).get(png_url(business))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response.content.startswith(PNG_SIGNATURE)
        assert "no-store" in response["Cache-Control"]
        expected = f"http://testserver/p/{business.public_token}"
        assert png_modules(response.content) == qr_modules(expected)

    def test_it_points_at_the_public_host_when_one_is_set(
        self, client_for, county_staff, business, settings
    ):
        settings.LIANGZE_PUBLIC_BASE_URL = "https://liangze.example.cn"
        response = client_for(county_staff).get(png_url(business))
        expected = f"https://liangze.example.cn/p/{business.public_token}"
        assert png_modules(response.content) == qr_modules(expected)


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("county_staff", 200, 302),
        ("township_staff", 200, 302),  # office staff of the business's township
        ("admin_user", 200, 302),
        ("village_official", 200, 403),
        ("leader", 200, 403),
        ("business_director", 404, 404),  # holds no grant on this business
        ("outsider", 404, 404),  # same answer as a missing id
        ("public", 302, 302),  # to the login page
    ],
)
def test_qr_png_and_reissue_by_persona(persona, read, write, request, client_for, business):
    client = client_for(request.getfixturevalue(persona))
    token = business.public_token
    assert client.get(png_url(business)).status_code == read
    assert client.post(reissue_url(business)).status_code == write
    business.refresh_from_db()
    assert (business.public_token != token) == (write == 302 and persona != "public")


def test_a_missing_business_answers_like_a_foreign_one(client_for, county_staff, theirs):
    client = client_for(county_staff)
    assert client.get("/businesses/2000000000/qr.png").status_code == 404
    assert client.get(png_url(theirs)).status_code == 404


class TestReissue:
    def test_it_changes_the_token_and_the_old_page_is_gone(
        self, client_for, county_staff, business
    ):
        old = business.public_token
        assert client_for(None).get(f"/p/{old}").status_code == 200
        response = client_for(county_staff).post(reissue_url(business))
        assert response.status_code == 302
        assert response["Location"] == f"/businesses/qr-sheet/?ids={business.pk}"
        business.refresh_from_db()
        assert business.public_token != old
        assert client_for(None).get(f"/p/{old}").status_code == 404
        assert client_for(None).get(f"/p/{business.public_token}").status_code == 200
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_QR_REISSUED)
        assert event.actor == county_staff
        assert event.target_id == str(business.pk)

    def test_it_goes_back_to_a_local_page_only(self, client_for, county_staff, business):
        client = client_for(county_staff)
        response = client.post(reissue_url(business), {"next": "/businesses/"})
        assert response["Location"] == "/businesses/"
        response = client.post(reissue_url(business), {"next": "https://evil.example/"})
        assert response["Location"] == f"/businesses/qr-sheet/?ids={business.pk}"

    def test_htmx_is_told_where_to_go(self, client_for, county_staff, business):
        response = client_for(county_staff).post(
            reissue_url(business), headers={"HX-Request": "true"}
        )
        assert response.status_code == 204
        assert response["HX-Redirect"] == f"/businesses/qr-sheet/?ids={business.pk}"

    def test_a_refused_reissue_writes_nothing(self, client_for, leader, business):
        token = business.public_token
        assert client_for(leader).post(reissue_url(business)).status_code == 403
        business.refresh_from_db()
        assert business.public_token == token
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_QR_REISSUED).exists()
        assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).exists()

    def test_get_is_not_allowed(self, client_for, county_staff, business):
        assert client_for(county_staff).get(reissue_url(business)).status_code == 405


class TestQrSheet:
    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("county_staff", 200),
            ("township_staff", 200),
            ("province_staff", 200),
            ("admin_user", 200),
            ("outsider", 200),  # office staff too, of their own county: sees none of ours
            ("county_official", 403),
            ("township_official", 403),
            ("village_official", 403),
            ("regulator", 403),
            ("leader", 403),
            ("business_director", 403),
            ("public", 302),
        ],
    )
    def test_only_office_staff_print(self, persona, status, request, client_for, business):
        response = client_for(request.getfixturevalue(persona)).get(
            f"/businesses/qr-sheet/?ids={business.pk}"
        )
        assert response.status_code == status

    def test_a_refusal_is_audited(self, client_for, village_official, business):
        client_for(village_official).get("/businesses/qr-sheet/")
        event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
        assert event.data["code"] == "qr_sheet_forbidden"

    def test_foreign_ids_are_dropped(self, client_for, county_staff, outsider, business, theirs):
        ids = f"{business.pk},{theirs.pk},2000000000"
        ours_sheet = client_for(county_staff).get(f"/businesses/qr-sheet/?ids={ids}")
        assert sticker_count(ours_sheet) == 1
        assert business.name in ours_sheet.content.decode()
        assert theirs.name not in ours_sheet.content.decode()
        their_sheet = client_for(outsider).get(f"/businesses/qr-sheet/?ids={ids}")
        assert sticker_count(their_sheet) == 1
        assert theirs.name in their_sheet.content.decode()
        assert business.name not in their_sheet.content.decode()

    def test_each_sticker_holds_the_code_name_and_grade(self, client_for, county_staff, business):
        response = client_for(county_staff).get(f"/businesses/qr-sheet/?ids={business.pk}")
        body = response.content.decode()
        assert response.status_code == 200
        assert business.name in body
        expected = segno.make(
            f"http://testserver/p/{business.public_token}", error="m", micro=False
        ).svg_inline(omitsize=True, border=4, svgclass="qr", lineclass="qr-line")
        assert expected in body
        assert re.search(r'class="sticker-grade">[^<]*C', body)

    def test_it_has_no_inline_style_or_script(self, client_for, county_staff, business):
        body = client_for(county_staff).get("/businesses/qr-sheet/").content.decode()
        assert "style=" not in body
        assert "<style" not in body
        assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []
        assert "/static/css/print.css" in body
        assert "/static/js/print.js" in body

    def test_the_list_filters_choose_and_closed_businesses_get_none(
        self, client_for, county_staff, business, regions
    ):
        b_grade = make_business(
            actor=county_staff, division=regions.village, serial=3, name="县级超市", grade="B"
        )
        closed = make_business(actor=county_staff, division=regions.village, serial=4)
        services.business_status_change(
            actor=county_staff,
            business=closed,
            to_status="closed",
            effective_on=date(2025, 1, 1),
            reason="注销",
        )
        client = client_for(county_staff)
        assert sticker_count(client.get("/businesses/qr-sheet/")) == 2
        assert sticker_count(client.get("/businesses/qr-sheet/?grade=B")) == 1
        assert sticker_count(client.get("/businesses/qr-sheet/?q=超市")) == 1
        assert b_grade.name in client.get("/businesses/qr-sheet/?q=超市").content.decode()
        assert sticker_count(client.get(f"/businesses/qr-sheet/?ids={closed.pk}")) == 0
        assert sticker_count(client.get("/businesses/qr-sheet/?status=closed")) == 0
        assert sticker_count(client.get("/businesses/qr-sheet/?grade=Z")) == 2

    def test_garbage_ids_are_ignored(self, client_for, county_staff, business):
        response = client_for(county_staff).get(
            f"/businesses/qr-sheet/?ids=abc,,{business.pk},-1,１,{business.pk}"
        )
        assert sticker_count(response) == 1

    def test_it_stops_at_the_limit(self, client_for, county_staff, business, regions, monkeypatch):
        monkeypatch.setattr(qr_views, "SHEET_MAX", 2)
        for serial in (5, 6):
            make_business(actor=county_staff, division=regions.village, serial=serial)
        response = client_for(county_staff).get("/businesses/qr-sheet/")
        assert sticker_count(response) == 2
        assert 'data-testid="sheet-truncated"' in response.content.decode()

    @pytest.mark.parametrize("rows", [2, 20])
    def test_query_count_does_not_grow_with_stickers(
        self, rows, client_for, county_staff, regions, django_assert_num_queries
    ):
        for serial in range(10, 10 + rows):
            make_business(actor=county_staff, division=regions.village, serial=serial)
        client = client_for(county_staff)
        with django_assert_num_queries(5):  # one of them: the covering officials, all at once
            response = client.get("/businesses/qr-sheet/")
        assert sticker_count(response) == rows


def test_the_qr_panel_offers_reissue_only_when_told_the_viewer_may(rf, county_staff, business):
    from django.template.loader import render_to_string

    request = rf.get("/businesses/")
    request.user = county_staff
    html = render_to_string(
        "businesses/qr_panel.html", {"business": business, "can_edit": True}, request=request
    )
    assert f"/businesses/{business.pk}/qr.png" in html
    assert 'data-testid="qr-reissue"' in html
    html = render_to_string(
        "businesses/qr_panel.html", {"business": business, "can_edit": False}, request=request
    )
    assert 'data-testid="qr-reissue"' not in html
