"""Print stamps: the layout of a square label with a QR code, the short address, stars and lot.

The layout is computed once, in millimetres on the printer's grid of dots, as a list of plain
shapes (rectangles, polygons, text runs); ``stamp_files.py`` draws the same shapes as SVG, PNG
and PDF. A module of the code is a whole number of printer dots, so every module prints the
same width; the code keeps its 4-module quiet zone. Which symbol, which module and which lines
of text a size gets is decided by the print simulation (manual/producers.md, "Stamps for small packs"):

- a module under ``MIN_MODULE_MM`` (or under 2 dots) is refused, and so is a module under
  ``COMFORTABLE_MODULE_MM`` for a symbol that restores fewer than ``MIN_CORRECTABLE_SMALL``
  codewords, with the smallest size that works for that address at that printer's resolution;
- the module is made as large as the space allows, up to ``COMFORTABLE_MODULE_MM``; the lot
  line, then the address line, make way for the code when that makes it larger;
- then level M or more rather than L, then more lines of text, then the largest module, then
  the most error correction that keeps it (``_choose``);
- when no line of text leaves the code a comfortable module, the mark alone ("OCOP" and the
  stars, the height of a capital in the smallest text) under the code, or the code alone when
  even that does not fit: only when that makes the module comfortable, never to squeeze a
  code under the sizes that hold it with its lines (``SPARE_TEXT``). The page the code opens
  shows the stars, the certificate and the lot; a code too small for every reader shows nothing.

The word mark is plain text: the official OCOP logo artwork is not ours to copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from fontTools.ttLib import TTFont

from site_builder.assets.qr import (
    MASKS,
    QUIET_ZONE_MODULES,
    SMALL_MODULE_MASKS,
    VERSION_2_SMALL_MASKS,
    Level,
    Symbol,
    correctable_codewords,
    dark_runs,
    false_finders,
    smallest_symbols,
    symbol,
)
from site_builder.assets.typefaces import FONT_FILES
from site_builder.problems import Message, catalogue

# Measured with the print simulation (bench/stamp_sizes.py, manual/figures.md, "Stamp sizes"):
# under 0.33 mm zbar misses codes a phone 12 cm away sees; from 0.42 mm OpenCV reads them too.
MIN_MODULE_MM = 0.33
COMFORTABLE_MODULE_MM = 0.42
MIN_MODULE_DOTS = 2  # a one-dot module does not print as a square on any printer
# Under this module a stamp's code takes mask 5 or 6 (``qr.SMALL_MODULE_MASKS``): measured at
# 0.34 mm (4 dots at 300 dpi, 8 at 600; bench/stamp_masks.py). At 203 dpi's 3-dot 0.375 mm
# modules OpenCV read fewer 16 mm stamps with them (31 against 36 of 36), zbar all either way.
SMALL_MASKS_UNDER_MM = 0.36
# Under this module a version-2 code takes mask 2 or 6 (``qr.VERSION_2_SMALL_MASKS``), whatever
# the printer: at 0.5 mm every mask read alike.
VERSION_2_MASKS_UNDER_MM = 0.45
# Under a comfortable module, a symbol must restore at least this many codewords: zbar missed
# half the version-2 level-L codes (5) at 0.34 mm, and read every version-3 level-L one (7).
MIN_CORRECTABLE_SMALL = 7
PRINTER_DPI = (203, 300, 600)  # thermal label printers (203, 300), laser and inkjet (600)
DEFAULT_DPI = 600
DEFAULT_SIZES_MM = (20.0, 30.0)
WORD_MARK = "OCOP"
MIN_EM_MM = 0.9  # about 2.5 pt: the smallest text we print
LINE_FACTOR = 1.3  # line height as a multiple of the text size
SIDE_MARGIN_MM = 0.6
TEXT_GAP_MM = 0.3  # between the code's quiet zone and the first line
CAP_HEIGHT = 0.742  # the typeface's capitals (O and C with their overshoot) as a share of its size
STAR_STEP = 0.95  # the advance of a drawn star as a share of the text size


MESSAGES = Path(__file__).parent / "messages"


def message(code: str, **values: object) -> Message:
    """A message of the stamps' catalogue (``paper/messages``), in both languages."""
    return catalogue(MESSAGES).message(code, **values)


