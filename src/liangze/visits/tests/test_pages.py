"""The official's tasks and form, the office's progress and a visit's page."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from liangze.businesses.testing import make_business
from liangze.core.testing.fixtures import make_user
from liangze.files.models import StoredFile
from liangze.files.tests import samples
from liangze.rectification.models import Problem
from liangze.visits.checklist import checklist_for
from liangze.visits.models import TaskStatus, Visit, VisitPhoto, VisitTask
from liangze.visits.tests.conftest import form_data


def test_the_official_sees_the_task_and_records_a_clean_visit_once(client_for, covered):
    shop, official = covered
    client = client_for(official.user)
    page = client.get(reverse("visits:mine"))
    assert page.status_code == 200 and shop.name in page.content.decode()
    form = client.get(reverse("visits:new", args=[shop.pk]))
    assert (
        b'data-testid="all-pass"' in form.content and b'data-testid="window-closes"' in form.content
    )
    data = form_data(shop)
    answer = client.post(reverse("visits:new", args=[shop.pk]), data)
    assert answer.status_code == 302
    again = client.post(reverse("visits:new", args=[shop.pk]), data)
    assert again.status_code == 302 and again["Location"] == answer["Location"]
    visit = Visit.objects.get()
    assert visit.location == "denied"
    assert VisitTask.objects.get(business=shop).status == TaskStatus.DONE


def test_a_problem_with_its_photo_and_a_clean_photo(client_for, covered):
    shop, official = covered
    client = client_for(official.user)
    data = form_data(
        shop,
        **{
            "item-storage": "problem",
            "problem-storage": "冷柜温度过高",
            "severity-storage": "serious",
            "photo-storage": SimpleUploadedFile("a.jpg", samples.jpeg(), "image/jpeg"),
            "photos": SimpleUploadedFile("b.jpg", samples.jpeg(size=(30, 30)), "image/jpeg"),
        },
    )
    answer = client.post(reverse("visits:new", args=[shop.pk]), data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    problem = Problem.objects.get()
    assert problem.severity == "serious" and problem.photos.count() == 1
    assert VisitPhoto.objects.count() == 1
    detail = client.get(answer["Location"])
    assert "冷柜温度过高" in detail.content.decode()


def test_photos_arrive_with_the_capture_time_and_place_the_phone_sent(client_for, covered):
    """Each photo's values line up with it; a bad one is dropped, the visit still recorded;
    the page shows the stamped copies and links the photos as received."""
    shop, official = covered
    client = client_for(official.user)
    data = form_data(
        shop,
        **{
            "item-storage": "problem",
            "problem-storage": "冷柜温度过高",
            "photo-storage": SimpleUploadedFile("a.jpg", samples.jpeg(), "image/jpeg"),
            "photo-storage-captured_at": "2026-11-20T02:30:00.000Z",
            "photo-storage-lat_e6": "36401234",
            "photo-storage-lng_e6": "94903149",
            "photos": [
                SimpleUploadedFile("b.jpg", samples.jpeg(size=(30, 30)), "image/jpeg"),
                SimpleUploadedFile("c.jpg", samples.jpeg(size=(31, 30)), "image/jpeg"),
            ],
            "photos-captured_at": ["2099-01-01T00:00:00Z", ""],
            "photos-lat_e6": ["", "-1"],
            "photos-lng_e6": ["", "500000000"],
        },
    )
    answer = client.post(reverse("visits:new", args=[shop.pk]), data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    before = Problem.objects.get().photos.get().file
    assert before.captured_at.isoformat() == "2026-11-20T02:30:00+00:00"
    assert (before.lat_e6, before.lng_e6) == (36_401_234, 94_903_149)
    clean = [p.file for p in VisitPhoto.objects.order_by("pk")]
    assert [f.capture_dropped for f in clean] == [
        {"captured_at": "captured_at_in_future"},
        {"location": "longitude_out_of_range"},
    ]
    assert all(f.display_copy_id and f.captured_at is None for f in clean)
    detail = client.get(answer["Location"]).content.decode()
    for stored in [before, *clean]:
        assert f'src="/files/{stored.display_copy.public_id}/"' in detail
        assert f'href="/files/{stored.public_id}/"' in detail


def test_a_problem_without_a_photo_is_refused_and_nothing_is_kept(client_for, covered):
    shop, official = covered
    client = client_for(official.user)
    data = form_data(shop, **{"item-storage": "problem", "problem-storage": "积水"})
    page = client.post(reverse("visits:new", args=[shop.pk]), data)
    assert page.status_code == 200 and b'data-testid="form-error"' in page.content
    assert not Visit.objects.exists()


def test_the_office_sees_progress_and_the_visit_others_do_not(
    client_for, covered, county_staff, regions
):
    shop, official = covered
    client_for(official.user).post(reverse("visits:new", args=[shop.pk]), form_data(shop))
    visit = Visit.objects.get()
    office = client_for(county_staff)
    page = office.get(reverse("visits:progress"))
    assert page.status_code == 200 and str(official) in page.content.decode()
    assert office.get(reverse("visits:official", args=[official.pk])).status_code == 200
    assert office.get(reverse("visits:detail", args=[visit.pk])).status_code == 200
    stranger = make_user("neighbour_staff", "office_staff", regions.neighbour_county)
    assert client_for(stranger).get(reverse("visits:detail", args=[visit.pk])).status_code == 404


def test_the_api_gives_tasks_visits_and_problems_within_reach(client_for, covered, regions):
    shop, official = covered
    client = client_for(official.user)
    data = form_data(
        shop,
        **{
            "item-storage": "problem",
            "problem-storage": "冷柜温度过高",
            "photo-storage": SimpleUploadedFile("a.jpg", samples.jpeg(), "image/jpeg"),
        },
    )
    client.post(reverse("visits:new", args=[shop.pk]), data)
    visit = Visit.objects.get()
    tasks = client.get("/api/v1/visits/tasks").json()
    assert [(t["business_id"], t["status"]) for t in tasks["items"]] == [(shop.pk, "done")]
    assert client.get(f"/api/v1/visits/{visit.pk}").json()["problem_count"] == 1
    problems = client.get(f"/api/v1/visits/{visit.pk}/problems").json()
    assert [p["description"] for p in problems] == ["冷柜温度过高"]
    stranger = make_user("neighbour_staff", "office_staff", regions.neighbour_county)
    assert client_for(stranger).get(f"/api/v1/visits/{visit.pk}").status_code == 404


def test_the_outbox_gets_data_answers_and_the_service_worker_is_served(client_for, covered):
    shop, official = covered
    client = client_for(official.user)
    url = reverse("visits:new", args=[shop.pk])
    refused = client.post(
        url,
        form_data(shop, **{"item-storage": "problem", "problem-storage": "积水"}),
        headers={"X-Visit-Outbox": "1"},
    )
    assert refused.status_code == 422 and refused.json()["code"] == "problem_photo_required"
    data = form_data(shop)
    made = client.post(url, data, headers={"X-Visit-Outbox": "1"})
    assert made.status_code == 201
    again = client.post(url, data, headers={"X-Visit-Outbox": "1"})
    assert again.json() == made.json() and Visit.objects.count() == 1
    worker = client.get(reverse("visits:sw"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert b'"/static/"' in worker.content


def test_the_export_has_one_row_per_visit_with_its_problems(client_for, covered, county_staff):
    from liangze.core.tables import _raw_rows

    shop, official = covered
    data = form_data(
        shop,
        **{
            "item-storage": "problem",
            "problem-storage": "冷柜温度过高",
            "photo-storage": SimpleUploadedFile("a.jpg", samples.jpeg(), "image/jpeg"),
        },
    )
    client_for(official.user).post(reverse("visits:new", args=[shop.pk]), data)
    answer = client_for(county_staff).get(reverse("visits:export"))
    assert answer.status_code == 200
    rows = _raw_rows("visits.xlsx", answer.content, 10)
    assert len(rows) == 2
    assert rows[1][2] == shop.name and rows[1][3] == shop.uscc
    assert "冷柜温度过高" in rows[1][9] and rows[1][8]
    assert client_for(official.user).get(reverse("visits:export")).status_code == 403


def test_the_api_records_a_visit_with_uploaded_photos_once(client_for, covered, village_officials):
    shop, official = covered
    client = client_for(official.user)
    upload = client.post(
        "/api/v1/visits/photos",
        {
            "business_id": shop.pk,
            "file": SimpleUploadedFile("a.jpg", samples.jpeg(), "image/jpeg"),
        },
    )
    assert upload.status_code == 201, upload.content
    photo_id = upload.json()["id"]
    taken = client.post(
        "/api/v1/visits/photos",
        {
            "business_id": shop.pk,
            "file": SimpleUploadedFile("b.jpg", samples.jpeg(), "image/jpeg"),
            "captured_at": "2026-11-20T02:30:00Z",
            "lat_e6": "36401234",
            "lng_e6": "94903149",
        },
    )
    stored = StoredFile.objects.get(public_id=taken.json()["id"])
    assert stored.captured_at.isoformat() == "2026-11-20T02:30:00+00:00"
    assert (stored.lat_e6, stored.lng_e6) == (36_401_234, 94_903_149)
    assert stored.display_copy_id is not None
    body = {
        "business_id": shop.pk,
        "idempotency_key": str(uuid.uuid4()),
        "visited_at": timezone.now().isoformat(),
        "mode": "remote",
        "items": [
            {"key": i.key, "result": "pass"} for i in checklist_for(shop) if i.key != "storage"
        ]
        + [
            {
                "key": "storage",
                "result": "problem",
                "problem": {"description": "冷柜温度过高", "photo_ids": [photo_id]},
            }
        ],
    }
    made = client.post("/api/v1/visits", body, content_type="application/json")
    assert made.status_code == 201, made.content
    again = client.post("/api/v1/visits", body, content_type="application/json")
    assert again.json()["id"] == made.json()["id"] and Visit.objects.count() == 1
    assert Problem.objects.get().photos.count() == 1
    # Another official cannot name the first one's photo.
    other = client_for(village_officials[1].user)
    body["idempotency_key"] = str(uuid.uuid4())
    refused = other.post("/api/v1/visits", body, content_type="application/json")
    assert refused.status_code in (403, 422)


def test_progress_counts_per_post_and_lists_one_regions_officials_beyond_the_limit(
    client_for, county_staff, regions, village_officials, monkeypatch
):
    from liangze.officials.services import assignment_create
    from liangze.visits import selectors
    from liangze.visits.periods import Quarter

    first, second = village_officials
    for serial, official in ((1, first), (2, second), (3, second)):
        business = make_business(
            actor=county_staff, division=regions.village, serial=serial, grade="D"
        )
        assignment_create(actor=county_staff, official=official, business=business)
    rows, divisions, listed = selectors.progress(viewer=county_staff, quarter=Quarter.current())
    assert listed
    assert [(r["official"].pk, r["due"], r["total"]) for r in rows] == [
        (first.pk, 1, 1),
        (second.pk, 2, 2),
    ]
    assert [(d["division"].pk, d["due"], d["officials"]) for d in divisions] == [
        (regions.village.pk, 3, 2)
    ]
    monkeypatch.setattr(selectors, "PROGRESS_OFFICIALS", 1)
    office = client_for(county_staff)
    page = office.get(reverse("visits:progress")).content.decode()
    assert 'data-testid="official-row"' not in page and 'data-testid="division-link"' in page
    chosen = office.get(reverse("visits:progress"), {"division": regions.village.pk})
    assert chosen.content.decode().count('data-testid="official-row"') == 2
    foreign = office.get(reverse("visits:progress"), {"division": regions.neighbour_county.pk})
    assert 'data-testid="official-row"' not in foreign.content.decode()
