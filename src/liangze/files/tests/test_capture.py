"""Capture time and place of evidence photos (files.capture) and the stamped display copy."""

import hashlib
import io
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from liangze.audit.models import AuditAction, AuditEvent
from liangze.files.capture import (
    Capture,
    CaptureIn,
    capture_in_list,
    capture_place_text,
    capture_read,
    capture_time_text,
)
from liangze.files.services import stored_file_save
from liangze.files.tests import samples

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PLAIN = samples.jpeg()  # no EXIF at all


def read(**sent) -> Capture:
    return capture_read(sent=CaptureIn(**sent), received=PLAIN, now=NOW)


class TestFromTheClient:
    def test_it_keeps_plausible_values(self):
        got = read(captured_at="2026-12-03T05:40:00.000Z", lat_e6="36401234", lng_e6="94903149")

        assert got == Capture(
            captured_at=datetime(2026, 12, 3, 5, 40, tzinfo=UTC), lat_e6=36401234, lng_e6=94903149
        )

    def test_it_reads_a_time_without_zone_as_shanghai(self):
        assert read(captured_at="2026-12-03T13:40").captured_at == datetime(
            2026, 12, 3, 5, 40, tzinfo=UTC
        )

    @pytest.mark.parametrize(
        ("sent", "field", "reason"),
        [
            ({"captured_at": "2026-12-03T06:11:00Z"}, "captured_at", "captured_at_in_future"),
            ({"captured_at": "1999-12-31T15:59:59Z"}, "captured_at", "captured_at_too_early"),
            ({"captured_at": "yesterday"}, "captured_at", "captured_at_unreadable"),
            ({"lat_e6": "90000001", "lng_e6": "0"}, "location", "latitude_out_of_range"),
            ({"lat_e6": "10", "lng_e6": "-180000001"}, "location", "longitude_out_of_range"),
            ({"lat_e6": "0", "lng_e6": "0"}, "location", "location_null_island"),
            ({"lat_e6": "36.4", "lng_e6": "94.9"}, "location", "location_unreadable"),
            ({"lat_e6": "36401234"}, "location", "location_unreadable"),
        ],
    )
    def test_it_drops_a_bad_value_with_its_reason(self, sent, field, reason):
        got = read(**sent)

        assert got.dropped == {field: reason}
        assert (got.captured_at, got.lat_e6, got.lng_e6) == (None, None, None)

    def test_it_allows_a_little_clock_skew(self):
        assert read(captured_at="2026-12-03T06:09:59Z").captured_at is not None
        assert read(captured_at="1999-12-31T16:00:00Z").captured_at is not None

    def test_it_keeps_the_time_when_only_the_place_is_bad(self):
        got = read(captured_at="2026-12-01T00:00:00Z", lat_e6="91000000", lng_e6="1")

        assert got.captured_at == datetime(2026, 12, 1, tzinfo=UTC)
        assert got.dropped == {"location": "latitude_out_of_range"}


@given(
    captured_at=st.one_of(st.text(max_size=50), st.datetimes().map(datetime.isoformat)),
    lat=st.one_of(st.text(max_size=15), st.integers().map(str)),
    lng=st.one_of(st.text(max_size=15), st.integers().map(str)),
)
def test_any_sent_values_give_checked_values_or_reasons(captured_at, lat, lng):
    got = read(captured_at=captured_at, lat_e6=lat, lng_e6=lng)

    if got.captured_at is not None:
        assert datetime(2000, 1, 1, tzinfo=SHANGHAI) <= got.captured_at
        assert got.captured_at <= NOW + timedelta(minutes=10)
    elif captured_at:
        assert got.dropped["captured_at"]
    assert (got.lat_e6 is None) == (got.lng_e6 is None)
    if got.lat_e6 is not None:
        assert -90_000_000 <= got.lat_e6 <= 90_000_000
        assert -180_000_000 <= got.lng_e6 <= 180_000_000
    elif lat or lng:
        assert got.dropped["location"]


@given(
    lat=st.integers(-90_000_000, 90_000_000),
    lng=st.integers(-180_000_000, 180_000_000),
    when=st.datetimes(datetime(2000, 1, 1), datetime(2026, 12, 3)),
)
def test_plausible_values_are_kept_exactly(lat, lng, when):
    aware = when.replace(tzinfo=UTC)

    got = read(captured_at=aware.isoformat(), lat_e6=str(lat), lng_e6=str(lng))

    assert got.captured_at == aware
    assert (got.lat_e6, got.lng_e6) == ((lat, lng) if (lat, lng) != (0, 0) else (None, None))


