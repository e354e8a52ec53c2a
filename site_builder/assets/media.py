"""Product photos for the web: resized, as WebP, plain RGB, no metadata.

WebP only: every browser a reader uses in 2026 shows it, and a JPEG copy of each size took a
third of the encoding time. The JPEGs a consumer of a link needs (the share picture for
``og:image``, the square picture for marketplaces) are made in ``share_image.py``.

Names and sizes follow from the photo's own size (known from validation), so pages can be
planned without opening an image. A photo no wider than the small size is published once;
larger ones also get a double-width version. Encoded files are cached by the hash of the
source bytes, so an unchanged photo costs a file read.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, ImageOps

from site_builder.assets.blob_cache import blob_cache
from site_builder.domain.model import Photo

SMALL, LARGE = 480, 960
WEB_FORMAT = "webp"
# libwebp's fastest method (0) at quality 78: at 80 it was as close to the photo as the JPEGs at
# quality 78 that were published before (PSNR 40.6 against 39.7 dB on the sample photos), in
# 15 % fewer bytes; 78 takes 7 % fewer bytes again and 6 % less time for 0.4 dB (41.2 against
# 41.6 over 300 bench photos), paying for the share pictures' standard Huffman tables
# (share_image.py). Method 2 makes a third fewer bytes but takes 1.4 to 2.3 times as long.
WEBP_QUALITY = 78
WEBP_METHOD = 0
# Decode a JPEG at a reduced scale (in the DCT, almost free) down to twice the size needed,
# then resample: the reducing gap Pillow's thumbnail() uses, invisible in the result.
REDUCING_GAP = 2
SQUARE = 1000  # the clean square picture for marketplaces, at most
_VERSION = "6"  # 5: decoded once for the web sizes and the square picture; 6: quality 78


@dataclass(frozen=True)
class WebPhoto:
    """Where a photo is published and at which sizes; ``widths`` has 1 or 2 entries."""

    stem: str
    widths: tuple[int, ...]
    size: tuple[int, int]  # of the largest version

    def name(self, width: int, ext: str = WEB_FORMAT) -> str:
        return f"{self.stem}-{width}.{ext}"

    @property
    def small(self) -> int:
        return self.widths[0]

    @property
    def large(self) -> int:
        return self.widths[-1]


def _scaled(width: int, height: int, target: int) -> tuple[int, int]:
    if width <= target:
        return width, height
    return target, max(1, round(height * target / width))


def web_photo(photo: Photo) -> WebPhoto:
    widths = (SMALL,) if photo.width <= SMALL else (SMALL, LARGE)
    return WebPhoto(photo.stem, widths, _scaled(photo.width, photo.height, widths[-1]))


def _webp(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return buffer.getvalue()


class PhotoUnreadable(ValueError):
    """A photo that cannot be decoded although its record passed the check: it was replaced
    or cut short since (``ocop check`` decodes every photo and names the record's line)."""

    def __init__(self, photo: str = "") -> None:
        super().__init__(photo)  # the only argument, so the error crosses worker processes
        self.photo = photo

    def __str__(self) -> str:
        name = f" '{self.photo}'" if self.photo else ""
        return (f"ảnh{name} không giải mã được (bị cắt cụt, hỏng hoặc đã thay đổi sau khi kiểm "
                f"tra); chạy lại ocop check / the photo{name} cannot be decoded (cut short, "
                f"damaged or changed since it was checked); run ocop check again")


# EXIF orientations that turn the stored picture a quarter turn (or mirror it across a diagonal).
_QUARTER_TURNS = {5, 6, 7, 8}


def draft_box(widths: tuple[int, ...], square: int = 0) -> tuple[int, int]:
    """The least (width, height) a photo is decoded at for its pictures: ``REDUCING_GAP``
    times the widest web size, and the side of a square picture (its resampling from at most
    twice that side, after the decoder's own scaling, is as sharp)."""
    return max(REDUCING_GAP * widths[-1], square), max(REDUCING_GAP, square)


class DecodedPhoto:
    """A photo's bytes and, on first use, its picture: decoded once for every file made from
    it (the web sizes, the square picture, the share card), at no less than ``box``. When
    every file comes from the cache it is never decoded at all."""

    def __init__(self, source: bytes, box: tuple[int, int], name: str = "") -> None:
        self.source, self.box, self.name = source, box, name
        self._image: Image.Image | None = None

    @classmethod
    def of(cls, photo: Photo, square: int = 0) -> DecodedPhoto:
        """``photo`` read (not yet decoded) for its web sizes and a square of ``square``."""
        try:
            source = photo.source.read_bytes()
        except OSError:  # removed since the check
            raise PhotoUnreadable(str(photo.source)) from None
        return cls(source, draft_box(web_photo(photo).widths, square), str(photo.source))

    def image(self) -> Image.Image:
        if self._image is None:
            try:
                self._image = _open_rgb(self.source, self.box)
            except PhotoUnreadable:
                raise PhotoUnreadable(self.name) from None
        return self._image


def _open_rgb(source: bytes, box: tuple[int, int]) -> Image.Image:
    """The photo upright, as plain RGB, at no less than ``box`` (width, height): a JPEG is
    decoded at the smallest scale its decoder offers that keeps that."""
    try:
        # Not closed: its file is ``source`` in memory, and closing it would discard the
        # picture, which is returned (a copy of every photo was a third of decoding one).
        image = Image.open(io.BytesIO(source))
        if image.format == "JPEG":
            width, height = (max(1, side) for side in box)
            if image.getexif().get(ExifTags.Base.Orientation) in _QUARTER_TURNS:
                width, height = height, width  # stored sideways
            image.draft("RGB", (width, height))
        ImageOps.exif_transpose(image, in_place=True)  # decodes it, then turns it upright
        if image.mode not in ("RGB", "L"):
            # CMYK, 16-bit, palette and alpha images all become plain RGB on white.
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        return image if image.mode == "RGB" else image.convert("RGB")
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise PhotoUnreadable() from None


def square_image(photo: bytes | DecodedPhoto, size: int = SQUARE) -> Image.Image:
    """The photo cropped to its centre square and scaled to ``size`` (never enlarged past the
    photo's own shorter side): a clean picture, nothing drawn on it."""
    decoded = photo if isinstance(photo, DecodedPhoto) else DecodedPhoto(photo, (size, size))
    image = decoded.image()
    side = min(image.size)
    if side <= size and image.width == image.height:
        return image
    return ImageOps.fit(image, (min(size, side), min(size, side)), Image.Resampling.LANCZOS)


def _render(decoded: DecodedPhoto, widths: tuple[int, ...]) -> dict[str, bytes]:
    image = decoded.image()
    out = {}
    for width in widths:
        scaled = image
        if image.width > width or image.height > 4 * width:
            scaled = image.copy()
            scaled.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        out[f"{width}.{WEB_FORMAT}"] = _webp(scaled)
    return out


def photo_files(photo: Photo, cache_dir: Path | None,
                decoded: DecodedPhoto | None = None) -> dict[str, bytes]:
    """The published files of ``photo``: file name -> bytes, ``<stem>-480.webp`` and, for a
    photo wider than 480 pixels, ``<stem>-960.webp`` (``WebPhoto.name``). ``decoded``: the
    photo as read for all its pictures (else it is read here)."""
    web = web_photo(photo)
    decoded = decoded or DecodedPhoto.of(photo)
    source = decoded.source
    digest = hashlib.sha256(_VERSION.encode() + repr(web.widths).encode() + source).hexdigest()
    cache = blob_cache(cache_dir, "photos")
    keys = [f"{w}.{WEB_FORMAT}" for w in web.widths]
    found = {k: cache.get(f"{digest}/{k}") for k in keys}
    if all(data is not None for data in found.values()):
        encoded = {k: data for k, data in found.items() if data is not None}
    else:
        encoded = _render(decoded, web.widths)
        for k, data in encoded.items():
            cache.put(f"{digest}/{k}", data)
    return {f"{web.stem}-{k}": data for k, data in encoded.items()}
