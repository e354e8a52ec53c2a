"""QR codes: the smallest symbol for each address (its text in the fewest bits, checked against
every way of cutting short texts into segments), module for module the symbol of an independent
reference encoder (Nayuki's qrcodegen) given the same segments, GS1 Digital Link addresses still
valid (biip), and every sample stamp read by two independent decoders (zbar and zxing-cpp)
after print and phone capture.

Stamps an earlier ocop printed (the whole address as bytes at level M) are still worked out
exactly (``legacy_symbol``, compared with the ``qrcode`` library): those whose best mask was 0
lacked their format information; zbar read none of them, zxing guessed them.
"""

from __future__ import annotations

import io
import itertools
import os
import random
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import qrcode
import zxingcpp
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from PIL import Image, ImageFilter
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M
from qrcodegen import QrCode, QrSegment
from support.sites import AS_OF, REPO

from site_builder.assets import qr
from site_builder.assets.qr import (
    LEVELS,
    Level,
    code_text,
    legacy_symbol,
    printed_without_format_information,
    qr_png_file,
    qr_svg_file,
    segments,
    symbol,
)
from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.domain.gtin import check_digit
from site_builder.paper.stamp_files import stamp_png
from site_builder.paper.stamp_kit import plan_jobs
from site_builder.paper.stamps import layout
from site_builder.records.validate import load_catalog

# The sample mkdocs.yml's domain, with which the sample stamps were made (and reviewed).
SAMPLE_SITE_URL = "https://ocop.example.org/"
# Sample stamps whose code takes mask 0: printed before the fix, they lacked format information.
SAMPLE_MASK_ZERO = {"lua-tan-chau": "https://ocop.example.org/p/lua-tan-chau/",
                    "sau-rieng-long-khanh": "https://ocop.example.org/01/08936058120099"}

DOMAINS = ("https://ocop.khanhhoa.gov.vn", "https://example.com", "https://ocop.example.org",
           "https://truyxuat.angiang.gov.vn", "https://htxnhonson.vn", "https://a.vn",
           "https://www.example.net", "https://san-pham-ocop-tinh-dong-nai.example")
PRODUCT_IDS = sorted(p.name for p in (REPO / "products").iterdir() if p.is_dir())
LOTS = ("B2610", "L7", "LO-2026-071", "HTX.NS-20260715-A", "2611", "MH/24/0917")


def gtin(rng: random.Random) -> str:
    body = f"0893{rng.randrange(10**9):09d}"
    return body + str(check_digit(body))


def yymmdd(rng: random.Random) -> str:
    return f"{rng.randint(25, 29)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def address(rng: random.Random) -> str:
    """A traceability address as producers print them: GS1 Digital Link with lot and dates,
    or the short /p/<id>/ address, on short and long domains."""
    domain, lot = rng.choice(DOMAINS), rng.choice(LOTS) + str(rng.randint(0, 99))
    kind = rng.randrange(6)
    if kind == 0:
        return f"{domain}/01/{gtin(rng)}"
    if kind == 1:
        return f"{domain}/01/{gtin(rng)}/10/{lot}"
    if kind == 2:
        return f"{domain}/01/{gtin(rng)}/10/{lot}?17={yymmdd(rng)}"
    if kind == 3:
        return f"{domain}/01/{gtin(rng)}?17={yymmdd(rng)}&10={lot}&11={yymmdd(rng)}"
    if kind == 4:
        return f"{domain}/p/{rng.choice(PRODUCT_IDS)}/"
    return f"{domain}/p/{rng.choice(PRODUCT_IDS)}-{rng.randint(2, 9)}/{lot}/"


# --- the smallest symbol ------------------------------------------------------------------------

