"""Pictures for marketplaces and social networks, made from a product's first photo.

- The share image (what Facebook, Zalo and X show when a product page is shared): the photo
  cropped square on the left; on the right the name (Vietnamese, and English when the record
  gives it), the stars and the site's name. A product whose mark may not be used shows "Không
  còn công nhận OCOP" and no stars. 1200×630, the size those networks recommend; 600×315, the
  least they still show as a large picture, when the photo is much smaller than the card's
  square (below 504 pixels): blown up, it would show no more of the product, in three times
  the time and bytes.
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
from site_builder.assets.media import SQUARE, DecodedPhoto, square_image
from site_builder.assets.typefaces import FONT_FILES
from site_builder.domain.model import Photo
from site_builder.render.views import ProductView, Urls

LARGE, SMALL = (1200, 630), (600, 315)
WIDTH, HEIGHT = LARGE
GREEN, AMBER, RED, WHITE = (27, 94, 32), (255, 193, 7), (198, 40, 40), (255, 255, 255)
# Both with libjpeg's standard Huffman tables: tables made for each picture (``optimize``) cost
# 0.36 ms a card and 0.24 ms a square (of 0.90 and 0.50) for 7 % and 12 % fewer bytes. Quality
# 65 instead of 70 pays the card's back (14.72 KB against 14.70, PSNR 34.9 against 35.3 dB over
# 300 bench cards), 85 instead of 88 most of the square's (5.80 KB against 5.57, 41.7 against
# 42.5 dB), the web photo's quality (media.py) the rest.
CARD_QUALITY = 65
SQUARE_QUALITY = 85  # marketplaces compress an upload again
# Bump when the pictures change. 2: the card at quality 70 instead of 75, the square decoded
# at a reduced scale from large JPEGs. 3: the card with Huffman tables made for it. 4: 600×315
# for a photo smaller than the card's square. 5: the square with Huffman tables made for it.
# 6: both with the standard tables, the card at quality 65 and the square at 85.
_VERSION = "6"


# A photo is enlarged to its slot on the card by at most this much; a smaller one gets the
# small card.
MAX_ENLARGEMENT = 1.25


def card_size(photo: Photo | None) -> tuple[int, int]:
    """The share card's size for a product whose first photo is ``photo`` (known from the
    record's check, so pages state it without opening the picture)."""
    if photo is not None and 0 < min(photo.width, photo.height) * MAX_ENLARGEMENT < LARGE[1]:
        return SMALL
    return LARGE


class _Layout:
    """Where things go on a card of ``size``, in pixels: the 1200×630 card's, scaled."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.k = k = size[1] / LARGE[1]
        self.height = size[1]
        self.text_left = size[1] + round(48 * k)  # right of the square photo
        self.text_width = size[0] - size[1] - round(84 * k)

    def __call__(self, pixels: float) -> int:
        return round(pixels * self.k)


@cache
def _font(bold: bool, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILES[bold]), pixels)


_MEASURE = ImageDraw.Draw(Image.new("RGB", (1, 1)))


@lru_cache(maxsize=8192)
def _word_width(font: ImageFont.FreeTypeFont, word: str) -> float:
    """A word's width in ``font`` (names share many words: 'Hợp tác xã', 'Bánh', 'Mật ong')."""
    return _MEASURE.textlength(word, font=font)


