"""The display copy of an evidence photo: the photo with a band below it stating when and where it
was taken (docs/domain.md §1.10, the stamped display copy).

The band is added below the picture, so no evidence is covered. Its two lines are ASCII and
digits only (`2026-12-03 14:05` over `36.4012°N 94.9031°E`, or `no capture time` / `no location`:
the words are a fixed part of the evidence, like the digits, and need no font of another script), drawn
with Pillow's own font, so no CJK font needs to be installed on a server. Small photos are
enlarged first so that the text stays legible; large ones are brought down to DISPLAY_MAX_WIDTH.
"""

import io

from PIL import Image, ImageDraw, ImageFont

from liangze.files.capture import Capture, capture_place_text, capture_time_text

DISPLAY_MIN_WIDTH = 320
DISPLAY_MAX_WIDTH = 1600


def _fitted(image: Image.Image) -> Image.Image:
    width, height = image.size
    target = min(max(width, DISPLAY_MIN_WIDTH), DISPLAY_MAX_WIDTH)
    if target == width:
        return image
    # Enlarging invents no detail, so the cheap filter serves; reducing keeps detail with Lanczos.
    quality = Image.Resampling.BILINEAR if target > width else Image.Resampling.LANCZOS
    return image.resize((target, max(1, round(height * target / width))), quality)


def stamp_display_copy(data: bytes, capture: Capture) -> bytes:
    """A JPEG of the (already checked and re-encoded) image `data` with the stamped band."""
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        if opened.has_transparency_data:  # a transparent PNG shows on white
            rgba = opened.convert("RGBA")
            picture = Image.new("RGB", rgba.size, "white")
            picture.paste(rgba, mask=rgba.getchannel("A"))
        else:
            picture = opened.convert("RGB")
    picture = _fitted(picture)
    width, height = picture.size
    lines = [
        capture_time_text(capture.captured_at),
        capture_place_text(capture.lat_e6, capture.lng_e6),
    ]
    size = max(14, width // 16)
    font = ImageFont.load_default(size=size)
    while size > 10 and max(font.getlength(line) for line in lines) > width - size:
        size -= 1
        font = ImageFont.load_default(size=size)
    line_height = size * 13 // 10
    band = line_height * 2 + size // 2
    stamped = Image.new("RGB", (width, height + band), (20, 20, 20))
    stamped.paste(picture, (0, 0))
    draw = ImageDraw.Draw(stamped)
    for row, line in enumerate(lines):
        draw.text(
            (size // 2, height + size // 4 + row * line_height),
            line,
            fill=(255, 255, 255),
            font=font,
        )
    buffer = io.BytesIO()
    stamped.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