def brute_force_bits(text: str, count_bits: dict[str, int]) -> int:
    """The fewest bits of any cutting of ``text`` into segments: every cut, every mode."""
    best = None
    for cuts in itertools.product((False, True), repeat=len(text) - 1):
        pieces, start = [], 0
        for i, cut in enumerate(cuts, 1):
            if cut:
                pieces.append(text[start:i])
                start = i
        pieces.append(text[start:])
        total = 0
        for piece in pieces:
            options = [qr.Segment(qr.BYTE, piece)]
            if piece.isdigit():
                options.append(qr.Segment(qr.NUMERIC, piece))
            if all(c in qr._ALPHANUMERIC_SET for c in piece):
                options.append(qr.Segment(qr.ALPHANUMERIC, piece))
            total += min(4 + count_bits[o.mode] + o.data()[1] for o in options)
        best = total if best is None else min(best, total)
    return best


def test_segments_take_the_fewest_bits_of_any_cutting():
    rng = random.Random(18004)
    alphabet = "0123456789AZ/.:-ab?=ư"
    for count_bits in (qr._GROUPS[0][1], qr._GROUPS[1][1]):
        for _ in range(150):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9)))
            parts, bits = segments(text, count_bits)
            assert "".join(p.text for p in parts) == text
            assert bits == sum(4 + count_bits[p.mode] + p.data()[1] for p in parts)
            assert bits == brute_force_bits(text, count_bits), text


def test_codes_worked_out_after_a_shared_prefix_are_those_worked_out_whole():
    """A site's codes share the address up to the '/' before their last part (the host and
    '/01/' or '/p/'), worked out once: the segments are those of the whole text worked out
    from nothing, a final '/' or none, a GTIN or a product id."""
    texts = [code_text(f"{domain}/{path}") for domain in DOMAINS for path in (
        "p/sp-00042/", "p/banh-pia-soc-trang/", "01/08931234567895", "01/08931234567895/",
        "01/08931234567895/10/LO-2026.03", "p/", "x")]
    for text in texts:
        for group, (_, count_bits) in enumerate(qr._GROUPS):
            assert qr._segments_in(text, group) == segments(text, count_bits), text


def test_the_host_is_written_in_capitals_and_nothing_else_changes():
    assert code_text("https://ocop.example.org/01/08936058120082/10/b2610?17=261231") == \
        "https://OCOP.EXAMPLE.ORG/01/08936058120082/10/b2610?17=261231"
    assert code_text("http://x-y.example.com:8080/p/a/") == "http://X-Y.EXAMPLE.COM:8080/p/a/"
    assert code_text("https://ocop.example.org") == "https://OCOP.EXAMPLE.ORG"
    for unusual in ("https://bếntre.vn/p/a/", "https://user@a.vn/p/", "ftp://a.vn/x"):
        assert code_text(unusual) == unusual
    rng = random.Random(1)
    for _ in range(200):
        url = address(rng)
        text, parts = urlsplit(code_text(url)), urlsplit(url)
        assert (text.scheme, text.netloc.lower(), text.path, text.query) == \
            (parts.scheme, parts.netloc, parts.path, parts.query)


ECC = {Level.L: QrCode.Ecc.LOW, Level.M: QrCode.Ecc.MEDIUM, Level.Q: QrCode.Ecc.QUARTILE,
       Level.H: QrCode.Ecc.HIGH}


def reference_segments(drawn: qr.Symbol) -> list[QrSegment]:
    make = {qr.NUMERIC: QrSegment.make_numeric, qr.ALPHANUMERIC: QrSegment.make_alphanumeric,
            qr.BYTE: lambda text: QrSegment.make_bytes(text.encode("utf-8"))}
    return [make[part.mode](part.text) for part in drawn.segments]


def rows_of(code: QrCode) -> tuple[str, ...]:
    size = code.get_size()
    return tuple("".join("1" if code.get_module(x, y) else "0" for x in range(size))
                 for y in range(size))