# A line's width is its words' and spaces' to within kerning across a space, none in DejaVu
# Sans; a line this close to the limit is measured whole, so the wrapping is exactly the one
# measuring every candidate line gives.
_SLACK = 4


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int,
          max_lines: int) -> list[str]:
    lines: list[str] = []
    line_width = 0.0  # of lines[-1]
    space = _word_width(font, " ")
    for word in text.split():
        if lines:
            guess = line_width + space + _word_width(font, word)
            if guess > width - _SLACK and guess <= width + _SLACK:
                guess = draw.textlength(f"{lines[-1]} {word}", font=font)
            if guess <= width:
                lines[-1] += f" {word}"
                line_width = guess
                continue
        while _word_width(font, word) > width:  # a word wider than the line: cut it
            cut = len(word) - 1
            while cut > 1 and draw.textlength(word[:cut], font=font) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
        line_width = _word_width(font, word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and draw.textlength(lines[-1] + " …", font=font) > width:
            lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
        lines[-1] += " …"
    return lines


def _jpeg(image: Image.Image, quality: int) -> bytes:
    """Baseline JPEG, 4:2:0. On the cards, progressive encoding takes 3.6 times as long for 15 %
    fewer bytes; ``optimize`` (Huffman tables made for the picture) 1.7 times for 7 %: a lower
    quality saves those bytes in less time (``CARD_QUALITY``)."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, subsampling="4:2:0")
    return buffer.getvalue()


@lru_cache(maxsize=16)  # 1 or 3 MB each; a site has a few ratings and one lapsed notice
def _backdrop(size: tuple[int, int], stars: int, lapsed: bool, labels: tuple[str, ...],
              site_name: str) -> Image.Image:
    """What cards of one rating share: the background, the site's name, the stars (or the red
    notice) and the rating in each language. Drawn once per process; each card copies it."""
    at = _Layout(size)
    card = Image.new("RGB", size, GREEN)
    draw = ImageDraw.Draw(card)
    draw.text((at.text_left, at(52)), site_name, font=_font(False, at(26)), fill=WHITE)
    label_font = _font(True, at(28))
    lines = [line for label in labels[:2]
             for line in _wrap(draw, label, label_font, at.text_width - at(24), 1)]
    top = at.height - at(48) - at(36) * len(lines)
    if lapsed:
        draw.rounded_rectangle((at.text_left - at(4), top - at(14), at.text_left + at.text_width,
                                at.height - at(40)), at(12), fill=RED)
    else:
        draw.text((at.text_left, top - at(86)), "★" * stars + "☆" * (5 - stars),
                  font=_font(True, at(64)), fill=AMBER)
    for i, line in enumerate(lines):
        draw.text((at.text_left + (at(10) if lapsed else 0), top + i * at(36)), line,
                  font=label_font, fill=WHITE)
    return card


def _fitted(photo: Image.Image, side: int) -> Image.Image:
    """The square photo at ``side``: a photo a little smaller than that (a 300-pixel photo on
    the 315-pixel card) has some of its pixels repeated, which is all any resampling could
    add, at a twentieth of the time."""
    if photo.width == side:
        return photo
    if photo.width < side <= photo.width * MAX_ENLARGEMENT:
        return photo.resize((side, side), Image.Resampling.NEAREST)
    return photo.resize((side, side), Image.Resampling.BILINEAR, reducing_gap=2.0)


def share_card(photo: Image.Image | None, name: str, second_name: str, stars: int, lapsed: bool,
               labels: tuple[str, ...], site_name: str, size: tuple[int, int] = LARGE) -> bytes:
    """``photo``: the product's photo cropped square; ``labels``: the rating (or "no longer
    certified") in each of the site's languages. The names, drawn here, stay above the
    stars, drawn with the backdrop (three lines of name and two of its translation at most)."""
    at = _Layout(size)
    card = _backdrop(size, stars, lapsed, labels, site_name).copy()
    if photo is not None:
        card.paste(_fitted(photo, at.height), (0, 0))
    draw = ImageDraw.Draw(card)
    y = at(114)
    title = _font(True, at(52))
    for line in _wrap(draw, name, title, at.text_width, 3):
        draw.text((at.text_left, y), line, font=title, fill=WHITE)
        y += at(62)
    if second_name and second_name != name:
        second = _font(False, at(30))
        for line in _wrap(draw, second_name, second, at.text_width, 2):
            draw.text((at.text_left, y + at(6)), line, font=second, fill=(220, 237, 221))
            y += at(38)
    return _jpeg(card, CARD_QUALITY)


def share_files(views: list[ProductView], cache_dir: Path | None, card: bool = True,
                decoded: DecodedPhoto | None = None) -> dict[str, bytes]:
    """The share image (unless ``card`` is False) and, when the product has a photo, the clean
    square image, by the site path they are published under. ``views``: the product in each
    of the site's languages (the picture is shared by all its pages); ``decoded``: its first
    photo as read for all its pictures (else it is read here)."""
    first = views[0]
    product = first.product
    if decoded is None and product.photos:
        decoded = DecodedPhoto.of(product.photos[0], SQUARE)
    photo = decoded.source if decoded is not None else None
    english = product.name.get("en") if product.name.given("en") else ""
    stars = first.status.stars or 0
    labels = tuple(dict.fromkeys(
        v.t("badge_lapsed") if first.lapsed else v.t("certified_ocop", stars=stars) for v in views))
    size = card_size(product.photos[0] if product.photos else None)
    texts = (product.name.vi, english, stars, first.lapsed, labels,
             first.config.site_name_in(first.lang))
    photo_digest = hashlib.sha256(photo or b"").hexdigest()
    card_key = hashlib.sha256(repr((_VERSION, texts, size, photo_digest)).encode()).hexdigest()
    square_key = f"{_VERSION}/{photo_digest}"  # the square shows the photo only
    store = blob_cache(cache_dir, "share")
    picture = store.get(f"card/{card_key}") if card else b""
    square = store.get(f"square/{square_key}")
    if picture is None or (decoded is not None and square is None):
        cropped = square_image(decoded, SQUARE) if decoded is not None else None
        if picture is None:
            picture = share_card(cropped, *texts, size=size)
            store.put(f"card/{card_key}", picture)
        if cropped is not None and square is None:
            square = _jpeg(cropped, SQUARE_QUALITY)
            store.put(f"square/{square_key}", square)
    files = {Urls.share_image(product): picture} if card else {}
    if square is not None:
        files[Urls.square_image(product)] = square
    return files
