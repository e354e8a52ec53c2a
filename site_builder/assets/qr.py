"""QR codes for traceability pages: SVG for print, PNG for the web, cached by content hash.

Error correction M (15 %), a regular QR symbol (never Micro QR) and a 4-module quiet zone, as
GS1 recommends for codes printed on packs.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from site_builder.assets.blob_cache import blob_cache

QUIET_ZONE_MODULES = 4
PNG_MODULE_PIXELS = 8
# Bump when the drawing changes, so cached codes are redrawn. 3: codes that took mask 0 lacked
# their format information before (README, "Stamps printed before ...").
_VERSION = "3"


@dataclass(frozen=True)
class QrImages:
    svg: bytes
    png: bytes


def make_code(url: str) -> qrcode.QRCode:
    """The smallest regular QR symbol for ``url`` at level M, with the mask of least penalty.

    The masks are scored on a test placement (format modules left light, as ISO/IEC 18004
    scores them); the symbol is then always placed again with the chosen mask, so its format
    information is written whichever mask wins, mask 0 included."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE_MODULES,
                         box_size=PNG_MODULE_PIXELS)
    code.add_data(url.encode("utf-8"), optimize=0)
    code.best_fit()
    code.mask_pattern = best_mask(code)
    code.makeImpl(False, code.mask_pattern)
    return code


def printed_without_format_information(url: str) -> bool:
    """Whether a code for ``url`` made before drawing version 3 lacked its format information.

    Those codes were the ones whose best mask is 0: the symbol kept the mask-scoring placement,
    whose format modules are light. Many readers (zbar among them) cannot read them, so their
    stamps must be printed again (README, "Stamps")."""
    return make_code(url).mask_pattern == 0


# --- mask selection ---------------------------------------------------------------------------
# ISO/IEC 18004 asks for the mask whose symbol scores the lowest penalty. qrcode places the data
# eight times to score each mask; here the data is placed once and each mask is applied by XOR
# on whole rows held as integers, and the penalty rules run on bit strings. Same rules, ~5x less
# time, which matters when a catalog has 20,000 codes.

_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")


@lru_cache(maxsize=64)
def _mask_rows(version: int, count: int, data_cells: frozenset[tuple[int, int]]) -> list[list[int]]:
    """For each of the 8 masks, per row, the bits of data modules the mask inverts."""
    rows = []
    for pattern in range(8):
        inverts = qrcode.util.mask_func(pattern)
        per_row = [0] * count
        for r, c in data_cells:
            if inverts(r, c):
                per_row[r] |= 1 << c
        rows.append(per_row)
    return rows


def _penalty(rows: list[int], count: int) -> int:
    lines = [format(row, f"0{count}b") for row in rows]
    columns = ["".join(column) for column in zip(*lines, strict=True)]
    text = "\n".join(lines + columns)
    score = sum(len(run) - 2 for run in _RUNS.findall(text))  # N1: 3 + (length - 5)
    score += 40 * len(_FINDER_LIKE.findall(text))  # N3
    pair_mask = (1 << (count - 1)) - 1
    for a, b in zip(rows, rows[1:], strict=False):  # N2: 2x2 blocks of one colour
        dark = a & b & (a >> 1) & (b >> 1)
        light = ~(a | b | (a >> 1) | (b >> 1))
        score += 3 * ((dark | light) & pair_mask).bit_count()
    dark_share = sum(row.bit_count() for row in rows) / count**2  # N4, in qrcode's arithmetic
    return score + 10 * int(abs(dark_share * 100 - 50) / 5)


def best_mask(code: qrcode.QRCode) -> int:
    """The mask of least penalty, scored as qrcode scores it (format modules left light).

    Leaves ``code`` holding that test placement: place it again with the mask before use."""
    code.makeImpl(True, 0)
    count = code.modules_count
    base = [sum(1 << c for c, cell in enumerate(row) if cell) for row in code.modules]
    data_cells = frozenset(_data_cells(code))
    masks = _mask_rows(code.version, count, data_cells)
    scores = []
    for pattern in range(8):
        rows = [row ^ masks[0][r] ^ masks[pattern][r] for r, row in enumerate(base)]
        scores.append(_penalty(rows, count))
    return scores.index(min(scores))


@lru_cache(maxsize=64)
def _data_cells_of(version: int) -> frozenset[tuple[int, int]]:
    probe = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    probe.modules_count = version * 4 + 17
    probe.modules = [[None] * probe.modules_count for _ in range(probe.modules_count)]
    probe.setup_position_probe_pattern(0, 0)
    probe.setup_position_probe_pattern(probe.modules_count - 7, 0)
    probe.setup_position_probe_pattern(0, probe.modules_count - 7)
    probe.setup_position_adjust_pattern()
    probe.setup_timing_pattern()
    probe.setup_type_info(True, 0)
    if version >= 7:
        probe.setup_type_number(True)
    return frozenset((r, c) for r, row in enumerate(probe.modules) for c, cell in enumerate(row)
                     if cell is None)


def _data_cells(code: qrcode.QRCode) -> frozenset[tuple[int, int]]:
    return _data_cells_of(code.version)


def dark_runs(matrix: list[list[bool]]) -> Iterator[tuple[int, int, int]]:
    """Each horizontal run of dark modules as (row, first column, column after the last)."""
    for y, row in enumerate(matrix):
        x, size = 0, len(row)
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                yield y, start, x
            else:
                x += 1


def qr_svg(matrix: list[list[bool]], title: str) -> bytes:
    """The code as one SVG path, a rectangle per run of dark modules, in module units."""
    size = len(matrix)
    runs = [f"M{start} {y}h{end - start}v1h-{end - start}z" for y, start, end in dark_runs(matrix)]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
            f'width="{size * PNG_MODULE_PIXELS}" height="{size * PNG_MODULE_PIXELS}" '
            f'shape-rendering="crispEdges"><title>{escape(title)}</title>'
            f'<rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path fill="#000" d="{"".join(runs)}"/></svg>\n').encode()


def qr_png(matrix: list[list[bool]]) -> bytes:
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if cell else 1 for row in matrix for cell in row])
    image = image.resize((size * PNG_MODULE_PIXELS,) * 2, Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def render_qr(url: str) -> QrImages:
    matrix = make_code(url).get_matrix()
    return QrImages(svg=qr_svg(matrix, url), png=qr_png(matrix))


def qr_images(url: str, cache_dir: Path | None) -> QrImages:
    """The QR images for ``url``, from the cache when the same URL was drawn before."""
    cache = blob_cache(cache_dir, "qr")
    key = hashlib.sha256(f"{_VERSION}\n{url}".encode()).hexdigest()
    svg, png = cache.get(key + ".svg"), cache.get(key + ".png")
    if svg is not None and png is not None:
        return QrImages(svg=svg, png=png)
    images = render_qr(url)
    cache.put(key + ".svg", images.svg)
    cache.put(key + ".png", images.png)
    return images
