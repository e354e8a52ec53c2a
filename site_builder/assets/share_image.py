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
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from site_builder.assets.blob_cache import blob_cache
from site_builder.assets.media import square_image
from site_builder.assets.typefaces import FONT_FILES
from site_builder.render.views import ProductView, Urls

WIDTH, HEIGHT = 1200, 630
TEXT_LEFT, TEXT_WIDTH = HEIGHT + 48, WIDTH - HEIGHT - 84  # right of the square photo
SQUARE = 1000
GREEN, AMBER, RED, WHITE = (27, 94, 32), (255, 193, 7), (198, 40, 40), (255, 255, 255)
CARD_QUALITY = 70
SQUARE_QUALITY = 88  # marketplaces compress an upload again
# Bump when the pictures change. 2: the card at quality 70 instead of 75, the square decoded
# at a reduced scale from large JPEGs. 3: the card with Huffman tables made for it.
_VERSION = "3"


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


def _jpeg(image: Image.Image, quality: int, optimize: bool = False) -> bytes:
    """Baseline JPEG, 4:2:0. On the cards, progressive encoding takes 3.6 times as long for 15 %
    fewer bytes; ``optimize`` (Huffman tables made for the picture) 1.6 times for 11 %, which
    the card, the largest file of a product at national scale, is given."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, subsampling="4:2:0", optimize=optimize)
    return buffer.getvalue()


@lru_cache(maxsize=8)  # 3 MB each; a site has a few ratings and one lapsed notice
def _backdrop(stars: int, lapsed: bool, labels: tuple[str, ...], site_name: str) -> Image.Image:
    """What cards of one rating share: the background, the site's name, the stars (or the red
    notice) and the rating in each language. Drawn once per process; each card copies it."""
    card = Image.new("RGB", (WIDTH, HEIGHT), GREEN)
    draw = ImageDraw.Draw(card)
    draw.text((TEXT_LEFT, 52), site_name, font=_font(False, 26), fill=WHITE)
    label_font = _font(True, 28)
    lines = [line for label in labels[:2]
             for line in _wrap(draw, label, label_font, TEXT_WIDTH - 24, 1)]
    top = HEIGHT - 48 - 36 * len(lines)
    if lapsed:
        draw.rounded_rectangle((TEXT_LEFT - 4, top - 14, TEXT_LEFT + TEXT_WIDTH, HEIGHT - 40), 12,
                               fill=RED)
    else:
        draw.text((TEXT_LEFT, top - 86), "★" * stars + "☆" * (5 - stars), font=_font(True, 64),
                  fill=AMBER)
    for i, line in enumerate(lines):
        draw.text((TEXT_LEFT + (10 if lapsed else 0), top + i * 36), line, font=label_font,
                  fill=WHITE)
    return card


def share_card(photo: Image.Image | None, name: str, second_name: str, stars: int, lapsed: bool,
               labels: tuple[str, ...], site_name: str) -> bytes:
    """``photo``: the product's photo cropped square; ``labels``: the rating (or "no longer
    certified") in each of the site's languages. The names, drawn here, stay above the
    stars, drawn with the backdrop (three lines of name and two of its translation at most)."""
    card = _backdrop(stars, lapsed, labels, site_name).copy()
    if photo is not None:
        card.paste(photo.resize((HEIGHT, HEIGHT), Image.Resampling.BILINEAR, reducing_gap=2.0),
                   (0, 0))
    draw = ImageDraw.Draw(card)
    y = 114
    title = _font(True, 52)
    for line in _wrap(draw, name, title, TEXT_WIDTH, 3):
        draw.text((TEXT_LEFT, y), line, font=title, fill=WHITE)
        y += 62
    if second_name and second_name != name:
        second = _font(False, 30)
        for line in _wrap(draw, second_name, second, TEXT_WIDTH, 2):
            draw.text((TEXT_LEFT, y + 6), line, font=second, fill=(220, 237, 221))
            y += 38
    return _jpeg(card, CARD_QUALITY, optimize=True)


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
            square = _jpeg(cropped, SQUARE_QUALITY)
            store.put(f"square/{square_key}", square)
    files = {Urls.share_image(product): picture} if card else {}
    if square is not None:
        files[Urls.square_image(product)] = square
    return files

