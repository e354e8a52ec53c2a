"""Product photos for the web: resized, as WebP and JPEG (fallback), plain RGB, no metadata.

Results are cached by the hash of the source bytes, so an unchanged photo costs a file read.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from .model import Photo

WIDTHS = (480, 960)
JPEG_QUALITY = 78
WEBP_QUALITY = 72
FORMATS = {"jpg": "JPEG", "webp": "WEBP"}
_VERSION = "2"


@dataclass(frozen=True)
class WebPhoto:
    """One photo in the sizes the pages use; ``files`` maps a file name to its bytes."""

    stem: str
    files: dict[str, bytes]
    width: int
    height: int

    def name(self, width: int, ext: str = "jpg") -> str:
        return f"{self.stem}-{width}.{ext}"


def _encode(image: Image.Image, ext: str) -> bytes:
    buffer = io.BytesIO()
    if ext == "webp":
        image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def _resize(source: bytes) -> tuple[dict[str, bytes], tuple[int, int]]:
    with Image.open(io.BytesIO(source)) as original:
        image = ImageOps.exif_transpose(original)
        if image.mode not in ("RGB", "L"):
            # CMYK, 16-bit, palette and alpha images all become plain RGB on white.
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        image = image.convert("RGB")
        out = {}
        for width in WIDTHS:
            scaled = image.copy()
            scaled.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
            for ext in FORMATS:
                out[f"{width}.{ext}"] = _encode(scaled, ext)
        largest = image.copy()
        largest.thumbnail((WIDTHS[-1], WIDTHS[-1] * 4))
        return out, largest.size


def web_photo(photo: Photo, cache_dir: Path | None) -> WebPhoto:
    source = photo.source.read_bytes()
    digest = hashlib.sha256(_VERSION.encode() + source).hexdigest()[:20]
    stem = photo.source.stem
    cached = cache_dir / digest if cache_dir else None
    keys = [f"{w}.{ext}" for w in WIDTHS for ext in FORMATS]
    if cached and all((cached / k).is_file() for k in keys) and (cached / "size").is_file():
        sizes = {k: (cached / k).read_bytes() for k in keys}
        width, height = (int(x) for x in (cached / "size").read_text().split())
    else:
        sizes, (width, height) = _resize(source)
        if cached:
            cached.mkdir(parents=True, exist_ok=True)
            for k, data in sizes.items():
                (cached / k).write_bytes(data)
            (cached / "size").write_text(f"{width} {height}")
    return WebPhoto(stem, {f"{stem}-{k}": data for k, data in sizes.items()}, width, height)
