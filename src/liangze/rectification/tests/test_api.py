import json

from liangze.businesses.models import PublicReport
from liangze.rectification.models import Problem
from liangze.rectification.tests.conftest import photo


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_every_move_over_the_api(client_for, record, regulator, director, village_official):
    first, second = record(), record(severity="serious")
    reg, biz, off = client_for(regulator), client_for(director), client_for(village_official)
    queue = reg.get("/api/v1/problems/queue").json()
    assert sorted(p["id"] for p in queue["new"]) == sorted([first.pk, second.pk])
    assert client_for(director).get("/api/v1/problems/queue").json()["new"] == []
    assert _post(biz, f"/api/v1/problems/{first.pk}/accept", {}).status_code == 403
    assert _post(reg, "/api/v1/problems/accept-many", {"ids": [first.pk]}).json() == {
        "accepted": [first.pk]
    }
    body = _post(reg, f"/api/v1/problems/{second.pk}/escalate", {"case_number": "C-7"}).json()
    assert body["problem"]["status"] == "escalated" and "rectify" in body["actions"]
    # The regulator read the problem as pushed; accepting it now is a conflict.
    assert _post(reg, f"/api/v1/problems/{first.pk}/accept", {}).status_code == 409
    fix = photo(director, first.division)
    answer = _post(
        biz,
        f"/api/v1/problems/{first.pk}/rectify",
        {"note": "已整改", "photo_ids": [str(fix.public_id)]},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["problem"]["status"] == "rectified"
    assert _post(off, f"/api/v1/problems/{first.pk}/recheck", {"fixed": False}).status_code == 422
    _post(off, f"/api/v1/problems/{first.pk}/recheck", {"fixed": False, "note": "未整改完"})
    assert Problem.objects.get(pk=first.pk).status == "accepted"
    _post(biz, f"/api/v1/problems/{second.pk}/dispute", {"reason": "不是我们的"})
    voided = _post(
        reg, f"/api/v1/problems/{second.pk}/void", {"kind": "dispute_upheld", "reason": "属实"}
    )
    assert voided.json()["problem"]["status"] == "void"
    detail = biz.get(f"/api/v1/problems/{first.pk}").json()
    assert [e["action"] for e in detail["timeline"]][-1] == "problem_rejected"
    assert biz.get("/api/v1/notifications/unread").json()["unread"] >= 2
    listed = biz.get("/api/v1/problems?status=accepted").json()
    assert [p["id"] for p in listed["items"]] == [first.pk]


def test_out_of_reach_is_404(client_for, record, outsider, regulator):
    problem = record()
    assert client_for(outsider).get(f"/api/v1/problems/{problem.pk}").status_code == 404
    assert client_for(outsider).get("/api/v1/problems").json()["items"] == []


def test_reports_over_the_api(client_for, shop, regulator, director):
    report = PublicReport.objects.create(business=shop, description="异味", contact_phone="138")
    assert client_for(director).get("/api/v1/problems/reports").json()["items"] == []
    rows = client_for(regulator).get("/api/v1/problems/reports").json()["items"]
    assert [(r["id"], r["contact_phone"]) for r in rows] == [(report.pk, "138")]
    made = _post(client_for(regulator), f"/api/v1/problems/reports/{report.pk}/problem", {})
    assert made.json()["source"] == "public_report" and made.json()["status"] == "pushed"
    again = _post(client_for(regulator), f"/api/v1/problems/reports/{report.pk}/handle", {})
    assert again.status_code == 409


def test_a_fix_photo_is_uploaded_over_the_api_then_named(
    client_for, record, regulator, director, leader
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liangze.files.tests import samples

    problem = record()
    _post(client_for(regulator), "/api/v1/problems/accept-many", {"ids": [problem.pk]})
    biz = client_for(director)

    def upload(client):
        image = SimpleUploadedFile("fix.jpg", samples.jpeg(), content_type="image/jpeg")
        return client.post(f"/api/v1/problems/{problem.pk}/photos", {"file": image})

    # A leader reads the problem but acts on nothing: no photo of theirs is kept.
    assert upload(client_for(leader)).status_code == 403
    uploaded = upload(biz)
    assert uploaded.status_code == 201, uploaded.content
    answer = _post(
        biz,
        f"/api/v1/problems/{problem.pk}/rectify",
        {"note": "已更换", "photo_ids": [uploaded.json()["id"]]},
    )
    assert answer.status_code == 200, answer.content
    assert Problem.objects.get(pk=problem.pk).photos.filter(stage="after").count() == 1


def test_a_fix_photo_keeps_its_capture_time_and_place(client_for, record, regulator, director):
    """Sent beside the photo over the API, or read from the photo's own EXIF (a plain form)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liangze.files.models import StoredFile
    from liangze.files.tests import samples

    problem = record()
    _post(client_for(regulator), "/api/v1/problems/accept-many", {"ids": [problem.pk]})
    biz = client_for(director)
    sent = biz.post(
        f"/api/v1/problems/{problem.pk}/photos",
        {
            "file": SimpleUploadedFile("fix.jpg", samples.jpeg(), content_type="image/jpeg"),
            "captured_at": "2026-11-20T02:30:00Z",
            "lat_e6": "36401234",
            "lng_e6": "94903149",
        },
    )
    stored = StoredFile.objects.get(public_id=sent.json()["id"])
    assert (stored.lat_e6, stored.lng_e6) == (36_401_234, 94_903_149)
    assert stored.captured_at.isoformat() == "2026-11-20T02:30:00+00:00"
    page = biz.post(
        f"/problems/{problem.pk}/rectify/",
        {
            "note": "已整改",
            "photos": [SimpleUploadedFile("raw.jpg", samples.jpeg_taken(), "image/jpeg")],
        },
    )
    assert page.status_code == 302
    raw = Problem.objects.get(pk=problem.pk).photos.get(stage="after").file
    assert (raw.lat_e6, raw.lng_e6) == (36_401_200, 94_903_100)
    assert raw.display_copy_id is not None
    detail = biz.get(f"/problems/{problem.pk}/").content.decode()
    assert f'src="/files/{raw.display_copy.public_id}/"' in detail