def test_every_symbol_is_the_reference_encoders_given_the_same_segments():
    """Nayuki's qrcodegen, given our segments and level, needs the same smallest version and,
    with our mask, draws the same modules; our mask is the one the ``qrcode`` library's ISO
    scoring picks for the same segments."""
    rng = random.Random(2026)
    modes = {qr.NUMERIC: util.MODE_NUMBER, qr.ALPHANUMERIC: util.MODE_ALPHA_NUM,
             qr.BYTE: util.MODE_8BIT_BYTE}
    urls = [address(rng) for _ in range(250)] + [
        f"https://ocop.khanhhoa.gov.vn/p/{'bưởi-tân-triều-'[:n % 15]}{'x' * n}/" for n in range(0, 300, 7)]
    versions, levels, masks = set(), set(), set()
    for n, url in enumerate(urls):
        for level in (None, *LEVELS):
            ours = symbol(url, level)
            theirs = QrCode.encode_segments(reference_segments(ours), ECC[ours.level], mask=ours.mask,
                                            boostecl=False)
            assert theirs.get_version() == ours.version, url
            assert rows_of(theirs) == ours.rows, url
            assert ours.text == code_text(url)
            versions.add(ours.version)
            levels.add(ours.level)
            masks.add(ours.mask)
        if n % 10 == 0:
            library = qrcode.QRCode(version=ours.version, error_correction=int(ours.level), border=0)
            for part in ours.segments:
                library.add_data(util.QRData(part.text.encode("utf-8"), mode=modes[part.mode],
                                             check_data=False))
            library.make(fit=False)
            assert ["".join("1" if m else "0" for m in row) for row in library.get_matrix()] == \
                list(ours.rows), url
    assert versions >= set(range(2, 15)) and levels == set(LEVELS) and masks == set(range(8))


def test_the_site_code_is_the_smallest_symbol_with_the_most_correction_it_can_carry():
    url = "https://ocop.example.org/01/08936058120082"
    smallest = qr.smallest_symbols(url)
    assert smallest[Level.L] == 2 and smallest[Level.M] == 3  # bytes at level M took version 3
    assert (symbol(url).version, symbol(url).level) == (2, Level.L)
    lot = "https://ocop.example.org/01/08936058120082/10/B2610"
    assert legacy_symbol(lot).version == 4 and symbol(lot).version == 3
    # the lot's version-3 symbol has room for level M
    assert symbol(lot).level == Level.M
    assert [(p.mode, p.text) for p in symbol(lot).segments] == [
        ("byte", "https"), ("alphanumeric", "://OCOP.EXAMPLE.ORG/01/"),
        ("numeric", "08936058120082"), ("alphanumeric", "/10/B2610")]


def test_gs1_digital_link_addresses_stay_valid_with_the_host_in_capitals(sample_jobs):
    """biip parses each sample GS1 address as the code carries it to the same element
    strings (GTIN, lot, dates) as the address itself."""
    sample = [job.url for job in sample_jobs if "/01/" in job.url]
    rng = random.Random(4)
    made = [url for url in (address(rng) for _ in range(80))
            if "/01/" in url and "/" not in url.partition("/10/")[2]]  # a '/' in a lot is no lot
    checked = 0
    for url in sample + made:
        plain = GS1DigitalLinkURI.parse(url).element_strings
        carried = GS1DigitalLinkURI.parse(code_text(url)).element_strings
        assert [(e.ai.ai, e.value) for e in carried] == [(e.ai.ai, e.value) for e in plain]
        checked += 1
    assert checked >= 40


# --- what an earlier ocop printed -----------------------------------------------------------------