class StampError(ValueError):
    """A stamp that cannot be printed as asked; the message says why and what would work."""

    def __init__(self, said: Message) -> None:
        super().__init__(said.both())
        self.vi, self.en = said.vi, said.en


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
    """A stamp, every length in millimetres from the top-left corner; all shapes are black.
    Every edge of the code falls on the printer's grid of dots (``dpi``)."""

    size: float  # the printed side: the size asked, rounded to whole dots
    url: str
    rects: tuple[Rect, ...]  # the QR modules, merged into runs along each row
    polygons: tuple[tuple[tuple[float, float], ...], ...]  # the stars
    texts: tuple[TextRun, ...]
    module: float
    qr_version: int
    qr_box: Rect  # the code with its quiet zone
    dpi: int = DEFAULT_DPI
    module_dots: int = 0
    qr_level: Level = Level.M
    code_text: str = ""  # what the code carries (the address, host in capitals)
    asked: float = 0.0  # the size asked, before rounding to whole dots
    # A label of another shape than square (``--size 12x15``): its printed height (0: square)
    # and the height asked.
    height: float = 0.0
    asked_height: float = 0.0

    @property
    def dots(self) -> int:
        """The printed width in printer dots."""
        return round(self.size * self.dpi / 25.4)

    @property
    def printed_height(self) -> float:
        return self.height or self.size

    @property
    def height_dots(self) -> int:
        return round(self.printed_height * self.dpi / 25.4)

    @property
    def label(self) -> str:
        """The size as asked: '20', or '12x15' for a label 12 mm wide and 15 mm tall."""
        return StampSize(self.asked or self.size, self.asked_height).label


class StampSize(NamedTuple):
    """A label's size as asked, in millimetres: square unless ``height`` is given."""

    width: float
    height: float = 0.0  # 0: as tall as wide

    @property
    def label(self) -> str:
        return f"{self.width:g}x{self.height:g}" if self.height else f"{self.width:g}"

    @classmethod
    def parse(cls, text: str) -> StampSize:
        """'20' or '12x15' (also '12×15'); ValueError for anything else."""
        parts = text.lower().replace("×", "x").split("x")
        if len(parts) > 2:
            raise ValueError(text)
        width, height = float(parts[0]), float(parts[-1]) if len(parts) == 2 else 0.0
        if width <= 0 or height < 0 or not all(map(math.isfinite, (width, height))):
            raise ValueError(text)
        return cls(width, height if height != width else 0.0)

    @classmethod
    def of(cls, size: float | tuple[float, float]) -> StampSize:
        return cls(*size) if isinstance(size, tuple) else cls(size)


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
    """One line of text under the code: runs of text and, on the mark line, the stars.
    ``compact``: the mark alone in the smallest text, its stars as tall as its capitals and
    the line as tall as its ink (capitals, no descenders), for a label with no room for more."""

    parts: tuple[tuple[str, object], ...]  # ("text", (str, bold)) | ("stars", n)
    compact: bool = False

    def width(self, em: float) -> float:
        total = 0.0
        for kind, value in self.parts:
            if kind == "text":
                text, bold = value  # type: ignore[misc]
                total += text_width(text, em, bold)
            else:
                total += int(value) * em * STAR_STEP  # type: ignore[call-overload]
        return total


def _text_height(lines: list[_Line] | tuple[_Line, ...], line_height: float) -> float:
    """The height the lines take under the code's quiet zone, their gap to the edge included;
    0 for the code alone."""
    if not lines:
        return 0.0
    if lines[0].compact:
        return MIN_EM_MM * CAP_HEIGHT + TEXT_GAP_MM
    return len(lines) * line_height + TEXT_GAP_MM


def _spare(lines: list[_Line] | tuple[_Line, ...]) -> bool:
    """Whether a set of lines is a last resort (the compact mark, or nothing): allowed only
    when it makes the module comfortable."""
    return not lines or lines[0].compact


def _text(text: str, bold: bool = False) -> tuple[str, object]:
    return ("text", (text, bold))


def _lines(stars: int, lot: str | None, address: str | None, merge_lot: bool,
           stars_in_words: bool = True) -> list[_Line]:
    mark = [_text(WORD_MARK + " ", True), ("stars", stars)]
    if stars_in_words:
        mark.append(_text(f" {stars} sao"))
    lines = []
    if lot and merge_lot:
        lines.append(_Line(tuple(mark + [_text(f" · Lô {lot}", True)])))
    else:
        lines.append(_Line(tuple(mark)))
        if lot:
            lines.append(_Line((_text(f"Lô {lot}", True),)))
    if address:
        lines.append(_Line((_text(address),)))
    return lines


