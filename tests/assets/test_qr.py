"""QR codes: every symbol is the one the reference library draws, with its format information,
and every sample stamp is read by two independent decoders (zbar and zxing-cpp) after print and
phone capture.

Before the fix, a code whose best mask was 0 kept the mask-scoring placement, whose format
modules are light: zbar read none of those codes, zxing guessed them.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import qrcode
import zxingcpp
from conftest import AS_OF, REPO
from PIL import Image, ImageFilter
from qrcode.constants import ERROR_CORRECT_M

from site_builder.assets import qr
from site_builder.assets.qr import make_code, printed_without_format_information, qr_png_file, qr_svg_file
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


def reference(url: str, mask: int | None) -> qrcode.QRCode:
    """The qrcode library's own symbol for the same bytes at level M (its mask choice when
    ``mask`` is None)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, mask_pattern=mask)
    code.add_data(url.encode("utf-8"), optimize=0)
    code.make(fit=True)
    return code


def differing_modules(ours: list[list[bool]], theirs: list[list[bool]]) -> list[tuple[int, int]]:
    """(row, column) of each module that differs, quiet zone included."""
    return [(r, c) for r, (a, b) in enumerate(zip(ours, theirs, strict=True))
            for c, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def test_every_symbol_is_the_reference_librarys_format_information_included():
    rng = random.Random(2026)
    urls = [address(rng) for _ in range(1000)]
    masks: dict[int, int] = {}
    for n, url in enumerate(urls):
        ours = make_code(url)
        masks[ours.mask_pattern] = masks.get(ours.mask_pattern, 0) + 1
        expected = reference(url, ours.mask_pattern)
        assert ours.version == expected.version, url
        assert differing_modules(ours.get_matrix(), expected.get_matrix()) == [], url
        if n % 10 == 0:  # and the mask is the one qrcode's own ISO scoring picks
            assert ours.get_matrix() == reference(url, None).get_matrix(), url
    assert sorted(masks) == list(range(8))
    assert masks[0] >= 10  # the case that went out without format information is covered


def test_every_length_and_kind_of_data_gives_the_reference_librarys_symbol():
    """Versions 1 to 14 (the length field grows at version 10), and data the library writes
    in its digit or upper-case alphanumeric modes rather than as bytes."""
    urls = [f"https://ocop.khanhhoa.gov.vn/p/{'bưởi-tân-triều-'[:n % 15]}{'x' * n}/"
            for n in range(0, 300, 5)]
    urls += ["HTTPS://OCOP.KHANHHOA.GOV.VN/01/08936058120099", "08936058120099", "8" * 300,
             "https://ocop.example.org/01/08936058120099/10/L7?17=261231&11=260115", "https://a.vn",
             "https://a.vn/p/lua/"]
    for url in urls:
        ours, expected = make_code(url), reference(url, None)
        assert (ours.version, ours.get_matrix()) == (expected.version, expected.get_matrix()), url
    assert {make_code(url).version for url in urls} == set(range(1, 15))


def svg_modules(svg: str) -> list[list[bool]]:
    """The modules an SVG of ``qr_svg`` paints dark, quiet zone included."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    matrix = [[False] * size for _ in range(size)]
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", svg):
        for column in range(int(x), int(x) + int(width)):
            assert not matrix[int(y)][column], "two runs paint one module"
            matrix[int(y)][column] = True
    return matrix


def test_the_site_publishes_the_symbol_as_svg_and_png(tmp_path):
    url = "https://ocop.khanhhoa.gov.vn/01/08936058120099?17=261231&10=L7"
    expected = reference(url, None).get_matrix()
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
    assert [found.text for found in zxingcpp.read_barcodes(png.convert("L"))] == [url]


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
    code = make_code(url)
    assert code.mask_pattern == 0 and printed_without_format_information(url)
    matrix = code.get_matrix()
    # Level M (00) and mask 000, BCH-coded and XORed with 101010000010010.
    assert format_bits(matrix) == (0b101010000010010, 0b101010000010010)
    size = len(matrix) - 8
    assert matrix[4 + size - 8][4 + 8]  # the dark module beside the lower-left finder


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


def test_every_sample_stamp_reads_in_zbar_and_zxing_after_print_and_capture(zbar, sample_jobs,
                                                                           tmp_path):
    assert len(sample_jobs) >= 30
    assert {job.name: job.url for job in sample_jobs
            if printed_without_format_information(job.url)} == SAMPLE_MASK_ZERO
    unread = []
    for job in sample_jobs:
        art = layout(job.url, job.stars, 20.0, job.batch.lot if job.batch else None)
        photo = capture(stamp_png(art, dpi=300))
        by_zxing = [found.text for found in zxingcpp.read_barcodes(photo)]
        by_zbar = zbar_reads(photo, tmp_path)
        if by_zxing != [job.url] or by_zbar != [job.url]:
            unread.append((job.name, by_zxing, by_zbar))
    assert unread == []


def test_stamps_check_lists_the_stamps_to_reprint(capsys):
    assert main(["-f", str(REPO / "mkdocs.yml"), "stamps", "--check", "--draft",
                 "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    listed = [line.split(": ", 1) for line in out.splitlines() if ": https://" in line]
    assert dict(listed) == SAMPLE_MASK_ZERO
    assert "2 trong 36 tem" in out and "must be reprinted" in out
