"""Browser tests of the phone form at 360 px (docs/architecture.md#the-visit-form): a clean visit
in at most 8 taps from the official's home, a visit with a problem and photos that survives
going offline, a closed tab and a reopened one, arriving once after reconnecting with each photo's
capture time and place, and a phone shared by two officials: one's outbox is never shown to nor
sent by the other."""

import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings

from liangze.businesses.testing import make_business
from liangze.core.testing.fixtures import TEST_PASSWORD
from liangze.files.tests import samples
from liangze.officials.services import assignment_create
from liangze.officials.testing import make_official
from liangze.rectification.models import Problem, ProblemPhoto
from liangze.visits.models import TaskStatus, Visit, VisitPhoto, VisitTask

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"
PHONE = {"width": 360, "height": 780}


def watch(page, problems: list) -> None:
    page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))


@pytest.fixture
def official(county_staff, regions):
    official = make_official(actor=county_staff, division=regions.village, serial=7)
    user = official.user
    user.set_password(TEST_PASSWORD)
    user.must_change_password = False
    user.save()
    shop = make_business(actor=county_staff, division=regions.village, serial=7, grade="D")
    type(shop).objects.filter(pk=shop.pk).update(lat_e6=36_401_000, lng_e6=94_900_000)
    assignment_create(
        actor=county_staff, official=official, business=shop, starts_on=date(2026, 1, 1)
    )
    return official


def phone_context(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": 36.4, "longitude": 94.9})
    return context


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def draw(page, selector: str) -> None:
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 10):
        page.mouse.move(x + step * 18, y + (12 if step % 2 else -12), steps=3)
    page.mouse.up()


def test_a_clean_visit_takes_at_most_8_taps_from_home(browser, live_server, official):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    page = phone_context(browser, live_server).new_page()
    watch(page, problems)
    log_in(page, live_server, official.user.username)
    taps = 0

    def tap(selector):
        nonlocal taps
        taps += 1
        page.locator(selector).first.click()

    tap("[data-testid=menu-toggle]")
    tap("a[href='/visits/']")
    tap("[data-testid=task-link]")
    tap("[data-testid=all-pass]")
    tap("[data-testid=representative]")
    page.keyboard.type("张店长")
    taps += 1
    draw(page, "[data-testid=signature-pad]")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "visit-form-360.png"), full_page=True)
    tap("[data-testid=submit]")
    page.wait_for_selector("[data-testid=visit]")
    assert taps <= 8
    visit = Visit.objects.get()
    assert visit.signature_id and visit.representative == "张店长"
    assert visit.location == "given" and visit.distance_m == 111
    assert VisitTask.objects.get().status == TaskStatus.DONE
    assert not problems, problems


