"""When and where a photo was taken (docs/domain.md §1.10, the stamped display copy).

The phone reads the capture time and GPS from the photo's EXIF before it shrinks the photo (which
drops the EXIF) and sends them beside it; a photo sent as taken still carries its EXIF, which is
read here before re-encoding strips it. Values the client sends win over the file's own.

Either way they are the client's word: each is checked (a real time, not before 2000 and not in
the future beyond a small clock skew; WGS-84 latitude and longitude in range) and a bad one is
dropped with a stable reason code, never refused: a photo is never a condition of anything, and
neither is its metadata. Coordinates are integer micro-degrees (`*_e6`), as everywhere else.
"""

import io
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction

from django.utils import timezone
from PIL import ExifTags, Image

# A phone's clock runs a little ahead of the server's now and then.
CLOCK_SKEW = timedelta(minutes=10)
EARLIEST = datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
LAT_LIMIT_E6 = 90_000_000
LNG_LIMIT_E6 = 180_000_000
# Cameras without a fix write 0/0 ("null island", in the Gulf of Guinea): never a real place here.
_NULL_ISLAND = (0, 0)


@dataclass(frozen=True)
class CaptureIn:
    """What the client sent beside a photo, as text; empty when it sent nothing."""

    captured_at: str = ""
    lat_e6: str = ""
    lng_e6: str = ""

    @property
    def empty(self) -> bool:
        return not (self.captured_at or self.lat_e6 or self.lng_e6)


@dataclass(frozen=True)
class Capture:
    """The checked values; a dropped one is None and `dropped` says why (field -> code)."""

    captured_at: datetime | None = None
    lat_e6: int | None = None
    lng_e6: int | None = None
    dropped: dict[str, str] = field(default_factory=dict)


def capture_in_list(data: Mapping, name: str, count: int) -> list[CaptureIn]:
    """The capture fields posted beside the `count` files of the form field `name`:
    `<name>-captured_at`, `<name>-lat_e6` and `<name>-lng_e6`, one value per file in the files'
    order (empty for a photo without them). Missing or short lists give empty values."""

    def values(suffix: str) -> list[str]:
        getlist = getattr(data, "getlist", None)
        found = getlist(f"{name}-{suffix}") if getlist else data.get(f"{name}-{suffix}", [])
        found = [found] if isinstance(found, str) else list(found)
        return [str(v)[:64] for v in found[:count]] + [""] * max(count - len(found), 0)

    return [
        CaptureIn(captured_at=t, lat_e6=la, lng_e6=ln)
        for t, la, ln in zip(values("captured_at"), values("lat_e6"), values("lng_e6"), strict=True)
    ]


# --- Checks -------------------------------------------------------------------------------------


