"""QR codes for traceability pages: SVG for the site, PNG where an old address still needs
one, cached by content hash; the printed stamps draw symbols of the same text (``symbol``).

The smallest symbol for an address: the text a code carries is the address with its host in
capitals (``code_text``: scheme and host are case-insensitive, RFC 3986 3.1 and 3.2.2, and
capitals are in the QR alphanumeric set; the scheme stays in small letters, which some phone
camera apps require), cut into the numeric, alphanumeric and byte segments that take the
fewest bits (``segments``, an exact dynamic program), in the smallest version that holds them.
The site's code is the smallest symbol at level L, given the most error correction that
symbol can carry (``symbol``); a stamp chooses its level for its printed size
(``paper/stamps.py``). Always a regular QR symbol (never Micro QR), with a 4-module quiet zone.

Symbols are computed here on whole rows held as integers: a catalog of 20,000 products draws
20,000 codes, and the pure-Python placement, error correction and mask scoring of the ``qrcode``
library took 3 ms a code, ten times what this takes (``bench/assets.py``). The tests compare
every symbol with Nayuki's reference encoder given the same segments, module by module. Since
drawing version 3 every code carries its format information, mask 0 included (manual/producers.md,
"Reprint stamps"); codes drawn before version 5 carried the whole address as bytes at level M
(``legacy_symbol``).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
from PIL import Image
from qrcode import util
from qrcode.base import rs_blocks
from qrcode.exceptions import DataOverflowError

from site_builder.assets.blob_cache import blob_cache

QUIET_ZONE_MODULES = 4
# The masks a stamp's code chooses from when its module is about 0.34 mm (paper/stamps.py): on
# the sample's 12 x 14.5 mm stamps (0.34 mm modules, 2.7 camera pixels a module), zbar read
# every code drawn with mask 5 or 6 after the print simulation at 8 and at 7 camera pixels a mm,
# while each other mask missed 1 to 12 of 36 at one of them or both (bench/stamp_masks.py);
# zxing-cpp read all.
# Masks 5 and 6 change colour least often between neighbouring modules, which a blurred
# camera pixel twice the size of a module keeps best.
SMALL_MODULE_MASKS = (5, 6)
# The masks a version-2 stamp code chooses from under 0.45 mm (paper/stamps.py): each code of
# the sample drawn with each mask, placed at random on the printer's grid and photographed
# (bench/stamp_masks.py --placements), OpenCV read masks 2 and 6 most often at every grid
# measured (0.34, 0.375, 0.38 and 0.42 mm) and mask 3 least; zbar and zxing-cpp read them as
# well as any. Versions 3 and 4 at 0.42 mm read alike with every mask (OpenCV 316-334 of 360).
VERSION_2_SMALL_MASKS = (2, 6)
MASKS = tuple(range(8))
PNG_MODULE_PIXELS = 8
# Bump when the drawing changes, so cached codes are redrawn. 3: codes that took mask 0 lacked
# their format information before (manual/producers.md, "Reprint stamps ..."). 4: the PNG is
# compressed at zlib's default level (same pixels, other bytes). 5: the smallest symbol (host
# in capitals, optimal segments, level chosen for the symbol) instead of bytes at level M.
# 6: the SVG's runs as strokes along their rows (same modules, half the bytes).
_VERSION = "6"


class Level(IntEnum):
    """Error correction, from least to most; the value is the level's format-information field
    (ISO/IEC 18004 table 12), as ``qrcode`` numbers them."""

    L = 1  # about 7 % of codewords can be restored
    M = 0  # 15 %
    Q = 3  # 25 %
    H = 2  # 30 %

    @property
    def rank(self) -> int:
        return LEVELS.index(self)


LEVELS = (Level.L, Level.M, Level.Q, Level.H)


@dataclass(frozen=True)
class QrImages:
    svg: bytes
    png: bytes


@dataclass(frozen=True)
class Symbol:
    """A QR symbol without its quiet zone: each row as a string of '1' (dark) and '0'."""

    version: int
    level: Level
    mask: int
    rows: tuple[str, ...]
    codewords: tuple[int, ...]  # data then error correction, in placement order
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.segments)

    def matrix(self, border: int = QUIET_ZONE_MODULES) -> list[list[bool]]:
        """The modules, True where dark, with ``border`` light modules on every side."""
        side = len(self.rows) + 2 * border
        light = [False] * side
        return ([light[:] for _ in range(border)]
                + [[False] * border + [m == "1" for m in row] + [False] * border
                   for row in self.rows]
                + [light[:] for _ in range(border)])


# --- the text and its segments ----------------------------------------------------------------

NUMERIC, ALPHANUMERIC, BYTE = "numeric", "alphanumeric", "byte"
_MODE_INDICATOR = {NUMERIC: util.MODE_NUMBER, ALPHANUMERIC: util.MODE_ALPHA_NUM,
                   BYTE: util.MODE_8BIT_BYTE}
_ALPHANUMERIC_SET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALPHANUMERIC_VALUE = {char: value for value, char in enumerate(_ALPHANUMERIC_SET)}
# Count-indicator lengths for versions 1-9, 10-26 and 27-40 (ISO/IEC 18004 table 3).
_GROUPS = ((range(1, 10), {NUMERIC: 10, ALPHANUMERIC: 9, BYTE: 8}),
           (range(10, 27), {NUMERIC: 12, ALPHANUMERIC: 11, BYTE: 16}),
           (range(27, 41), {NUMERIC: 14, ALPHANUMERIC: 13, BYTE: 16}))
# A host that may be written in capitals: letters, digits, dots and hyphens, maybe a port.
_PLAIN_HOST = re.compile(r"(https?://)([a-z0-9.-]+(?::[0-9]+)?)(?=[/?#]|$)", re.ASCII)


def code_text(url: str) -> str:
    """The text a code carries for ``url``: the same address with its host in capitals, when
    the host is plain ASCII (an internationalised or unusual host is left as it is). Every
    browser opens the same page (the WHATWG URL parser lowers the host); GS1 Digital Link
    parsers accept it (GS1's Syntax Engine, biip). The scheme stays in small letters: some
    camera apps open only 'http(s)://' written so."""
    match = _PLAIN_HOST.match(url)
    if match is None:
        return url
    return match.group(1) + match.group(2).upper() + url[match.end():]


@dataclass(frozen=True)
class Segment:
    """A run of the text in one mode."""

    mode: str
    text: str

    @property
    def count(self) -> int:
        """The number the count indicator holds: characters, or bytes in byte mode."""
        return len(self.text.encode("utf-8")) if self.mode == BYTE else len(self.text)

    def data(self) -> tuple[int, int]:
        """The segment's data bits after its count indicator, as (bits, how many)."""
        if self.mode == BYTE:
            raw = self.text.encode("utf-8")
            return int.from_bytes(raw, "big"), 8 * len(raw)
        value, length = 0, 0
        if self.mode == NUMERIC:
            for i in range(0, len(self.text), 3):
                group = self.text[i:i + 3]
                width = (4, 7, 10)[len(group) - 1]
                value, length = value << width | int(group), length + width
        else:
            for i in range(0, len(self.text), 2):
                pair = [_ALPHANUMERIC_VALUE[c] for c in self.text[i:i + 2]]
                width = 11 if len(pair) == 2 else 6
                number = pair[0] * 45 + pair[1] if len(pair) == 2 else pair[0]
                value, length = value << width | number, length + width
        return value, length


def _char_cost(mode: str, char: str, phase: int) -> int:
    """Bits that ``char`` adds to a segment of ``mode`` already holding ``phase`` characters
    past its last complete group (numeric groups of 3 digits take 10 bits: 4, then 3 and 3;
    alphanumeric pairs take 11: 6 then 5)."""
    if mode == NUMERIC:
        return 4 if phase == 0 else 3
    if mode == ALPHANUMERIC:
        return 6 if phase == 0 else 5
    return 8 * len(char.encode("utf-8"))


_PHASES = {NUMERIC: 3, ALPHANUMERIC: 2, BYTE: 1}
_STATES = tuple((mode, phase) for mode, phases in _PHASES.items() for phase in range(phases))


_State = tuple[str, int]
# cost[state] after some characters, and for each character the state each state came from
# (None: a new segment began there).
_Trail = tuple[dict[_State, tuple[_State | None, bool]], ...]


def _advance(text: str, count_bits: dict[str, int], cost: dict[_State, int],
             trail: _Trail) -> tuple[dict[_State, int], _Trail]:
    """The dynamic program of ``segments`` carried over ``text`` from ``cost`` and ``trail``
    (the state after the characters before it)."""
    steps = list(trail)
    for char in text:
        allowed = ((NUMERIC,) * char.isdigit() + (ALPHANUMERIC,) * (char in _ALPHANUMERIC_VALUE)
                   + (BYTE,))
        best_before = min(cost.values()) if cost else 0
        best_state = min(cost, key=cost.__getitem__) if cost else None
        step: dict[_State, int] = {}
        came: dict[_State, tuple[_State | None, bool]] = {}
        for mode in allowed:
            phases = _PHASES[mode]
            start = best_before + 4 + count_bits[mode] + _char_cost(mode, char, 0)
            step[(mode, 1 % phases)], came[(mode, 1 % phases)] = start, (best_state, True)
            for phase in range(phases):
                before = cost.get((mode, phase))
                if before is None:
                    continue
                state = (mode, (phase + 1) % phases)
                total = before + _char_cost(mode, char, phase)
                if state not in step or total < step[state]:
                    step[state], came[state] = total, ((mode, phase), False)
        cost = step
        steps.append(came)
    return cost, tuple(steps)


@lru_cache(maxsize=64)
def _after_prefix(prefix: str, group: int) -> tuple[dict[_State, int], _Trail]:
    """The program's state after ``prefix``: every code of a site begins with the same
    address up to the '/' before its last part (the host and '/01/', or '/p/' for a product
    without a GTIN), so only what follows is worked out per code. Read only: ``_advance``
    makes new ones."""
    return _advance(prefix, _GROUPS[group][1], {}, ())


def segments(text: str, count_bits: dict[str, int],
             start: tuple[dict[_State, int], _Trail] = ({}, ())) -> tuple[tuple[Segment, ...], int]:
    """The segments of ``text`` that take the fewest bits, headers included, with these
    count-indicator lengths, and that number of bits; ``start``: the program's state after
    the first characters of ``text`` (``_after_prefix``), which are then not worked out again.

    An exact dynamic program over the characters: a state is the mode of the segment the
    character ends and how far into a group of digits (3) or characters (2) it is, so each
    step's cost is exact; a new segment costs its mode indicator and count indicator."""
    if not text:
        return (), 0
    cost, trail = _advance(text[len(start[1]):], count_bits, *start)
    end = min(cost, key=cost.__getitem__)
    bits = cost[end]
    runs: list[Segment] = []
    state: _State | None = end
    stop = len(text)
    for i in range(len(text) - 1, -1, -1):
        assert state is not None
        previous, new_segment = trail[i][state]
        if new_segment:
            runs.append(Segment(state[0], text[i:stop]))
            stop = i
        state = previous
    return tuple(reversed(runs)), bits


def capacity_bits(version: int, level: Level) -> int:
    return util.BIT_LIMIT_TABLE[level][version]


@lru_cache(maxsize=4096)
def _segments_in(text: str, group: int) -> tuple[tuple[Segment, ...], int]:
    """``segments`` with the count-indicator lengths of a group of versions, once per text."""
    # The last part of '.../p/sp-001/' is 'sp-001/': cut at the '/' before a final one.
    prefix = text[:text.rfind("/", 0, len(text) - 1) + 1]
    return segments(text, _GROUPS[group][1], _after_prefix(prefix, group) if prefix else ({}, ()))


@lru_cache(maxsize=4096)
def fit(text: str, level: Level) -> tuple[int, tuple[Segment, ...]]:
    """The smallest version that holds ``text`` at ``level``, and its segments."""
    for group, (versions, _) in enumerate(_GROUPS):
        parts, bits = _segments_in(text, group)
        for version in versions:
            if bits <= capacity_bits(version, level):
                return version, parts
    raise DataOverflowError()


@lru_cache(maxsize=160)
def correctable_codewords(version: int, level: Level) -> int:
    """How many wrong codewords a symbol can restore: half its error correction codewords."""
    return sum((block.total_count - block.data_count) // 2 for block in rs_blocks(version, int(level)))


def smallest_symbols(url: str) -> dict[Level, int]:
    """For each level, the smallest version that holds the code text of ``url``."""
    text = code_text(url)
    versions = {}
    for level in LEVELS:
        try:
            versions[level] = fit(text, level)[0]
        except DataOverflowError:
            break
    return versions


# --- the grid of one version ------------------------------------------------------------------
# A symbol is held as one integer, row after row, the first module in the highest bit, each row
# followed by a gap bit that is set neither in the dark image (the integer) nor in the light one
# (its complement within ``_Grid.modules``), so no run or pattern is counted across two rows.
# The same symbol read column after column is a second integer.


@dataclass(frozen=True)
class _Grid:
    """What is fixed for every symbol of one version."""

    version: int
    count: int  # modules across
    capacity: int  # data modules, in placement order
    to_rows: itemgetter  # data bits ('0'/'1', padded) -> the row-major string
    to_columns: itemgetter  # the same, column-major
    modules: int  # 1 at every module, 0 at the gaps
    scored_function: tuple[int, int]  # dark function modules as masks are scored: rows, columns
    masks: tuple[tuple[int, int], ...]  # per mask, the data modules it inverts: rows, columns

    @property
    def stride(self) -> int:
        return self.count + 1


def _function_modules(version: int, level: Level, mask: int,
                      scoring: bool) -> list[list[bool | None]]:
    """The function patterns as ``qrcode`` lays them out, None where data goes. ``scoring``:
    format and version information left light, as ISO/IEC 18004 scores the masks."""
    probe = qrcode.QRCode(version=version, error_correction=int(level))
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
    scoring = _function_modules(version, Level.M, 0, scoring=True)
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
    return _Grid(version, count, len(order), itemgetter(*row_major), itemgetter(*column_major),
                 modules, (_as_int(dark, count), _as_int(dark, count, column_major=True)),
                 tuple(masks))


@lru_cache(maxsize=160)
def _function(version: int, level: Level) -> tuple[int, ...]:
    """Per mask, the dark function modules with the format information of ``level`` (rows)."""
    count = version * 4 + 17
    return tuple(
        _as_int({(r, c) for r, row in enumerate(_function_modules(version, level, pattern, False))
                 for c, cell in enumerate(row) if cell}, count) for pattern in range(8))


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


def _codewords(parts: tuple[Segment, ...], version: int, level: Level) -> list[int]:
    """The codewords of ``parts`` in ``version`` at ``level``, in the order they are placed:
    data blocks then error correction blocks, interleaved."""
    count_bits = next(bits for versions, bits in _GROUPS if version in versions)
    bits, used = 0, 0
    for part in parts:
        payload, payload_bits = part.data()
        width = count_bits[part.mode]
        bits = ((bits << 4 | _MODE_INDICATOR[part.mode]) << width | part.count) << payload_bits
        bits |= payload
        used += 4 + width + payload_bits
    limit = capacity_bits(version, level)
    if used > limit:
        raise DataOverflowError()
    terminator = min(limit - used, 4)  # up to four 0 bits, then 0 bits to a whole byte
    terminator += -(used + terminator) % 8
    bits <<= terminator
    used += terminator
    padding = bytes((0xEC, 0x11)[i % 2] for i in range((limit - used) // 8))
    stream = (bits.to_bytes(used // 8, "big") if used else b"") + padding
    blocks, errors, offset = [], [], 0
    for block in rs_blocks(version, int(level)):
        chunk = stream[offset:offset + block.data_count]
        offset += block.data_count
        blocks.append(chunk)
        errors.append(_error_correction(chunk, block.total_count - block.data_count))
    return _interleave(blocks) + _interleave(errors)


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


def _draw(parts: tuple[Segment, ...], version: int, level: Level,
          masks: tuple[int, ...] = MASKS) -> Symbol:
    """The symbol of ``parts`` in ``version`` at ``level``, with the mask of least penalty
    among ``masks`` (all eight: ISO/IEC 18004's choice) and its format information written
    whichever mask wins, mask 0 included."""
    codewords = _codewords(parts, version, level)
    grid = _grid(version)
    bits = "".join(map("{:08b}".format, codewords)).ljust(grid.capacity + 1, "0")
    rows = int("".join(grid.to_rows(bits)), 2)
    columns = int("".join(grid.to_columns(bits)), 2)
    scored_rows, scored_columns = grid.scored_function
    scores = [_penalty(rows ^ mask_rows | scored_rows, columns ^ mask_columns | scored_columns, grid)
              for mask_rows, mask_columns in grid.masks]
    mask = min(masks, key=lambda pattern: (scores[pattern], pattern))
    placed = format(rows ^ grid.masks[mask][0] | _function(version, level)[mask],
                    f"0{grid.count * grid.stride}b")
    return Symbol(version, level, mask, tuple(placed[r * grid.stride:r * grid.stride + grid.count]
                                              for r in range(grid.count)),
                  tuple(codewords), parts)


def symbol(url: str, level: Level | None = None, version: int | None = None,
           masks: tuple[int, ...] = MASKS) -> Symbol:
    """The code for ``url``: its text in the fewest bits (``code_text``, ``segments``).

    With no level, the site's code: the smallest symbol at level L, raised to the highest
    level that holds the text in the same version (more correction at no cost in size). With
    a level, the smallest version that holds the text at that level, or ``version`` (larger).
    ``masks``: the mask patterns to choose from by the standard's penalty (a small stamp's code
    takes one of ``SMALL_MODULE_MASKS``)."""
    text = code_text(url)
    if level is None:
        smallest, _ = fit(text, Level.L)
        level = max((lv for lv, v in smallest_symbols(url).items() if v == smallest),
                    key=lambda lv: lv.rank)
    fitted, parts = fit(text, level)
    if version is not None and version != fitted:
        if version < fitted:
            raise DataOverflowError()
        parts = _segments_in(text, next(group for group, (versions, _) in enumerate(_GROUPS)
                                        if version in versions))[0]
    return _draw(parts, version or fitted, level, masks)


def false_finders(drawn: Symbol) -> int:
    """How many modules outside the three finder patterns are the centre of a finder's
    signature, dark-light-dark dark dark-light-dark (1:1:3:1:1) along both their row and their
    column: what a detector takes for a fourth finder pattern. The standard's penalty counts the
    pattern along rows and columns apart, only beside 4 light modules (``_FINDER_LIKE``)."""
    rows = drawn.rows
    count = len(rows)
    columns = ["".join(row[c] for row in rows) for c in range(count)]

    def centres(line: str) -> set[int]:
        return {match.start() + 3 for match in _SIGNATURE.finditer(line)}

    across = {(r, c) for r, row in enumerate(rows) for c in centres(row)}
    down = {(r, c) for c, column in enumerate(columns) for r in centres(column)}
    return sum(1 for r, c in across & down
               if not ((r < 7 or r >= count - 7) and c < 7 or r < 7 and c >= count - 7))


_SIGNATURE = re.compile(r"(?=1011101)")


def legacy_symbol(url: str) -> Symbol:
    """The code ocop drew for ``url`` before drawing version 5: the whole address in one
    segment (bytes, as it is never all digits nor capitals) at level M, the smallest version."""
    mode = (NUMERIC if url.isdigit() else
            ALPHANUMERIC if all(c in _ALPHANUMERIC_VALUE for c in url) else BYTE)
    parts = (Segment(mode, url),)
    count = len(url.encode("utf-8")) if mode == BYTE else len(url)
    payload_bits = parts[0].data()[1]
    for versions, count_bits in _GROUPS:
        for version in versions:
            if (4 + count_bits[mode] + payload_bits <= capacity_bits(version, Level.M)
                    and count < 1 << count_bits[mode]):
                return _draw(parts, version, Level.M)
    raise DataOverflowError()


def printed_without_format_information(url: str) -> bool:
    """Whether a code for ``url`` made before drawing version 3 lacked its format information.

    Those codes were the ones whose best mask is 0: the symbol kept the mask-scoring placement,
    whose format modules are light. Many readers (zbar among them) cannot read them, so their
    stamps must be printed again (manual/producers.md, "Stamps")."""
    return legacy_symbol(url).mask == 0


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
    """The code as one SVG path, in module units, with the quiet zone: each run of dark modules
    a horizontal stroke one module thick along the middle of its row (``M4 4.5h7m2 0h6``: the
    run from column 4 to 11, then one from 13 to 19), which paints the same modules as a
    rectangle per run in half the bytes (3.4 -> 1.6 KB a product's code)."""
    border = QUIET_ZONE_MODULES
    size = len(drawn.rows) + 2 * border
    rows = []
    for y, row in enumerate(drawn.rows, border):
        x, end, strokes = border, None, []
        for run in map(len, row.split("0")):  # runs of '1' between light modules
            if run:
                strokes.append(f"M{x} {y}.5h{run}" if end is None else f"m{x - end} 0h{run}")
                end = x + run
            x += run + 1
        rows.append("".join(strokes))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
            f'width="{size * PNG_MODULE_PIXELS}" height="{size * PNG_MODULE_PIXELS}" '
            f'shape-rendering="crispEdges"><title>{escape(title)}</title>'
            f'<rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path fill="none" stroke="#000" d="{"".join(rows)}"/></svg>\n').encode()


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


@lru_cache(maxsize=4)
def _site_symbol(url: str) -> Symbol:
    """The site's code for ``url`` (``symbol``), the last few kept: a product's SVG and PNG
    (on a host that serves both) are drawn from one symbol."""
    return symbol(url)


def _cache_key(url: str) -> str:
    return hashlib.sha256(f"{_VERSION}\n{url}".encode()).hexdigest()


def qr_svg_file(url: str, cache_dir: Path | None) -> bytes:
    """The SVG the site publishes for ``url``, from the cache when the same URL was drawn
    before."""
    cache = blob_cache(cache_dir, "qr")
    key = _cache_key(url) + ".svg"
    svg = cache.get(key)
    if svg is None:
        svg = qr_svg(_site_symbol(url), url)
        cache.put(key, svg)
    return svg


def qr_png_file(url: str, cache_dir: Path | None) -> bytes:
    """The PNG for ``url`` (published before the site kept its codes as SVG only; a host that
    cannot redirect the old address still serves one), cached like the SVG."""
    cache = blob_cache(cache_dir, "qr")
    key = _cache_key(url) + ".png"
    png = cache.get(key)
    if png is None:
        png = qr_png(_site_symbol(url))
        cache.put(key, png)
    return png


def qr_images(url: str, cache_dir: Path | None) -> QrImages:
    """Both images for ``url`` (``qr_svg_file`` and ``qr_png_file``)."""
    return QrImages(svg=qr_svg_file(url, cache_dir), png=qr_png_file(url, cache_dir))