def test_offline_mid_form_closed_tab_reopened_and_sent_once(
    browser, live_server, official, tmp_path
):
    problems: list[str] = []
    context = phone_context(browser, live_server)
    page = context.new_page()
    watch(page, problems)
    log_in(page, live_server, official.user.username)
    shop = official.assignments.get().business
    form_url = f"{live_server.url}/visits/new/{shop.pk}/"
    page.goto(f"{live_server.url}/visits/")  # registers the service worker
    page.goto(form_url)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled: the page and its assets are kept
    page.click("[data-testid=all-pass]")
    context.set_offline(True)
    page.check("[data-testid=item-storage-problem]")
    page.fill("[data-testid=problem-storage]", "冷柜温度过高")
    before = tmp_path / "before.jpg"  # as a phone camera writes it: EXIF time (local) and GPS
    before.write_bytes(samples.jpeg_taken(when="2026:11:20 10:30:00", size=(64, 48)))
    clean = tmp_path / "clean.jpg"
    clean.write_bytes(samples.jpeg(size=(48, 64)))
    page.set_input_files("[data-testid=photo-storage]", str(before))
    page.wait_for_selector("[data-photos-for=photo-storage]:not(:empty)")
    page.set_input_files("[data-testid=photos]", str(clean))
    page.wait_for_selector("[data-photos-for=photos]:not(:empty)")
    page.fill("[data-testid=representative]", "张店长")
    page.check("[data-testid=refused]")
    page.fill("[data-testid=refusal-note]", "店长外出")
    page.wait_for_timeout(300)
    page.close()

    reopened = context.new_page()
    watch(reopened, problems)
    reopened.goto(form_url)  # still offline: the service worker answers
    reopened.wait_for_selector("[data-testid=draft-restored]:not([hidden])")
    assert reopened.input_value("[data-testid=problem-storage]") == "冷柜温度过高"
    reopened.click("[data-testid=submit]")
    reopened.wait_for_selector("[data-testid=outbox-waiting]:not([hidden])")
    assert not Visit.objects.exists()
    context.set_offline(False)
    reopened.evaluate("window.dispatchEvent(new Event('online'))")
    reopened.wait_for_selector("[data-testid=visit]")
    # A second submission of the same draft (a double tap, a retry) makes no second visit.
    assert Visit.objects.count() == 1
    visit = Visit.objects.get()
    problem = Problem.objects.get(source="visit", source_id=visit.pk)
    taken = ProblemPhoto.objects.get(problem=problem).file
    assert taken.captured_at == datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
    assert (taken.lat_e6, taken.lng_e6) == (36_401_200, 94_903_100)
    assert taken.display_copy_id is not None
    clean_photo = VisitPhoto.objects.get(visit=visit).file
    assert clean_photo.captured_at is None and clean_photo.capture_dropped == {}
    assert visit.signature_refused and visit.refusal_note == "店长外出"
    assert not [p for p in problems if "Content Security Policy" in p], problems


def log_out(page, live_server):
    page.click("[data-testid=user-menu]")
    page.click("form.logout button")
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def outbox_size(page) -> int:
    return page.evaluate("window.idb.openDB('liangze-visits', 1).then((db) => db.count('outbox'))")


def test_a_shared_phone_keeps_each_official_s_outbox_to_them(
    browser, live_server, official, county_staff, regions
):
    other = make_official(actor=county_staff, division=regions.village, serial=8)
    other.user.set_password(TEST_PASSWORD)
    other.user.must_change_password = False
    other.user.save()
    problems: list[str] = []
    context = phone_context(browser, live_server)
    page = context.new_page()
    watch(page, problems)
    sent: list[str] = []
    context.on(
        "request", lambda r: r.method == "POST" and "/visits/new/" in r.url and sent.append(r.url)
    )
    log_in(page, live_server, official.user.username)
    shop = official.assignments.get().business
    page.goto(f"{live_server.url}/visits/")
    page.evaluate("navigator.serviceWorker.ready")
    page.goto(f"{live_server.url}/visits/new/{shop.pk}/")
    page.click("[data-testid=all-pass]")
    page.fill("[data-testid=representative]", "张店长")
    page.check("[data-testid=refused]")
    page.fill("[data-testid=refusal-note]", "店长外出")
    context.set_offline(True)
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=outbox-waiting]:not([hidden])")
    assert "liangze-visits-1" in page.evaluate("caches.keys()")
    page.close()
    context.set_offline(False)
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/")  # not a visits page: nothing is sent from here
    log_out(page, live_server)
    # The pages kept for offline use are gone; the outbox is not.
    assert page.evaluate("caches.keys()") == []
    sent.clear()

    log_in(page, live_server, other.user.username)
    page.goto(f"{live_server.url}/visits/")
    page.wait_for_function("window.idb !== undefined")
    page.wait_for_timeout(500)  # the flush on load had its chance
    assert page.locator("[data-testid=outbox-entry]").count() == 0
    assert page.locator("[data-testid=outbox]").is_hidden()
    assert outbox_size(page) == 1
    assert sent == [] and not Visit.objects.exists()
    log_out(page, live_server)

    log_in(page, live_server, official.user.username)
    page.goto(f"{live_server.url}/visits/")
    # Wait in the browser, not on the database: a read here while the server writes locks
    # SQLite's shared in-memory table. The entry leaves the outbox on the server's answer.
    deadline = time.monotonic() + 15
    while outbox_size(page) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert outbox_size(page) == 0
    visit = Visit.objects.get()
    assert visit.official == official and visit.refusal_note == "店长外出"
    assert len(sent) == 1
    assert not problems, problems