def reference(url: str, mask: int | None) -> qrcode.QRCode:
    """The qrcode library's own symbol for the same bytes at level M (its mask choice when
    ``mask`` is None): the code an ocop before drawing version 5 printed."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, mask_pattern=mask)
    code.add_data(url.encode("utf-8"), optimize=0)
    code.make(fit=True)
    return code


def test_legacy_symbols_are_the_reference_librarys_format_information_included():
    rng = random.Random(2026)
    urls = [address(rng) for _ in range(400)]
    urls += ["HTTPS://OCOP.KHANHHOA.GOV.VN/01/08936058120099", "08936058120099", "8" * 300]
    masks: dict[int, int] = {}
    for n, url in enumerate(urls):
        ours = legacy_symbol(url)
        masks[ours.mask] = masks.get(ours.mask, 0) + 1
        expected = reference(url, ours.mask)
        assert (ours.version, ours.matrix()) == (expected.version, expected.get_matrix()), url
        if n % 10 == 0:  # and the mask is the one qrcode's own ISO scoring picks
            assert ours.matrix() == reference(url, None).get_matrix(), url
    assert sorted(masks) == list(range(8))


def svg_modules(svg: str) -> list[list[bool]]:
    """The modules an SVG of ``qr_svg`` paints dark, quiet zone included."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    matrix = [[False] * size for _ in range(size)]
    path = re.search(r'<path fill="none" stroke="#000" d="([^"]*)"/>', svg).group(1)
    x = y = 0
    for move, dx, dy, width in re.findall(r"([Mm])(\d+) (\d+)(?:\.5)?h(\d+)", path):
        x, y = (int(dx), int(dy)) if move == "M" else (x + int(dx), y + int(dy))
        for column in range(x, x + int(width)):
            assert not matrix[y][column], "two runs paint one module"
            matrix[y][column] = True
        x += int(width)
    assert re.fullmatch(r"(?:M\d+ \d+\.5h\d+(?:m\d+ 0h\d+)*)*", path), "a stroke off its row"
    return matrix


def test_the_site_publishes_the_symbol_as_svg_and_png(tmp_path):
    url = "https://ocop.khanhhoa.gov.vn/01/08936058120099?17=261231&10=L7"
    expected = symbol(url).matrix()
    svg = qr_svg_file(url, tmp_path).decode()
    assert svg_modules(svg) == expected
    size = len(expected) * qr.PNG_MODULE_PIXELS
    assert f'width="{size}" height="{size}"' in svg
    assert "<title>https://ocop.khanhhoa.gov.vn/01/08936058120099?17=261231&amp;10=L7</title>" in svg
    png = Image.open(io.BytesIO(qr_png_file(url, tmp_path)))
    assert png.size == (size, size)
    modules = png.convert("L").resize((len(expected),) * 2, Image.Resampling.NEAREST)
    assert [[modules.getpixel((x, y)) == 0 for x in range(len(expected))]
            for y in range(len(expected))] == expected
    assert [found.text for found in zxingcpp.read_barcodes(png.convert("L"))] == [code_text(url)]


def test_site_codes_come_from_the_cache_once_drawn(tmp_path, monkeypatch):
    url = "https://ocop.khanhhoa.gov.vn/p/mat-ong-tan-ninh/"
    svg, png = qr_svg_file(url, tmp_path), qr_png_file(url, tmp_path)

    def fail(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(qr, "symbol", fail)
    assert (qr_svg_file(url, tmp_path), qr_png_file(url, tmp_path)) == (svg, png)
    assert qr.qr_images(url, tmp_path) == qr.QrImages(svg=svg, png=png)


def format_bits(matrix: list[list[bool]]) -> tuple[int, int]:
    """The two copies of the 15 format bits (ISO/IEC 18004 7.9), read from a symbol with a
    four-module quiet zone, most significant bit first."""
    m = [row[4:-4] for row in matrix[4:-4]]
    size = len(m)
    around_finder = [m[8][c] for c in (0, 1, 2, 3, 4, 5, 7, 8)] + [m[r][8] for r in (7, 5, 4, 3, 2, 1, 0)]
    split = [m[r][8] for r in range(size - 1, size - 8, -1)] + [m[8][c] for c in range(size - 8, size)]
    return (int("".join("1" if b else "0" for b in around_finder), 2),
            int("".join("1" if b else "0" for b in split), 2))


@pytest.mark.parametrize("name", sorted(SAMPLE_MASK_ZERO))
def test_sample_codes_with_mask_0_carry_their_format_information(name):
    url = SAMPLE_MASK_ZERO[name]
    code = legacy_symbol(url)
    assert code.mask == 0 and printed_without_format_information(url)
    matrix = code.matrix()
    # Level M (00) and mask 000, BCH-coded and XORed with 101010000010010.
    assert format_bits(matrix) == (0b101010000010010, 0b101010000010010)
    size = len(matrix) - 8
    assert matrix[4 + size - 8][4 + 8]  # the dark module beside the lower-left finder


@pytest.mark.parametrize("level, field", [(Level.L, 0b01), (Level.M, 0b00), (Level.Q, 0b11),
                                          (Level.H, 0b10)])
def test_every_level_writes_its_own_format_information(level, field):
    drawn = symbol("https://a.vn/01/08936058120082", level)
    data = field << 3 | drawn.mask
    assert format_bits(drawn.matrix()) == (util.BCH_type_info(data),) * 2


def capture(png: bytes) -> Image.Image:
    """A 300 dpi print photographed by a phone: turned 3°, slightly out of focus, captured at
    60 % of the print's resolution and zoomed back, saved as a JPEG of quality 60."""
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.rotate(3, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    side = image.width
    image = image.resize((round(side * 0.6),) * 2, Image.Resampling.BILINEAR)
    image = image.resize((side, side), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=60)
    return Image.open(io.BytesIO(buffer.getvalue()))


def zbar_reads(image: Image.Image, folder: Path) -> list[str]:
    """What zbar reads (Debian's zbar-tools; a decoder many scanner apps are built on)."""
    path = folder / "capture.png"
    image.save(path)
    found = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                            str(path)], capture_output=True, text=True, check=False)
    return found.stdout.splitlines()


