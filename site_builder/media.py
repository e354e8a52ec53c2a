"""Product photos for the web: resized, converted to plain RGB JPEG, stripped of metadata.

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
_VERSION = "1"


@dataclass(frozen=True)
class WebPhoto:
    """One photo in the sizes the pages use; ``files`` maps a file name to its bytes."""

    stem: str
    files: dict[str, bytes]
    width: int
    height: int

    def name(self, width: int) -> str:
        return f"{self.stem}-{width}.jpg"


def _resize(source: bytes) -> tuple[dict[int, bytes], tuple[int, int]]:
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
            buffer = io.BytesIO()
            scaled.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True,
                        progressive=True)
            out[width] = buffer.getvalue()
        largest = image.copy()
        largest.thumbnail((WIDTHS[-1], WIDTHS[-1] * 4))
        return out, largest.size


def web_photo(photo: Photo, cache_dir: Path | None) -> WebPhoto:
    source = photo.source.read_bytes()
    digest = hashlib.sha256(_VERSION.encode() + source).hexdigest()[:20]
    stem = photo.source.stem
    cached = cache_dir / digest if cache_dir else None
    if cached and all((cached / f"{w}.jpg").is_file() for w in WIDTHS) and (cached / "size").is_file():
        sizes = {w: (cached / f"{w}.jpg").read_bytes() for w in WIDTHS}
        width, height = (int(x) for x in (cached / "size").read_text().split())
    else:
        sizes, (width, height) = _resize(source)
        if cached:
            cached.mkdir(parents=True, exist_ok=True)
            for w, data in sizes.items():
                (cached / f"{w}.jpg").write_bytes(data)
            (cached / "size").write_text(f"{width} {height}")
    return WebPhoto(stem, {f"{stem}-{w}.jpg": data for w, data in sizes.items()}, width, height)
