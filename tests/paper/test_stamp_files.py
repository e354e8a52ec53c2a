"""Stamp files decode to their exact address with an independent decoder (zxing-cpp), also
after a simulated print and phone capture, and the A4 sheet holds N codes with crop marks."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageEnhance, ImageFilter

from site_builder.assets.qr import code_text
from site_builder.paper.stamp_files import SheetLayout, sheet_pdf, stamp_png, stamp_svg
from site_builder.paper.stamps import layout

LOT_URL = "https://ocop.khanhhoa.gov.vn/01/08936058120082/10/B2610"
CARRIED = code_text(LOT_URL)  # what the code says: the host in capitals


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image)


@pytest.mark.parametrize("dpi, side", [(600, 472), (300, 236), (203, 160)])
def test_png_has_a_pixel_per_printer_dot_and_decodes_to_the_url(dpi, side):
    art = layout(LOT_URL, 5, 20, "B2610", dpi)
    image = Image.open(io.BytesIO(stamp_png(art)))
    assert image.size == (side, side) and round(image.info["dpi"][0]) == dpi
    (result,) = decode(image)
    assert result.text == CARRIED
    assert result.format == zxingcpp.BarcodeFormat.QRCode  # never Micro QR
    assert result.ec_level == art.qr_level.name
    # Every module is the same whole number of pixels: runs of dark pixels along a row of
    # modules are multiples of the module.
    row = round((art.qr_box.y + 4.5 * art.module) * dpi / 25.4)
    pixels = [image.getpixel((x, row)) < 128 for x in range(side)]
    runs = [len(run) for run in "".join("1" if p else "0" for p in pixels).split("0") if run]
    assert runs and all(run % art.module_dots == 0 for run in runs)


def test_smallest_stamp_still_decodes_after_print_and_phone_capture():
    """Print at 300 dpi, capture at about 2.5 pixels per module, blurred, in dim light."""
    art = layout(LOT_URL, 5, 20, "B2610")
    printed = Image.open(io.BytesIO(stamp_png(art, dpi=300)))
    pixels_per_module = art.module * 300 / 25.4
    scale = 2.5 / pixels_per_module
    side = round(printed.width * scale)
    captured = printed.resize((side, side), Image.Resampling.BILINEAR)
    captured = captured.filter(ImageFilter.GaussianBlur(0.6))
    captured = ImageEnhance.Contrast(captured).enhance(0.6)
    (result,) = decode(captured)
    assert result.text == CARRIED


def test_svg_counts_in_printer_dots_with_text_as_outlines():
    art = layout(LOT_URL, 5, 30, "B2610", 300)
    root = ET.fromstring(stamp_svg(art))
    assert root.get("width") == "29.972mm" and root.get("viewBox") == "0 0 354 354"  # 354 dots
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert root.find("s:title", ns).text == LOT_URL
    assert not root.findall(".//s:text", ns)  # no dependence on the printer's fonts
    assert len(root.findall(".//s:g/s:path", ns)) > 20  # glyph outlines


@pytest.mark.parametrize("size, expected", [(20, 70), (30, 35)])
def test_a4_sheet_holds_n_stamps_that_all_decode(size, expected):
    art = layout(LOT_URL, 5, size, "B2610")
    made = datetime(2026, 11, 22, tzinfo=timezone.utc)
    pdf = sheet_pdf(art, "Bưởi Tân Triều · Lô B2610", SheetLayout(), made)
    assert pdf == sheet_pdf(art, "Bưởi Tân Triều · Lô B2610", SheetLayout(), made)  # same bytes
    page = pypdfium2.PdfDocument(pdf)[0]
    assert (round(page.get_width() / 72 * 25.4), round(page.get_height() / 72 * 25.4)) == (210, 297)
    image = page.render(scale=300 / 72).to_pil().convert("L")
    results = decode(image)
    assert len(results) == expected and {r.text for r in results} == {CARRIED}


def test_sheet_layout_options_and_refusals():
    art = layout(LOT_URL, 5, 30, "B2610")
    made = datetime(2026, 11, 22, tzinfo=timezone.utc)
    pdf = sheet_pdf(art, "x", SheetLayout(columns=2, rows=3), made)
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil().convert("L")
    assert len(decode(image)) == 6
    pdf = sheet_pdf(art, "x", SheetLayout(count=4), made)
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil().convert("L")
    assert len(decode(image)) == 4
    with pytest.raises(ValueError, match="không vừa khổ A4"):
        SheetLayout(columns=9).grid(30)


def test_crop_marks_sit_outside_every_stamp():
    art = layout(LOT_URL, 5, 30, "B2610")
    pdf = sheet_pdf(art, "x", SheetLayout(columns=1, rows=1),
                    datetime(2026, 11, 22, tzinfo=timezone.utc))
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=600 / 72).to_pil().convert("L")
    px = 600 / 25.4
    left, top = (210 - 30) / 2, 10 + 8 + (297 - 20 - 8 - 30) / 2
    # The mark left of the top-left corner starts 0.8 mm from the trim line, on its level.
    y = round(top * px)
    assert min(image.getpixel((round((left - 1.5) * px), y + d)) for d in (-1, 0, 1)) < 128
    assert image.getpixel((round((left - 0.3) * px), y)) > 200  # the gap stays clear
