"""Print stamps: the layout of a square label with a QR code, the short address, stars and lot.

The layout is computed once, in millimetres, as a list of plain shapes (rectangles, polygons,
text runs); ``stamp_files.py`` draws the same shapes as SVG, PNG and PDF. GS1 asks for a
module (X-dimension) of at least 0.396 mm on packs and a quiet zone of four modules; we refuse
a size that would give a module under ``MIN_MODULE_MM`` rather than print a code that may not
scan. The word mark is plain text: the official OCOP logo artwork is not ours to copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from fontTools.ttLib import TTFont

from site_builder.assets.qr import dark_runs, make_code
from site_builder.assets.typefaces import FONT_FILES

MIN_MODULE_MM = 0.4
DEFAULT_SIZES_MM = (20.0, 30.0)
WORD_MARK = "OCOP"
MIN_EM_MM = 0.9  # about 2.5 pt: the smallest text we print
LINE_FACTOR = 1.3  # line height as a multiple of the text size
SIDE_MARGIN_MM = 0.6


class StampError(ValueError):
    """A stamp that cannot be printed as asked; the message says why and what would work."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class TextRun:
    x: float  # left edge
    baseline: float
    em: float  # text size in mm
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Artwork:
    """A stamp, every length in millimetres from the top-left corner; all shapes are black."""

    size: float
    url: str
    rects: tuple[Rect, ...]  # the QR modules, merged into runs along each row
    polygons: tuple[tuple[tuple[float, float], ...], ...]  # the stars
    texts: tuple[TextRun, ...]
    module: float
    qr_version: int
    qr_box: Rect  # the code with its quiet zone


@cache
def font(bold: bool) -> TTFont:
    return TTFont(str(FONT_FILES[bold]))


def text_width(text: str, em: float, bold: bool = False) -> float:
    """The advance width of ``text`` set at ``em`` millimetres, as every renderer lays it out."""
    face = font(bold)
    cmap, hmtx = face.getBestCmap(), face["hmtx"]
    units = sum(hmtx[cmap.get(ord(ch), ".notdef")][0] for ch in text)
    return units * em / face["head"].unitsPerEm


def short_address(url: str) -> str:
    """What a person types: the address without its scheme."""
    parts = urlsplit(url)
    return parts.netloc + parts.path + (f"?{parts.query}" if parts.query else "")


def star_polygon(cx: float, cy: float, radius: float) -> tuple[tuple[float, float], ...]:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((round(cx + r * math.cos(angle), 4), round(cy + r * math.sin(angle), 4)))
    return tuple(points)


@dataclass(frozen=True)
class _Line:
    """One line of text under the code: runs of text and, on the mark line, the stars."""

    parts: tuple[tuple[str, object], ...]  # ("text", (str, bold)) | ("stars", n)

    def width(self, em: float) -> float:
        total = 0.0
        for kind, value in self.parts:
            if kind == "text":
                text, bold = value  # type: ignore[misc]
                total += text_width(text, em, bold)
            else:
                total += int(value) * em * 0.95  # type: ignore[call-overload]
        return total


def _text(text: str, bold: bool = False) -> tuple[str, object]:
    return ("text", (text, bold))


def _lines(stars: int, lot: str | None, address: str, merge_lot: bool) -> list[_Line]:
    mark = [_text(WORD_MARK + " ", True), ("stars", stars), _text(f" {stars} sao")]
    lines = []
    if lot and merge_lot:
        lines.append(_Line(tuple(mark + [_text(f" · Lô {lot}", True)])))
    else:
        lines.append(_Line(tuple(mark)))
        if lot:
            lines.append(_Line((_text(f"Lô {lot}", True),)))
    lines.append(_Line((_text(address),)))
    return lines


def layout(url: str, stars: int, size: float, lot: str | None = None) -> Artwork:
    """The stamp for ``url`` at ``size`` mm square, or StampError when it cannot scan well."""
    code = make_code(url)
    matrix = code.get_matrix()  # includes the 4-module quiet zone
    count = len(matrix)
    em = min(max(size * 0.055, 1.0), 2.6)
    line_height = em * LINE_FACTOR
    width = size - 2 * SIDE_MARGIN_MM
    address = short_address(url)
    if _Line((_text(address),)).width(MIN_EM_MM) > width:
        address = urlsplit(url).netloc  # the domain is what a reader must check anyway
    lines: list[_Line] = []
    module = 0.0
    for merge_lot in (False, True):
        lines = _lines(stars, lot, address, merge_lot)
        module = min(size / count, (size - len(lines) * line_height - 0.3) / count)
        if module >= MIN_MODULE_MM:
            break
    if module < MIN_MODULE_MM:
        needed = math.ceil((MIN_MODULE_MM * count + len(lines) * line_height + 0.3) * 2) / 2
        raise StampError(
            f"tem {size:g} mm quá nhỏ cho địa chỉ này: mỗi ô mã QR chỉ còn {module:.2f} mm, cần "
            f"ít nhất {MIN_MODULE_MM} mm để quét được; hãy dùng cỡ từ {needed:g} mm trở lên "
            "hoặc rút ngắn tên miền, mã sản phẩm",
            f"a {size:g} mm stamp is too small for this address: a QR module would be "
            f"{module:.2f} mm, under the {MIN_MODULE_MM} mm that scans reliably; use "
            f"{needed:g} mm or more, or a shorter domain or product id")
    qr_side = module * count
    left = (size - qr_side) / 2
    rects = [Rect(round(left + start * module, 4), round(row * module, 4),
                  round((end - start) * module, 4), round(module, 4))
             for row, start, end in dark_runs(matrix)]
    texts: list[TextRun] = []
    polygons = []
    y = qr_side
    for line in lines:
        line_em = em
        while line.width(line_em) > width and line_em > MIN_EM_MM:
            line_em = max(MIN_EM_MM, line_em - 0.05)
        baseline = round(y + line_height * 0.78, 4)
        x = (size - line.width(line_em)) / 2
        for kind, value in line.parts:
            if kind == "text":
                text, bold = value  # type: ignore[misc]
                texts.append(TextRun(round(x, 4), baseline, round(line_em, 4), text, bold))
                x += text_width(text, line_em, bold)
            else:
                step = line_em * 0.95
                for _ in range(int(value)):  # type: ignore[call-overload]
                    polygons.append(star_polygon(x + step / 2, baseline - line_em * 0.36,
                                                 line_em * 0.47))
                    x += step
        y += line_height
    return Artwork(size=size, url=url, rects=tuple(rects), polygons=tuple(polygons),
                   texts=tuple(texts), module=module, qr_version=code.version,
                   qr_box=Rect(left, 0.0, qr_side, qr_side))
