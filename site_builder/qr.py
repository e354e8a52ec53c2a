"""QR codes for traceability pages: SVG for print, PNG for the web, cached by content hash.

Error correction M (15 %), a regular QR symbol (never Micro QR) and a 4-module quiet zone, as
GS1 recommends for codes printed on packs.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE_MODULES = 4
PNG_MODULE_PIXELS = 8
_VERSION = "1"  # bump when the drawing changes, so cached codes are redrawn


@dataclass(frozen=True)
class QrImages:
    svg: bytes
    png: bytes


def make_code(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE_MODULES,
                         box_size=PNG_MODULE_PIXELS)
    code.add_data(url.encode("utf-8"), optimize=0)
    code.make(fit=True)
    return code


def render_qr(url: str) -> QrImages:
    code = make_code(url)
    svg = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage).save(svg)
    png = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(png, format="PNG", optimize=True)
    return QrImages(svg=svg.getvalue(), png=png.getvalue())


def qr_images(url: str, cache_dir: Path | None) -> QrImages:
    """The QR images for ``url``, from the cache when the same URL was drawn before."""
    if cache_dir is None:
        return render_qr(url)
    key = hashlib.sha256(f"{_VERSION}\n{url}".encode()).hexdigest()
    svg_path, png_path = cache_dir / f"{key}.svg", cache_dir / f"{key}.png"
    if svg_path.is_file() and png_path.is_file():
        return QrImages(svg=svg_path.read_bytes(), png=png_path.read_bytes())
    images = render_qr(url)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_atomically(svg_path, images.svg)
    _write_atomically(png_path, images.png)
    return images


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
