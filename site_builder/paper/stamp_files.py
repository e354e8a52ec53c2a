"""Stamp artwork as files: vector SVG, a PNG of one pixel per printer dot and an A4 PDF sheet
with crop marks.

All three draw the same ``Artwork`` from ``stamps.py``, on the printer's grid of dots: the SVG
counts in dots (its size in millimetres), the PNG has one pixel per dot, and the sheet puts each
stamp's corner on a whole dot of the page. Text is drawn from the bundled font (outlines in SVG,
embedded in PDF), so the artwork prints the same on any machine. Files are cached by a hash of
everything they show, so an unchanged stamp is not drawn twice.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from fontTools.pens.svgPathPen import SVGPathPen
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from site_builder.paper.stamps import FONT_FILES, Artwork, font

A4_MM = (210.0, 297.0)
CROP_MARK_MM = 2.0  # length of a crop mark
CROP_GAP_MM = 0.8  # distance between the trim line and its crop marks
_VERSION = "2"  # bump when the drawing changes, so cached files are redrawn (2: in dots)


# --- SVG -------------------------------------------------------------------------------------


@cache
def _glyph_path(char: str, bold: bool) -> tuple[str, int]:
    """The outline of ``char`` as SVG path data in font units (y up), and its advance."""
    face = font(bold)
    glyph_set, cmap = face.getGlyphSet(), face.getBestCmap()
    name = cmap.get(ord(char), ".notdef")
    pen = SVGPathPen(glyph_set)
    glyph_set[name].draw(pen)
    return pen.getCommands(), face["hmtx"][name][0]


def _fmt(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def stamp_svg(art: Artwork) -> bytes:
    """The stamp as SVG whose user unit is one printer dot, so every module edge is a whole
    number: a print shop's RIP or a label printer's driver places it on its grid as it is."""
    per_mm = art.dpi / 25.4
    side, side_y = art.dots, art.height_dots

    def at(mm: float) -> str:
        return _fmt(mm * per_mm)

    modules = "".join(f"M{round(r.x * per_mm)} {round(r.y * per_mm)}h{round(r.w * per_mm)}"
                      f"v{round(r.h * per_mm)}h-{round(r.w * per_mm)}z" for r in art.rects)
    stars = "".join("M" + "L".join(f"{at(x)} {at(y)}" for x, y in poly) + "z"
                    for poly in art.polygons)
    glyphs = []
    for run in art.texts:
        face = font(run.bold)
        scale = run.em / face["head"].unitsPerEm
        x = run.x
        for char in run.text:
            commands, advance = _glyph_path(char, run.bold)
            if commands:
                glyphs.append(f'<path transform="translate({at(x)} {at(run.baseline)}) '
                              f'scale({scale * per_mm:.6f} -{scale * per_mm:.6f})" d="{commands}"/>')
            x += advance * scale
    size = _fmt(art.size)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}mm" '
        f'height="{_fmt(art.printed_height)}mm" viewBox="0 0 {side} {side_y}">\n'
        f"<title>{escape(art.url)}</title>\n"
        f'<rect width="{side}" height="{side_y}" fill="#fff"/>\n'
        f'<path fill="#000" d="{modules}"/>\n'
        f'<path fill="#000" d="{stars}"/>\n'
        f'<g fill="#000">{"".join(glyphs)}</g>\n'
        "</svg>\n"
    )
    return svg.encode("utf-8")


# --- PNG -------------------------------------------------------------------------------------


@cache
def _pil_font(bold: bool, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILES[bold]), pixels)


def stamp_png(art: Artwork, dpi: int | None = None) -> bytes:
    """The stamp as a greyscale PNG at ``dpi`` (the printer's: one pixel per dot); module edges
    fall on whole pixels at the printer's resolution and its multiples."""
    dpi = dpi or art.dpi
    scale = dpi / 25.4
    image = Image.new("L", (round(art.size * scale), round(art.printed_height * scale)), 255)
    draw = ImageDraw.Draw(image)
    def pixel(mm: float) -> int:
        # Half up, never to even: at half the layout's resolution every edge falls on a half
        # pixel, and rounding half to even would make modules alternately narrow and wide.
        return math.floor(mm * scale + 0.5 + 1e-3)  # coordinates are rounded to 10 nm

    for r in art.rects:
        x0, y0, x1, y1 = pixel(r.x), pixel(r.y), pixel(r.x + r.w), pixel(r.y + r.h)
        draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=0)
    for poly in art.polygons:
        draw.polygon([(x * scale, y * scale) for x, y in poly], fill=0)
    for run in art.texts:
        pil_font = _pil_font(run.bold, max(1, round(run.em * scale)))
        draw.text((run.x * scale, run.baseline * scale), run.text, font=pil_font, fill=0,
                  anchor="ls")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(dpi, dpi))
    return buffer.getvalue()


