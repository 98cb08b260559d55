"""The display copy of an evidence photo: the photo with a band below it stating when and where it
was taken (docs/domain.md §1.10, the stamped display copy).

The band is added below the picture, so no evidence is covered. Its text is ASCII and digits
only (`2026-12-03 14:05  36.4012°N 94.9031°E`, or `no capture time` / `no location`), drawn
with Pillow's own font, so no CJK font needs to be installed on a server. Small photos are
enlarged first so that the text stays legible; large ones are brought down to DISPLAY_MAX_WIDTH.
"""

import io

from PIL import Image, ImageDraw, ImageFont

from liangze.files.capture import Capture, capture_place_text, capture_time_text

DISPLAY_MIN_WIDTH = 640
DISPLAY_MAX_WIDTH = 1600


def stamp_text(capture: Capture) -> str:
    return (
        f"{capture_time_text(capture.captured_at)}   "
        f"{capture_place_text(capture.lat_e6, capture.lng_e6)}"
    )


def _fitted(image: Image.Image) -> Image.Image:
    width, height = image.size
    target = min(max(width, DISPLAY_MIN_WIDTH), DISPLAY_MAX_WIDTH)
    if target == width:
        return image
    return image.resize((target, max(1, round(height * target / width))), Image.Resampling.LANCZOS)


def stamp_display_copy(data: bytes, capture: Capture) -> bytes:
    """A JPEG of the (already checked and re-encoded) image `data` with the stamped band."""
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        picture = opened.convert("RGBA")
    flat = Image.new("RGB", picture.size, "white")  # a transparent PNG shows on white
    flat.paste(picture, mask=picture.getchannel("A"))
    picture = _fitted(flat)
    width, height = picture.size
    text = stamp_text(capture)
    size = max(14, width // 24)
    font = ImageFont.load_default(size=size)
    while size > 10 and font.getlength(text) > width - size:
        size -= 1
        font = ImageFont.load_default(size=size)
    band = size * 2
    stamped = Image.new("RGB", (width, height + band), (20, 20, 20))
    stamped.paste(picture, (0, 0))
    ImageDraw.Draw(stamped).text(
        (size // 2, height + band // 2), text, fill=(255, 255, 255), font=font, anchor="lm"
    )
    buffer = io.BytesIO()
    stamped.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