@dataclass(frozen=True)
class _Choice:
    """A symbol, its module in dots and the lines under it, for one stamp."""

    lines: tuple[_Line, ...]
    level: Level
    version: int
    dots: int  # per module


def _text_options(stars: int, lot: str | None, url: str, width: float) -> list[list[_Line]]:
    """The lines under the code, from the most to the least: the lot on its own line, then
    on the mark line; then without the address. The mark line always stays; when the lot does
    not fit beside it, the stars are drawn without "N sao"; a set of lines that does not fit
    the width even in the smallest text is no option."""
    address = short_address(url)
    if _Line((_text(address),)).width(MIN_EM_MM) > width:
        address = urlsplit(url).netloc  # the domain is what a reader must check anyway
    options = [_lines(stars, lot, address, merge_lot=False)]
    for kept in (address, None):
        if lot:
            merged = _lines(stars, lot, kept, merge_lot=True)
            if merged[0].width(MIN_EM_MM) > width:
                merged = _lines(stars, lot, kept, merge_lot=True, stars_in_words=False)
            options.append(merged)
    options.append(_lines(stars, lot, None, merge_lot=False))  # the lot on its own line
    options.append([_Line((_text(WORD_MARK + " ", True), ("stars", stars)), compact=True)])
    options.append([])  # the code alone
    return [lines for lines in options if all(line.width(MIN_EM_MM) <= width for line in lines)]


def _choose(url: str, size_dots: int, dpi: int, options: list[list[_Line]],
            line_height: float, height_dots: int = 0) -> _Choice | None:
    """The symbol, module and lines for a stamp of ``size_dots`` (None: no module big enough).

    Of every set of lines and every level whose module is at least the minimum, in order of
    preference: the largest module up to comfortable; level M or more (zbar misses level-L
    symbols of version 2 at the smallest modules); more lines of text; the largest module;
    the most correction. So correction never costs module size: in the simulation a larger
    module read better than more correction, from a farther or blurrier camera. ``height_dots``:
    a label taller (or wider) than the square of ``size_dots``, whose code may be as large as
    the narrower of its width and its height above the lines."""
    dot = 25.4 / dpi
    smallest = smallest_symbols(url)
    min_dots = max(MIN_MODULE_DOTS, math.ceil(MIN_MODULE_MM / dot - 1e-9))
    comfortable = math.ceil(COMFORTABLE_MODULE_MM / dot - 1e-9)
    best: tuple[tuple[int, int, int, int, int], _Choice] | None = None
    for index, lines in enumerate(options):
        text_dots = math.ceil(_text_height(lines, line_height) / dot - 1e-9)
        room = min(size_dots, (height_dots or size_dots) - text_dots)  # the code is square
        for level, version in smallest.items():
            dots = room // (4 * version + 17 + 2 * QUIET_ZONE_MODULES)
            if dots < min_dots or (dots < comfortable and (
                    _spare(lines) or correctable_codewords(version, level) < MIN_CORRECTABLE_SMALL)):
                continue
            key = preference(dots, comfortable, level, index, _spare(lines))
            if best is None or key > best[0]:
                best = key, _Choice(tuple(lines), level, version, dots)
    return best[1] if best else None


def preference(dots: int, comfortable: int, level: Level, lines_dropped: int,
               last_resort: bool = False) -> tuple[int, ...]:
    """How much a symbol is wanted (larger is better): its module up to comfortable, a line of
    text under it (``last_resort``: the compact mark or nothing, ``_spare``), level M or more,
    more lines of text, its module, its level (``_choose``; bench/stamp_levels.py compares this
    with giving module size away for correction)."""
    return (min(dots, comfortable), not last_resort, level.rank >= Level.M.rank, -lines_dropped,
            dots, level.rank)


def crispness(art: Artwork) -> int:
    """How well a stamp's code prints, for comparing two layouts of one stamp: its module in
    dots, up to comfortable (beyond it, a larger module read no better)."""
    return min(art.module_dots, comfortable_dots(art.dpi))


def _em(size: float) -> float:
    return min(max(size * 0.055, 1.0), 2.6)


