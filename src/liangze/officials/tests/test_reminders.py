"""The reminders page: an official and an office clerk see their own reminders, unread first,
mark them read one by one or all at once; the home page counts the unread ones."""

from datetime import date

import pytest

from liangze.officials.documents.models import DutyDocument, DutyDocumentKind, Reminder
from liangze.officials.tests.document_helpers import assigned, generate


@pytest.fixture
def letter(county_staff, regions, officials, shop):
    assigned(county_staff, officials.village, shop)
    generate(county_staff, regions.county, kinds=[DutyDocumentKind.COMMITMENT])
    return DutyDocument.objects.get(kind=DutyDocumentKind.COMMITMENT)


def remind(user, document, topic=Reminder.Topic.EXPIRES_SOON, day=1) -> Reminder:
    return Reminder.objects.create(
        user=user,
        topic=topic,
        document=document,
        due_on=date(2027, 1, day),
        key=f"{document.pk}:{topic}:{day}",
    )


def test_an_official_sees_and_marks_their_reminders(client_for, officials, letter, county_staff):
    official = officials.village.user
    official.must_change_password = False  # past the first login
    official.save(update_fields=["must_change_password"])
    first = remind(official, letter, day=1)
    second = remind(official, letter, Reminder.Topic.EXPIRED, day=2)
    theirs = remind(county_staff, letter, day=3)
    client = client_for(official)

    home = client.get("/").content.decode()
    assert 'data-testid="unread-reminders">2<' in home
    assert 'href="/documents/reminders/"' in home

    page = client.get("/documents/reminders/")
    assert [r.pk for r in page.context["page"].object_list] == [second.pk, first.pk]
    assert page.context["unread"] == 2

    assert client.post(f"/documents/reminders/{first.pk}/read/").status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    page = client.get("/documents/reminders/")
    assert page.context["unread"] == 1
    # Unread first, the read one still listed below.
    assert [r.pk for r in page.context["page"].object_list] == [second.pk, first.pk]
    assert 'data-testid="unread-reminders">1<' in client.get("/").content.decode()

    # Someone else's reminder answers as missing and stays unread.
    assert client.post(f"/documents/reminders/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_office_clerk_marks_all_read(client_for, county_staff, letter):
    remind(county_staff, letter, day=1)
    remind(county_staff, letter, day=2)
    client = client_for(county_staff)
    assert client.get("/documents/reminders/").context["unread"] == 2
    assert client.post("/documents/reminders/read/").status_code == 302
    assert not Reminder.objects.filter(user=county_staff, read_at__isnull=True).exists()
    page = client.get("/documents/reminders/").content.decode()
    assert 'data-testid="unread-reminders"' not in page
    assert 'data-testid="mark-read"' not in page


def test_the_page_needs_a_login(client):
    assert client.get("/documents/reminders/").status_code == 302
    assert client.get("/documents/reminders/", follow=False)["Location"].startswith("/accounts/")