def check_captured_at(value: datetime, *, now: datetime) -> str | None:
    """None when the time is plausible, else the reason code. A naive time is Shanghai's."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, zoneinfo.ZoneInfo("Asia/Shanghai"))
    if value < EARLIEST:
        return "captured_at_too_early"
    if value > now + CLOCK_SKEW:
        return "captured_at_in_future"
    return None


def check_location(lat_e6: int, lng_e6: int) -> str | None:
    """None for a WGS-84 point in range (and not 0/0), else the reason code."""
    if not -LAT_LIMIT_E6 <= lat_e6 <= LAT_LIMIT_E6:
        return "latitude_out_of_range"
    if not -LNG_LIMIT_E6 <= lng_e6 <= LNG_LIMIT_E6:
        return "longitude_out_of_range"
    if (lat_e6, lng_e6) == _NULL_ISLAND:
        return "location_null_island"
    return None


def parse_captured_at(text: str) -> datetime:
    """An ISO 8601 time (the phone sends UTC, `…Z`); naive means Shanghai. ValueError else."""
    text = text.strip()
    if not text or len(text) > 40:
        raise ValueError("no time")
    value = datetime.fromisoformat(text)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    return value


def parse_e6(text: str) -> int:
    """Micro-degrees as a plain integer (the phone rounds them). ValueError else."""
    text = text.strip()
    if not text or len(text) > 12 or not text.lstrip("-").isdigit():
        raise ValueError("not an integer")
    return int(text)


# --- From the client, from the file -------------------------------------------------------------


@dataclass(frozen=True)
class _Raw:
    """Unchecked values and the reasons found while reading them."""

    captured_at: datetime | None = None
    lat_e6: int | None = None
    lng_e6: int | None = None
    dropped: dict[str, str] = field(default_factory=dict)


def _from_client(sent: CaptureIn) -> _Raw:
    dropped: dict[str, str] = {}
    captured_at = lat = lng = None
    if sent.captured_at:
        try:
            captured_at = parse_captured_at(sent.captured_at)
        except (ValueError, OverflowError):
            dropped["captured_at"] = "captured_at_unreadable"
    if sent.lat_e6 or sent.lng_e6:
        try:
            lat, lng = parse_e6(sent.lat_e6), parse_e6(sent.lng_e6)
        except ValueError:
            lat = lng = None
            dropped["location"] = "location_unreadable"
    return _Raw(captured_at=captured_at, lat_e6=lat, lng_e6=lng, dropped=dropped)


def _degrees_e6(parts, ref) -> int:
    """EXIF degrees, minutes, seconds (rationals) and N/S/E/W to signed micro-degrees."""
    degrees, minutes, seconds = (Fraction(p.numerator, p.denominator) for p in parts)
    value = (degrees + minutes / 60 + seconds / 3600) * 1_000_000
    sign = -1 if str(ref).strip().upper() in ("S", "W") else 1
    return sign * round(value)


def _exif_time(exif_ifd, base) -> datetime:
    text = exif_ifd.get(ExifTags.Base.DateTimeOriginal) or base.get(ExifTags.Base.DateTime)
    value = datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    offset = str(exif_ifd.get(ExifTags.Base.OffsetTimeOriginal) or "").strip("\x00 ")
    if offset:
        return datetime.fromisoformat(value.isoformat() + offset)
    return value.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def _from_file(data: bytes) -> _Raw:
    """The EXIF DateTimeOriginal (else DateTime; its OffsetTimeOriginal, else Shanghai) and GPS
    of the received bytes. A file without EXIF gives nothing; an unreadable tag, a reason."""
    dropped: dict[str, str] = {}
    captured_at = lat = lng = None
    try:
        with Image.open(io.BytesIO(data)) as image:
            base = image.getexif()
            exif_ifd = base.get_ifd(ExifTags.IFD.Exif)
            gps = base.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # Pillow raises many exception types for damaged metadata
        return _Raw()
    if exif_ifd.get(ExifTags.Base.DateTimeOriginal) or base.get(ExifTags.Base.DateTime):
        try:
            captured_at = _exif_time(exif_ifd, base)
        except (ValueError, TypeError, OverflowError):
            dropped["captured_at"] = "captured_at_unreadable"
    if ExifTags.GPS.GPSLatitude in gps or ExifTags.GPS.GPSLongitude in gps:
        try:
            lat = _degrees_e6(gps[ExifTags.GPS.GPSLatitude], gps[ExifTags.GPS.GPSLatitudeRef])
            lng = _degrees_e6(gps[ExifTags.GPS.GPSLongitude], gps[ExifTags.GPS.GPSLongitudeRef])
        except (KeyError, ValueError, TypeError, ZeroDivisionError, AttributeError):
            lat = lng = None
            dropped["location"] = "location_unreadable"
    return _Raw(captured_at=captured_at, lat_e6=lat, lng_e6=lng, dropped=dropped)


def capture_read(*, sent: CaptureIn | None, received: bytes, now: datetime) -> Capture:
    """The checked capture time and place of a photo: what the client sent, else what the
    received file's EXIF says. Never raises; what does not pass is dropped with its reason."""
    client = _from_client(sent) if sent is not None and not sent.empty else _Raw()
    own = _from_file(received) if client.captured_at is None or client.lat_e6 is None else _Raw()
    dropped: dict[str, str] = {}
    if client.captured_at is not None or "captured_at" in client.dropped:
        captured_at = client.captured_at
        dropped.update({k: v for k, v in client.dropped.items() if k == "captured_at"})
    else:
        captured_at = own.captured_at
        dropped.update({k: v for k, v in own.dropped.items() if k == "captured_at"})
    if client.lat_e6 is not None or "location" in client.dropped:
        lat, lng = client.lat_e6, client.lng_e6
        dropped.update({k: v for k, v in client.dropped.items() if k == "location"})
    else:
        lat, lng = own.lat_e6, own.lng_e6
        dropped.update({k: v for k, v in own.dropped.items() if k == "location"})
    if captured_at is not None:
        try:
            reason = check_captured_at(captured_at, now=now)
        except OverflowError:  # an offset that pushes year 1 or 9999 out of range
            reason = "captured_at_unreadable"
        if reason:
            captured_at, dropped["captured_at"] = None, reason
    if lat is not None and lng is not None:
        reason = check_location(lat, lng)
        if reason:
            lat = lng = None
            dropped["location"] = reason
    return Capture(captured_at=captured_at, lat_e6=lat, lng_e6=lng, dropped=dropped)


# --- Display ------------------------------------------------------------------------------------


def _degrees_text(value_e6: int, positive: str, negative: str) -> str:
    """Four decimals (about 11 m), rounded half up on the magnitude, integers only."""
    tenths_of_milli = (abs(value_e6) + 50) // 100
    hemisphere = positive if value_e6 >= 0 else negative
    return f"{tenths_of_milli // 10000}.{tenths_of_milli % 10000:04d}°{hemisphere}"


def capture_time_text(captured_at: datetime | None) -> str:
    """`YYYY-MM-DD HH:MM` in Shanghai, or the words for its absence."""
    if captured_at is None:
        return "no capture time"
    return f"{captured_at.astimezone(zoneinfo.ZoneInfo('Asia/Shanghai')):%Y-%m-%d %H:%M}"


def capture_place_text(lat_e6: int | None, lng_e6: int | None) -> str:
    """`36.4012°N 94.9031°E`, or the words for its absence."""
    if lat_e6 is None or lng_e6 is None:
        return "no location"
    return f"{_degrees_text(lat_e6, 'N', 'S')} {_degrees_text(lng_e6, 'E', 'W')}"
