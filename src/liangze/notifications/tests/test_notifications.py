from liangze.notifications.models import Notification
from liangze.notifications.services import Message, notifications_send


def test_unread_count_on_every_page_and_reading(client_for, county_staff, township_staff):
    notifications_send(
        users=[county_staff, county_staff, township_staff],
        message=Message(kind="k", title="有新问题", url="/problems/"),
    )
    assert Notification.objects.filter(user=county_staff).count() == 1
    client = client_for(county_staff)
    assert "notifications/badge/" in client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in client.get("/notifications/badge/").content.decode()
    mine = Notification.objects.get(user=county_staff)
    other = Notification.objects.get(user=township_staff)
    assert client.post(f"/notifications/{other.pk}/").status_code == 404
    response = client.post(f"/notifications/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == "/problems/"
    assert "unread-count" not in client.get("/notifications/badge/").content.decode()
    other.refresh_from_db()
    assert other.read_at is None


def test_mail_only_to_those_with_an_address(
    county_staff, township_staff, mailoutbox, django_capture_on_commit_callbacks
):
    county_staff.email = "staff@example.com"
    county_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications_send(
            users=[county_staff, township_staff], message=Message(kind="k", title="T", body="B")
        )
    assert [m.to for m in mailoutbox] == [["staff@example.com"]]


def test_read_all(client_for, county_staff):
    notifications_send(users=[county_staff], message=Message(kind="k", title="A"))
    notifications_send(users=[county_staff], message=Message(kind="k", title="B"))
    client_for(county_staff).post("/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
