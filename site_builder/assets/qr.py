"""QR codes for traceability pages: SVG for the site, PNG where an old address still needs
one, cached by content hash; the printed stamps draw the same symbol (``make_code``).

Error correction M (15 %), a regular QR symbol (never Micro QR) and a 4-module quiet zone, as
GS1 recommends for codes printed on packs.

The symbol is the one the ``qrcode`` library draws for the same bytes (the tests compare them
module by module), computed here on whole rows held as integers: a catalog of 20,000 products
draws 20,000 codes, and the library's pure-Python placement, error correction and mask scoring
took 3 ms a code, ten times what this takes (``bench/assets.py``). Since drawing version 3
every code carries its format information, mask 0 included (README, "Stamps printed before").
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
from PIL import Image
from qrcode import util
from qrcode.base import rs_blocks
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError

from site_builder.assets.blob_cache import blob_cache

QUIET_ZONE_MODULES = 4
PNG_MODULE_PIXELS = 8
# Bump when the drawing changes, so cached codes are redrawn. 3: codes that took mask 0 lacked
# their format information before (README, "Stamps printed before ..."). 4: the PNG is
# compressed at zlib's default level (same pixels, other bytes).
_VERSION = "4"


@dataclass(frozen=True)
class QrImages:
    svg: bytes
    png: bytes


@dataclass(frozen=True)
class Symbol:
    """A QR symbol without its quiet zone: each row as a string of '1' (dark) and '0'."""

    version: int
    mask: int
    rows: tuple[str, ...]
    codewords: tuple[int, ...]  # data then error correction, in placement order


# --- the grid of one version ------------------------------------------------------------------
# A symbol is held as one integer, row after row, the first module in the highest bit, each row
# followed by a gap bit that is set neither in the dark image (the integer) nor in the light one
# (its complement within ``_Grid.modules``), so no run or pattern is counted across two rows.
# The same symbol read column after column is a second integer.


@dataclass(frozen=True)
class _Grid:
    """What is fixed for every symbol of one version at level M."""

    version: int
    count: int  # modules across
    capacity: int  # data modules, in placement order
    to_rows: itemgetter  # data bits ('0'/'1', padded) -> the row-major string
    to_columns: itemgetter  # the same, column-major
    modules: int  # 1 at every module, 0 at the gaps
    scored_function: tuple[int, int]  # dark function modules as masks are scored: rows, columns
    masks: tuple[tuple[int, int], ...]  # per mask, the data modules it inverts: rows, columns
    function: tuple[int, ...]  # per mask, dark function modules with format information (rows)

    @property
    def stride(self) -> int:
        return self.count + 1


def _function_modules(version: int, mask: int, scoring: bool) -> list[list[bool | None]]:
    """The function patterns as ``qrcode`` lays them out, None where data goes. ``scoring``:
    format and version information left light, as ISO/IEC 18004 scores the masks."""
    probe = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    probe.modules_count = count = version * 4 + 17
    probe.modules = [[None] * count for _ in range(count)]
    probe.setup_position_probe_pattern(0, 0)
    probe.setup_position_probe_pattern(count - 7, 0)
    probe.setup_position_probe_pattern(0, count - 7)
    probe.setup_position_adjust_pattern()
    probe.setup_timing_pattern()
    probe.setup_type_info(scoring, mask)
    if version >= 7:
        probe.setup_type_number(scoring)
    return probe.modules


def _placement_order(modules: list[list[bool | None]]) -> list[tuple[int, int]]:
    """The data modules in the order bits fill them: two columns at a time from the right,
    up and down in turn, skipping the vertical timing pattern (as ``QRCode.map_data``)."""
    count = len(modules)
    order: list[tuple[int, int]] = []
    upwards = True
    for right in range(count - 1, 0, -2):
        if right <= 6:
            right -= 1
        rows = range(count - 1, -1, -1) if upwards else range(count)
        order.extend((r, c) for r in rows for c in (right, right - 1) if modules[r][c] is None)
        upwards = not upwards
    return order


def _as_int(cells: set[tuple[int, int]], count: int, column_major: bool = False) -> int:
    """The symbol integer with ``cells`` (row, column) set."""
    stride = count + 1
    bits = bytearray(b"0" * (count * stride))
    for r, c in cells:
        bits[(c * stride + r) if column_major else (r * stride + c)] = ord("1")
    return int(bits, 2)


@lru_cache(maxsize=40)
def _grid(version: int) -> _Grid:
    count = version * 4 + 17
    stride = count + 1
    scoring = _function_modules(version, 0, scoring=True)
    order = _placement_order(scoring)
    blank = len(order)  # index of a '0' after the padded data bits
    position = {cell: i for i, cell in enumerate(order)}
    row_major = [position.get((i // stride, i % stride), blank) if i % stride < count else blank
                 for i in range(count * stride)]
    column_major = [position.get((i % stride, i // stride), blank) if i % stride < count
                    else blank for i in range(count * stride)]
    modules = int(("1" * count + "0") * count, 2)
    dark = {(r, c) for r, row in enumerate(scoring) for c, cell in enumerate(row) if cell}
    masks = []
    for pattern in range(8):
        inverts = util.mask_func(pattern)
        cells = {(r, c) for r, c in order if inverts(r, c)}
        masks.append((_as_int(cells, count), _as_int(cells, count, column_major=True)))
    function = tuple(
        _as_int({(r, c) for r, row in enumerate(_function_modules(version, pattern, False))
                 for c, cell in enumerate(row) if cell}, count) for pattern in range(8))
    return _Grid(version, count, len(order), itemgetter(*row_major), itemgetter(*column_major),
                 modules, (_as_int(dark, count), _as_int(dark, count, column_major=True)),
                 tuple(masks), function)


# --- the data codewords -----------------------------------------------------------------------

_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _power in range(255):
    _EXP[_power] = _EXP[_power + 255] = _value
    _LOG[_value] = _power
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D  # x^8 + x^4 + x^3 + x^2 + 1, the field of ISO/IEC 18004
del _value, _power


@lru_cache(maxsize=32)
def _products(degree: int) -> tuple[int, ...]:
    """For each byte f, f times the Reed-Solomon generator (x - a^0)...(x - a^(degree-1))
    without its leading term, as one integer of ``degree`` bytes: one step of the division."""
    generator = [1]
    for i in range(degree):
        generator = [a ^ (_EXP[_LOG[b] + i] if b else 0)
                     for a, b in zip([*generator, 0], [0, *generator], strict=True)]
    logs = [_LOG[c] for c in generator[1:]]  # no coefficient of the generator is zero
    return (0, *(int.from_bytes(bytes(_EXP[_LOG[f] + g] for g in logs), "big")
                 for f in range(1, 256)))


def _error_correction(data: bytes, degree: int) -> bytes:
    """The remainder of ``data`` times x^degree divided by the generator (systematic code)."""
    products = _products(degree)
    top, keep = 8 * (degree - 1), (1 << 8 * degree) - 1
    remainder = 0
    for byte in data:
        remainder = (remainder << 8 & keep) ^ products[(remainder >> top) ^ byte]
    return remainder.to_bytes(degree, "big")


def _segment(data: bytes) -> tuple[int, int, int]:
    """The mode, and the data in that mode as (bits, how many bits), as ``qrcode`` chooses it
    for ``add_data(data, optimize=0)``: bytes, unless the data is all digits or all of the
    alphanumeric set."""
    segment = util.QRData(data)
    if segment.mode == util.MODE_8BIT_BYTE:
        return segment.mode, int.from_bytes(data, "big"), 8 * len(data)
    buffer = util.BitBuffer()
    segment.write(buffer)
    spare = 8 * len(buffer.buffer) - len(buffer)
    return segment.mode, int.from_bytes(bytes(buffer.buffer), "big") >> spare, len(buffer)


def _codewords(data: bytes) -> tuple[int, list[int]]:
    """The smallest version that holds ``data`` at level M, and its codewords in the order they
    are placed: data blocks then error correction blocks, interleaved."""
    mode, payload, payload_bits = _segment(data)
    limits = util.BIT_LIMIT_TABLE[ERROR_CORRECT_M]
    for version in range(1, 41):
        length_bits = util.length_in_bits(mode, version)
        if 4 + length_bits + payload_bits <= limits[version]:
            break
    else:
        raise DataOverflowError()
    bits = ((mode << length_bits | len(data)) << payload_bits) | payload
    used, limit = 4 + length_bits + payload_bits, limits[version]
    terminator = min(limit - used, 4)  # up to four 0 bits, then 0 bits to a whole byte
    terminator += -(used + terminator) % 8
    bits <<= terminator
    used += terminator
    padding = bytes((0xEC, 0x11)[i % 2] for i in range((limit - used) // 8))
    stream = (bits.to_bytes(used // 8, "big") if used else b"") + padding
    blocks, errors, offset = [], [], 0
    for block in rs_blocks(version, ERROR_CORRECT_M):
        chunk = stream[offset:offset + block.data_count]
        offset += block.data_count
        blocks.append(chunk)
        errors.append(_error_correction(chunk, block.total_count - block.data_count))
    return version, _interleave(blocks) + _interleave(errors)


def _interleave(blocks: list[bytes]) -> list[int]:
    longest = max(len(block) for block in blocks)
    return [block[i] for i in range(longest) for block in blocks if i < len(block)]


# --- mask selection ---------------------------------------------------------------------------
# ISO/IEC 18004 asks for the mask whose symbol scores the lowest penalty, scored with the format
# modules light. The rules, as qrcode applies them, on the row-major and column-major integers:
# N1 runs of 5 or more modules of one colour, N2 2x2 blocks of one colour, N3 the finder-like
# 1:1:3:1:1 pattern with 4 light modules on one side, N4 the share of dark modules.

_FINDER_LIKE = ("10111010000", "00001011101")


def _line_penalty(symbol: int, modules: int) -> int:
    """N1 and N3 along the lines of ``symbol`` (rows, or columns when column-major)."""
    colours = (symbol, ~symbol & modules)
    shifted = [[colour << k for k in range(11)] for colour in colours]
    score = 0
    for same in shifted:  # N1: a run of n >= 5 scores n - 2 = (n - 4 windows of 5) + 2
        fives = same[0] & same[1] & same[2] & same[3] & same[4]
        score += fives.bit_count() + 2 * (fives & ~(fives >> 1)).bit_count()
    dark, light = shifted
    for pattern in _FINDER_LIKE:  # N3
        found = -1
        for k, module in enumerate(pattern):
            found &= dark[k] if module == "1" else light[k]
        score += 40 * found.bit_count()
    return score


def _penalty(rows: int, columns: int, grid: _Grid) -> int:
    stride, modules = grid.stride, grid.modules
    score = _line_penalty(rows, modules) + _line_penalty(columns, modules)
    for same in (rows, ~rows & modules):  # N2
        score += 3 * (same & same << 1 & same << stride & same << (stride + 1)).bit_count()
    dark_share = rows.bit_count() / grid.count**2  # N4, in qrcode's arithmetic
    return score + 10 * int(abs(dark_share * 100 - 50) / 5)


def symbol(url: str) -> Symbol:
    """The smallest regular QR symbol for ``url`` at level M, with the mask of least penalty
    and its format information written whichever mask wins, mask 0 included."""
    version, codewords = _codewords(url.encode("utf-8"))
    grid = _grid(version)
    bits = "".join(map("{:08b}".format, codewords)).ljust(grid.capacity + 1, "0")
    rows = int("".join(grid.to_rows(bits)), 2)
    columns = int("".join(grid.to_columns(bits)), 2)
    scored_rows, scored_columns = grid.scored_function
    scores = [_penalty(rows ^ mask_rows | scored_rows, columns ^ mask_columns | scored_columns, grid)
              for mask_rows, mask_columns in grid.masks]
    mask = scores.index(min(scores))
    placed = format(rows ^ grid.masks[mask][0] | grid.function[mask], f"0{grid.count * grid.stride}b")
    return Symbol(version, mask, tuple(placed[r * grid.stride:r * grid.stride + grid.count]
                                       for r in range(grid.count)), tuple(codewords))


def make_code(url: str) -> qrcode.QRCode:
    """``symbol(url)`` as a ``qrcode.QRCode`` (4-module quiet zone), for code that draws from
    its matrix (``get_matrix()``)."""
    drawn = symbol(url)
    code = qrcode.QRCode(version=drawn.version, error_correction=ERROR_CORRECT_M,
                         border=QUIET_ZONE_MODULES, box_size=PNG_MODULE_PIXELS,
                         mask_pattern=drawn.mask)
    code.add_data(url.encode("utf-8"), optimize=0)
    code.modules_count = len(drawn.rows)
    code.modules = [[module == "1" for module in row] for row in drawn.rows]
    code.data_cache = list(drawn.codewords)  # made: get_matrix() places nothing again
    return code


def printed_without_format_information(url: str) -> bool:
    """Whether a code for ``url`` made before drawing version 3 lacked its format information.

    Those codes were the ones whose best mask is 0: the symbol kept the mask-scoring placement,
    whose format modules are light. Many readers (zbar among them) cannot read them, so their
    stamps must be printed again (README, "Stamps")."""
    return symbol(url).mask == 0


# --- drawing ----------------------------------------------------------------------------------

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


def qr_svg(drawn: Symbol, title: str) -> bytes:
    """The code as one SVG path, a rectangle per run of dark modules, in module units, with
    the quiet zone."""
    border = QUIET_ZONE_MODULES
    size = len(drawn.rows) + 2 * border
    runs = []
    for y, row in enumerate(drawn.rows, border):
        x = border
        for run in map(len, row.split("0")):  # runs of '1' between light modules
            if run:
                runs.append(f"M{x} {y}h{run}v1h-{run}z")
            x += run + 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
            f'width="{size * PNG_MODULE_PIXELS}" height="{size * PNG_MODULE_PIXELS}" '
            f'shape-rendering="crispEdges"><title>{escape(title)}</title>'
            f'<rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path fill="#000" d="{"".join(runs)}"/></svg>\n').encode()


def qr_png(drawn: Symbol) -> bytes:
    """The code as a 1-bit PNG of ``PNG_MODULE_PIXELS`` a module, with the quiet zone."""
    border = QUIET_ZONE_MODULES
    size = len(drawn.rows) + 2 * border
    light = "1" * size
    lines = [light] * border + ["1" * border + row.translate(_INVERT) + "1" * border
                                for row in drawn.rows] + [light] * border
    image = Image.frombytes("1", (size, size), _packed(lines))
    image = image.resize((size * PNG_MODULE_PIXELS,) * 2, Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # optimize: 2.5 times the time for 11 % fewer bytes
    return buffer.getvalue()


_INVERT = str.maketrans("01", "10")  # a '1' image pixel is white


def _packed(lines: list[str]) -> bytes:
    """1-bit rows, each padded to whole bytes, as ``Image.frombytes("1", ...)`` reads them."""
    width = len(lines[0])
    padded = width + (-width) % 8
    return b"".join(int(line.ljust(padded, "0"), 2).to_bytes(padded // 8, "big") for line in lines)


def _cache_key(url: str) -> str:
    return hashlib.sha256(f"{_VERSION}\n{url}".encode()).hexdigest()


def qr_svg_file(url: str, cache_dir: Path | None) -> bytes:
    """The SVG the site publishes for ``url``, from the cache when the same URL was drawn
    before."""
    cache = blob_cache(cache_dir, "qr")
    key = _cache_key(url) + ".svg"
    svg = cache.get(key)
    if svg is None:
        svg = qr_svg(symbol(url), url)
        cache.put(key, svg)
    return svg


def qr_png_file(url: str, cache_dir: Path | None) -> bytes:
    """The PNG for ``url`` (published before the site kept its codes as SVG only; a host that
    cannot redirect the old address still serves one), cached like the SVG."""
    cache = blob_cache(cache_dir, "qr")
    key = _cache_key(url) + ".png"
    png = cache.get(key)
    if png is None:
        png = qr_png(symbol(url))
        cache.put(key, png)
    return png


def qr_images(url: str, cache_dir: Path | None) -> QrImages:
    """Both images for ``url`` (``qr_svg_file`` and ``qr_png_file``)."""
    return QrImages(svg=qr_svg_file(url, cache_dir), png=qr_png_file(url, cache_dir))