def smallest_size(url: str, stars: int, lot: str | None, dpi: int, above: float) -> float | None:
    """The smallest size (a tenth of a millimetre, above ``above``) whose stamp holds the code
    for ``url`` at ``dpi``; None when no stamp up to 100 mm does (an address too long)."""
    size = math.floor(above * 10) / 10
    while size < 100:
        size = round(size + 0.1, 1)
        dots = round(size * dpi / 25.4)
        width = dots * 25.4 / dpi - 2 * SIDE_MARGIN_MM
        options = _text_options(stars, lot, url, width)
        if _choose(url, dots, dpi, options, _em(size) * LINE_FACTOR) is not None:
            return size
    return None


def comfortable_size(url: str, stars: int, lot: str | None, dpi: int, above: float) -> float | None:
    """The smallest square (a tenth of a millimetre, above ``above``) whose code for ``url`` gets
    a comfortable module at ``dpi`` (what every decoder read in the simulation); None over 100 mm."""
    size = math.floor(above * 10) / 10
    while size < 100:
        size = round(size + 0.1, 1)
        dots = round(size * dpi / 25.4)
        options = _text_options(stars, lot, url, dots * 25.4 / dpi - 2 * SIDE_MARGIN_MM)
        choice = _choose(url, dots, dpi, options, _em(size) * LINE_FACTOR)
        if choice is not None and choice.dots >= comfortable_dots(dpi):
            return size
    return None


def comfortable_dots(dpi: int) -> int:
    """The fewest printer dots that make a comfortable module at ``dpi``."""
    return math.ceil(COMFORTABLE_MODULE_MM / (25.4 / dpi) - 1e-9)


def _refusal(url: str, stars: int, lot: str | None, dpi: int, size: float,
             height: float) -> Message:
    """Why a stamp cannot print, with the smallest square that can and, for a square asked,
    the lowest label of the same width that can."""
    needed = smallest_size(url, stars, lot, dpi, size)
    dots = math.ceil(MIN_MODULE_MM / (25.4 / dpi))
    label = StampSize(size, height).label
    if needed is None:
        return message("stamp_address_too_long", size=label, dpi=dpi, module=f"{MIN_MODULE_MM:g}",
                       dots=dots)
    taller = None if height else smallest_height(url, stars, lot, dpi, size)
    return message("stamp_too_small_or_taller" if taller else "stamp_too_small", size=label,
                   dpi=dpi, needed=f"{needed:g}", module=f"{MIN_MODULE_MM:g}", dots=dots,
                   taller=f"{size:g}x{taller or 0:g}")


def smallest_height(url: str, stars: int, lot: str | None, dpi: int, size: float) -> float | None:
    """The lowest label ``size`` mm wide (a tenth of a millimetre, up to twice as tall as wide)
    that holds the code for ``url`` at ``dpi``, its lines under it; None when none does."""
    dots = round(size * dpi / 25.4)
    options = _text_options(stars, lot, url, dots * 25.4 / dpi - 2 * SIDE_MARGIN_MM)
    height = round(size, 1)
    while height <= 2 * size:
        if _choose(url, dots, dpi, options, _em(size) * LINE_FACTOR,
                   round(height * dpi / 25.4)) is not None:
            return height
        height = round(height + 0.1, 1)
    return None


def stamp_masks(version: int, module: float) -> tuple[int, ...]:
    """The masks a stamp's code of ``version`` chooses from at a ``module`` mm wide: the ones
    read best at that module, measured (``VERSION_2_MASKS_UNDER_MM``, ``SMALL_MASKS_UNDER_MM``),
    else all eight, the standard's choice."""
    if version == 2 and module < VERSION_2_MASKS_UNDER_MM:
        return VERSION_2_SMALL_MASKS
    return SMALL_MODULE_MASKS if module < SMALL_MASKS_UNDER_MM else MASKS


def stamp_symbol(url: str, level: Level, version: int, masks: tuple[int, ...]) -> Symbol:
    """A stamp's code: of ``masks``, the one of least penalty that draws no false finder
    pattern in the data (``false_finders``), or of least penalty when each of them draws one.

    OpenCV's detector missed the sample's 30 mm mam-ca-loc-chau-doc stamp from its files (at
    most image sizes, with or without the text under it): its mask of least penalty drew a
    finder's 1:1:3:1:1 cross in the data; the same data with any of the other seven masks read.
    The standard's penalty counts the pattern only beside four light modules, along rows and
    columns apart."""
    drawn = symbol(url, level, version, masks)
    if len(masks) == 1 or not false_finders(drawn):
        return drawn
    clean = tuple(m for m in masks if not false_finders(symbol(url, level, version, (m,))))
    return symbol(url, level, version, clean) if clean else drawn


