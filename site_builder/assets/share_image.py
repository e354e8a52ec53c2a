"""Pictures for marketplaces and social networks, made from a product's first photo.

- The share image (1200×630, what Facebook, Zalo and X show when a product page is shared):
  the photo cropped square on the left; on the right the name (Vietnamese, and English when
  the record gives it), the stars and the site's name. A product whose mark may not be used
  shows "Không còn công nhận OCOP" and no stars.
- The clean square image (up to 1000×1000): only the photo, no text and no badge, because
  marketplaces reject listing images that carry addresses, phone numbers or logos.

Both are cached by a hash of what they show, so a rebuild re-encodes neither.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from site_builder.assets.blob_cache import blob_cache
from site_builder.assets.media import square_image
from site_builder.assets.typefaces import FONT_FILES
from site_builder.render.views import ProductView, Urls

WIDTH, HEIGHT = 1200, 630
SQUARE = 1000
GREEN, AMBER, RED, WHITE = (27, 94, 32), (255, 193, 7), (198, 40, 40), (255, 255, 255)
_VERSION = "1"


@cache
def _font(bold: bool, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILES[bold]), pixels)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int,
          max_lines: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
            continue
        while draw.textlength(word, font=font) > width:  # a word wider than the line: cut it
            cut = len(word) - 1
            while cut > 1 and draw.textlength(word[:cut], font=font) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and draw.textlength(lines[-1] + " …", font=font) > width:
            lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
        lines[-1] += " …"
    return lines


def _jpeg(image: Image.Image, quality: int = 75) -> bytes:
    """Baseline JPEG: progressive encoding takes twice as long for 15 % fewer bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def share_card(photo: Image.Image | None, name: str, second_name: str, stars: int, lapsed: bool,
               labels: tuple[str, ...], site_name: str) -> bytes:
    """``photo``: the product's photo cropped square; ``labels``: the rating (or "no longer
    certified") in each of the site's languages."""
    card = Image.new("RGB", (WIDTH, HEIGHT), GREEN)
    if photo is not None:
        card.paste(photo.resize((HEIGHT, HEIGHT), Image.Resampling.BILINEAR, reducing_gap=2.0),
                   (0, 0))
    draw = ImageDraw.Draw(card)
    left, width = HEIGHT + 48, WIDTH - HEIGHT - 84
    y = 52
    draw.text((left, y), site_name, font=_font(False, 26), fill=WHITE)
    y += 62
    title = _font(True, 52)
    for line in _wrap(draw, name, title, width, 3):
        draw.text((left, y), line, font=title, fill=WHITE)
        y += 62
    if second_name and second_name != name:
        for line in _wrap(draw, second_name, _font(False, 30), width, 2):
            draw.text((left, y + 6), line, font=_font(False, 30), fill=(220, 237, 221))
            y += 38
    label_font = _font(True, 28)
    lines = [line for label in labels[:2] for line in _wrap(draw, label, label_font, width - 24, 1)]
    top = HEIGHT - 48 - 36 * len(lines)
    if lapsed:
        draw.rounded_rectangle((left - 4, top - 14, left + width, HEIGHT - 40), 12, fill=RED)
    else:
        draw.text((left, top - 86), "★" * stars + "☆" * (5 - stars), font=_font(True, 64),
                  fill=AMBER)
    for i, line in enumerate(lines):
        draw.text((left + (10 if lapsed else 0), top + i * 36), line, font=label_font, fill=WHITE)
    return _jpeg(card)


def share_files(views: list[ProductView], cache_dir: Path | None,
                card: bool = True) -> dict[str, bytes]:
    """The share image (unless ``card`` is False) and, when the product has a photo, the clean
    square image, by the site path they are published under. ``views``: the product in each
    of the site's languages (the picture is shared by all its pages)."""
    first = views[0]
    product = first.product
    photo = product.photos[0].source.read_bytes() if product.photos else None
    english = product.name.get("en") if product.name.given("en") else ""
    stars = first.status.stars or 0
    labels = tuple(dict.fromkeys(
        v.t("badge_lapsed") if first.lapsed else v.t("certified_ocop", stars=stars) for v in views))
    texts = (product.name.vi, english, stars, first.lapsed, labels,
             first.config.site_name_in(first.lang))
    photo_digest = hashlib.sha256(photo or b"").hexdigest()
    card_key = hashlib.sha256(repr((_VERSION, texts, photo_digest)).encode()).hexdigest()
    square_key = f"{_VERSION}/{photo_digest}"  # the square shows the photo only
    store = blob_cache(cache_dir, "share")
    picture = store.get(f"card/{card_key}") if card else b""
    square = store.get(f"square/{square_key}")
    if picture is None or (photo is not None and square is None):
        cropped = square_image(photo, SQUARE) if photo is not None else None  # decoded once
        if picture is None:
            picture = share_card(cropped, *texts)
            store.put(f"card/{card_key}", picture)
        if cropped is not None and square is None:
            square = _jpeg(cropped, 88)
            store.put(f"square/{square_key}", square)
    files = {Urls.share_image(product): picture} if card else {}
    if square is not None:
        files[Urls.square_image(product)] = square
    return files