# --- PDF sheet -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLayout:
    """How stamps are placed on an A4 sheet; ``columns``/``rows`` 0 means as many as fit."""

    columns: int = 0
    rows: int = 0
    gap: float = 6.0  # between stamps, room for the crop marks
    margin: float = 10.0
    count: int = 0  # 0 fills the sheet

    def grid(self, size: float, height: float = 0.0) -> tuple[int, int]:
        """Columns and rows of stamps ``size`` mm wide and ``height`` (0: ``size``) tall."""
        usable_w = A4_MM[0] - 2 * self.margin
        usable_h = A4_MM[1] - 2 * self.margin - 8  # a line of heading above the stamps
        fit_c = int((usable_w + self.gap) // (size + self.gap))
        fit_r = int((usable_h + self.gap) // ((height or size) + self.gap))
        columns = self.columns or fit_c
        rows = self.rows or fit_r
        if columns < 1 or rows < 1 or columns > fit_c or rows > fit_r:
            raise ValueError(
                f"{columns} cột × {rows} hàng tem {size:g} mm không vừa khổ A4 (tối đa {fit_c} × "
                f"{fit_r} với lề {self.margin:g} mm, khoảng cách {self.gap:g} mm) / {columns} × "
                f"{rows} stamps of {size:g} mm do not fit on A4 (at most {fit_c} × {fit_r})")
        return columns, rows


def sheet_pdf(art: Artwork, heading: str, sheet: SheetLayout, made_on: datetime) -> bytes:
    """An A4 page of copies of ``art`` with crop marks at every corner, centred on the page."""
    columns, rows = sheet.grid(art.size, art.printed_height)
    tall = art.printed_height
    count = min(sheet.count or columns * rows, columns * rows)
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_creation_date(made_on)
    pdf.set_title(heading)
    pdf.set_author("ocop-catalog")
    pdf.set_auto_page_break(False)
    pdf.add_font("stamp", "", str(FONT_FILES[False]))
    pdf.add_font("stamp", "B", str(FONT_FILES[True]))
    pdf.add_page()
    pdf.set_font("stamp", "", 8)
    pdf.text(sheet.margin, sheet.margin + 3, heading)
    block_w = columns * art.size + (columns - 1) * sheet.gap
    block_h = rows * tall + (rows - 1) * sheet.gap
    left = (A4_MM[0] - block_w) / 2
    top = sheet.margin + 8 + (A4_MM[1] - 2 * sheet.margin - 8 - block_h) / 2
    dot = 25.4 / art.dpi
    for i in range(count):
        # Each stamp's corner on a whole printer dot of the page, so its modules are too.
        x = round((left + (i % columns) * (art.size + sheet.gap)) / dot) * dot
        y = round((top + (i // columns) * (tall + sheet.gap)) / dot) * dot
        _draw_artwork(pdf, art, x, y)
        _crop_marks(pdf, x, y, art.size, tall)
    return bytes(pdf.output())


def _draw_artwork(pdf: FPDF, art: Artwork, left: float, top: float) -> None:
    pdf.set_fill_color(0, 0, 0)
    for r in art.rects:
        pdf.rect(left + r.x, top + r.y, r.w, r.h, style="F")
    for poly in art.polygons:
        pdf.polygon([(left + x, top + y) for x, y in poly], style="F")
    for run in art.texts:
        pdf.set_font("stamp", "B" if run.bold else "", run.em / 25.4 * 72)
        pdf.text(left + run.x, top + run.baseline, run.text)


def _crop_marks(pdf: FPDF, x: float, y: float, size: float, height: float) -> None:
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.1)
    near, far = CROP_GAP_MM, CROP_GAP_MM + CROP_MARK_MM
    for cx, dx in ((x, -1), (x + size, 1)):
        for cy, dy in ((y, -1), (y + height, 1)):
            pdf.line(cx + dx * near, cy, cx + dx * far, cy)  # horizontal, beside the corner
            pdf.line(cx, cy + dy * near, cx, cy + dy * far)  # vertical, above or below it


# --- cache -----------------------------------------------------------------------------------


class StampCache:
    """Files keyed by a hash of what they depend on, under ``folder`` (or none at all)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, key: str, ext: str, make) -> bytes:  # type: ignore[no-untyped-def]
        if self.folder is None:
            return make()
        digest = hashlib.sha256(f"{_VERSION}\n{key}".encode()).hexdigest()
        path = self.folder / f"{digest}.{ext}"
        if path.is_file():
            return path.read_bytes()
        data = make()
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{ext}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return data


def artwork_key(art: Artwork) -> str:
    """Everything a stamp shows, the code's modules included: the same address gives other
    modules when the code's drawing changes (codes with mask 0 gained their format information)."""
    shape = (art.height,) if art.height else ()  # square stamps keep their cached files
    return repr((art.url, art.code_text, art.size, art.dpi, art.rects, art.texts, art.polygons,
                 art.module, *shape))


def made_on_utc(day) -> datetime:  # type: ignore[no-untyped-def]
    """A fixed creation time (midnight UTC of ``day``) so the same sheet gives the same bytes."""
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