def _draw_line(line: _Line, em: float, x: float, baseline: float, texts: list[TextRun],
               polygons: list[tuple[tuple[float, float], ...]]) -> None:
    """Add one line's text runs and stars, set at ``em`` from ``x`` on ``baseline``."""
    # A star's top point to its lower points spans 1.809 times its radius: in the compact
    # mark, as tall as the capitals; elsewhere a little taller, centred on the lower-case.
    radius = em * CAP_HEIGHT / 1.809 if line.compact else em * 0.47
    centre = baseline - radius * 0.809 if line.compact else baseline - em * 0.36
    for kind, value in line.parts:
        if kind == "text":
            text, bold = value  # type: ignore[misc]
            texts.append(TextRun(round(x, 4), baseline, round(em, 4), text, bold))
            x += text_width(text, em, bold)
        else:
            step = em * STAR_STEP
            for _ in range(int(value)):  # type: ignore[call-overload]
                polygons.append(star_polygon(x + step / 2, centre, radius))
                x += step


def layout(url: str, stars: int, size: float, lot: str | None = None,
           dpi: int = DEFAULT_DPI, height: float = 0.0) -> Artwork:
    """The stamp for ``url`` at ``size`` mm square (or ``size`` wide and ``height`` tall)
    printed at ``dpi``, or StampError when its code cannot print crisply enough to scan."""
    if dpi not in PRINTER_DPI:
        raise StampError(message("stamp_dpi_unknown", dpi=dpi,
                                 known=", ".join(map(str, PRINTER_DPI))))
    dot = 25.4 / dpi
    size_dots = round(size / dot)
    actual = size_dots * dot
    em = _em(size)
    line_height = em * LINE_FACTOR
    width = actual - 2 * SIDE_MARGIN_MM
    height_dots = round(height / dot) if height else size_dots
    actual_height = height_dots * dot
    choice = _choose(url, size_dots, dpi, _text_options(stars, lot, url, width), line_height,
                     height_dots)
    if choice is None:
        raise StampError(_refusal(url, stars, lot, dpi, size, height))
    drawn = stamp_symbol(url, choice.level, choice.version,
                         stamp_masks(choice.version, choice.dots * dot))
    matrix = drawn.matrix()
    count = len(matrix)
    module = choice.dots * dot
    qr_dots = count * choice.dots
    text_height = _text_height(choice.lines, line_height)
    # The code and its lines, centred on the label; the code's corner on a whole dot.
    left_dots = (size_dots - qr_dots) // 2
    top_dots = max(0, math.floor((actual_height - qr_dots * dot - text_height) / 2 / dot))

    left, top = left_dots * dot, top_dots * dot
    rects = [Rect(round(left + start * module, 5), round(top + row * module, 5),
                  round((end - start) * module, 5), round(module, 5))
             for row, start, end in dark_runs(matrix)]
    texts: list[TextRun] = []
    polygons = []
    y = top + qr_dots * dot  # the quiet zone's last modules are the space above the text
    for line in choice.lines:
        line_em = MIN_EM_MM if line.compact else em
        while line.width(line_em) > width and line_em > MIN_EM_MM:
            line_em = max(MIN_EM_MM, line_em - 0.05)
        # The compact mark's ink starts where the quiet zone ends.
        baseline = round(y + (line_em * CAP_HEIGHT if line.compact else line_height * 0.78), 4)
        _draw_line(line, line_em, (actual - line.width(line_em)) / 2, baseline, texts, polygons)
        y += line_height
    return Artwork(size=actual, url=url, rects=tuple(rects), polygons=tuple(polygons),
                   texts=tuple(texts), module=module, qr_version=drawn.version,
                   qr_box=Rect(left, top, qr_dots * dot, qr_dots * dot), dpi=dpi,
                   module_dots=choice.dots, qr_level=drawn.level, code_text=drawn.text,
                   asked=size, height=actual_height if height else 0.0, asked_height=height)