@pytest.fixture(scope="module")
def zbar() -> None:
    if shutil.which("zbarimg") is None:
        if os.environ.get("CI"):
            pytest.fail("zbarimg is missing in CI: .ci/run installs zbar-tools")
        pytest.skip("zbar is not installed (apt-get install zbar-tools; CI installs it)")


@pytest.fixture(scope="module")
def sample_jobs():
    config = SiteConfig(products_dir=REPO / "products", site_url=SAMPLE_SITE_URL, as_of=AS_OF,
                        draft=True)
    catalog, problems = load_catalog(config)
    assert not problems.errors
    return plan_jobs(catalog, config, [], None, [])


@pytest.mark.parametrize("size, dpi", [(20.0, 600), (15.0, 300)])
def test_every_sample_stamp_reads_in_zbar_and_zxing_after_print_and_capture(zbar, sample_jobs,
                                                                           tmp_path, size, dpi):
    assert len(sample_jobs) >= 30
    assert {job.name: job.url for job in sample_jobs
            if printed_without_format_information(job.url)} == SAMPLE_MASK_ZERO
    unread = []
    for job in sample_jobs:
        art = layout(job.url, job.stars, size, job.batch.lot if job.batch else None, dpi)
        photo = capture(stamp_png(art, dpi=300))
        by_zxing = [found.text for found in zxingcpp.read_barcodes(photo)]
        by_zbar = zbar_reads(photo, tmp_path)
        expected = [code_text(job.url)]
        if by_zxing != expected or by_zbar != expected:
            unread.append((job.name, by_zxing, by_zbar))
    assert unread == []


def test_stamps_reprint_lists_the_stamps_to_reprint(capsys):
    assert main(["-f", str(REPO / "mkdocs.yml"), "stamps", "--reprint", "--draft",
                 "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    listed = [line.split(": ", 1) for line in out.splitlines() if ": https://" in line]
    assert dict(listed) == SAMPLE_MASK_ZERO
    assert "2 trong 36 tem" in out and "must be reprinted" in out


def test_a_codes_svg_and_png_are_drawn_from_one_symbol(monkeypatch):
    """A host without a rule for '/qr/x.png' is given both images of a product's code: the
    symbol is worked out once for them, and they are those of the symbol worked out alone."""
    url = "https://ocop.example.org/p/one-symbol-for-both/"
    drawn: list[str] = []
    worked_out = qr.symbol

    def counted(address: str) -> qr.Symbol:
        drawn.append(address)
        return worked_out(address)

    monkeypatch.setattr(qr, "symbol", counted)
    svg, png = qr_svg_file(url, None), qr_png_file(url, None)
    assert drawn == [url]
    assert svg == qr.qr_svg(worked_out(url), url) and png == qr.qr_png(worked_out(url))