class TestFromTheFile:
    def test_it_reads_the_exif_of_a_photo_sent_as_taken(self):
        got = capture_read(sent=None, received=samples.jpeg_taken(), now=NOW)

        assert got.captured_at == datetime(2026, 11, 20, 10, 30, tzinfo=SHANGHAI)
        assert (got.lat_e6, got.lng_e6) == (36_401_200, 94_903_100)

    def test_it_reads_south_and_west(self):
        got = capture_read(sent=None, received=samples.jpeg_taken(refs=("S", "W")), now=NOW)

        assert (got.lat_e6, got.lng_e6) == (-36_401_200, -94_903_100)

    def test_what_the_client_sent_wins(self):
        sent = CaptureIn(captured_at="2026-12-01T00:00:00Z", lat_e6="1000000", lng_e6="2000000")

        got = capture_read(sent=sent, received=samples.jpeg_taken(), now=NOW)

        assert got.captured_at == datetime(2026, 12, 1, tzinfo=UTC)
        assert (got.lat_e6, got.lng_e6) == (1_000_000, 2_000_000)

    def test_it_checks_the_file_s_values_too(self):
        got = capture_read(
            sent=None, received=samples.jpeg_taken(when="2031:01:01 00:00:00"), now=NOW
        )

        assert got.captured_at is None
        assert got.dropped == {"captured_at": "captured_at_in_future"}

    def test_a_photo_without_exif_has_nothing_and_no_reason(self):
        assert capture_read(sent=None, received=PLAIN, now=NOW) == Capture()


def test_the_posted_fields_line_up_with_the_files():
    post = QueryDict(mutable=True)
    post.setlist("photos-captured_at", ["2026-12-01T00:00:00Z", ""])
    post.setlist("photos-lat_e6", ["1", ""])
    post.setlist("photos-lng_e6", ["2", ""])

    assert capture_in_list(post, "photos", 3) == [
        CaptureIn(captured_at="2026-12-01T00:00:00Z", lat_e6="1", lng_e6="2"),
        CaptureIn(),
        CaptureIn(),
    ]


@pytest.mark.parametrize(
    ("lat", "lng", "text"),
    [
        (36_401_234, 94_903_149, "36.4012°N 94.9031°E"),
        (-33_868_850, -151_209_290, "33.8689°S 151.2093°W"),
        (None, None, "no location"),
    ],
)
def test_the_place_reads_in_degrees(lat, lng, text):
    assert capture_place_text(lat, lng) == text


def test_the_time_reads_in_shanghai():
    assert capture_time_text(datetime(2026, 12, 3, 17, 5, tzinfo=UTC)) == "2026-12-04 01:05"
    assert capture_time_text(None) == "no capture time"


class TestEvidencePhoto:
    def save(self, actor, division, data, **sent):
        return stored_file_save(
            actor=actor,
            division=division,
            kind="photo",
            upload=ContentFile(data, name="IMG_1.JPG"),
            evidence=True,
            capture=CaptureIn(**sent) if sent else None,
        )

    def test_it_keeps_the_hash_as_received_and_a_stamped_copy(
        self, county_staff, regions, file_storage
    ):
        received = samples.jpeg_taken()

        stored = self.save(county_staff, regions.village, received)

        kept = (file_storage / stored.storage_name).read_bytes()
        assert stored.received_sha256 == hashlib.sha256(received).hexdigest()
        assert stored.sha256 == hashlib.sha256(kept).hexdigest() != stored.received_sha256
        assert stored.captured_at == datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
        assert (stored.lat_e6, stored.lng_e6) == (36_401_200, 94_903_100)
        copy = stored.display_copy
        shown = (file_storage / copy.storage_name).read_bytes()
        assert copy.sha256 == hashlib.sha256(shown).hexdigest()
        assert shown != kept and copy.kind == "photo" and copy.division == stored.division
        assert stored.shown == copy
        with Image.open(io.BytesIO(shown)) as image:
            width, height = image.size
            assert width == 320 and height > 48 * 320 // 64  # enlarged, with the band below
            band = image.crop((0, 240, width, height)).convert("L").getextrema()
            assert band[0] < 40 and band[1] > 200  # light text on a dark band
            assert image.getpixel((width // 2, 120))[0] > 200  # the orange photo above it
            assert dict(image.getexif()) == {}

    def test_a_photo_without_exif_still_gets_its_copy(self, county_staff, regions):
        stored = self.save(county_staff, regions.village, samples.png())

        assert stored.captured_at is None and stored.lat_e6 is None
        assert stored.capture_dropped == {}
        assert stored.display_copy is not None

    def test_a_bad_value_is_dropped_and_recorded_never_refused(self, county_staff, regions):
        stored = self.save(
            county_staff,
            regions.village,
            samples.jpeg(),
            captured_at="2099-01-01T00:00:00Z",
            lat_e6="36401234",
            lng_e6="94903149",
        )

        assert stored.captured_at is None
        assert stored.capture_dropped == {"captured_at": "captured_at_in_future"}
        assert (stored.lat_e6, stored.lng_e6) == (36_401_234, 94_903_149)
        event = AuditEvent.objects.get(action=AuditAction.FILE_STORED, target_id=str(stored.pk))
        assert event.data["capture_dropped"] == {"captured_at": "captured_at_in_future"}
        assert event.data["display_copy"] == str(stored.display_copy.public_id)

    def test_other_files_get_no_copy(self, county_staff, regions):
        stored = stored_file_save(
            actor=county_staff,
            division=regions.village,
            kind="photo",
            upload=ContentFile(samples.jpeg_taken(), name="a.jpg"),
        )

        assert stored.display_copy is None and stored.captured_at is None
        assert stored.received_sha256 == hashlib.sha256(samples.jpeg_taken()).hexdigest()
