"""Stamp layout: the code stays scannable (module in whole printer dots, quiet zone, error
correction chosen for the size) or is refused with the size that works."""

from __future__ import annotations

import math

import pytest
from catalogues import assert_in_step

from site_builder.assets.qr import MASKS, Level, code_text, dark_runs, false_finders, symbol
from site_builder.paper.stamps import (
    CAP_HEIGHT,
    COMFORTABLE_MODULE_MM,
    MESSAGES,
    MIN_EM_MM,
    MIN_MODULE_MM,
    PRINTER_DPI,
    TEXT_GAP_MM,
    StampError,
    StampSize,
    layout,
    short_address,
    smallest_size,
    stamp_masks,
    stamp_symbol,
    text_width,
)

LOT_URL = "https://ocop.khanhhoa.gov.vn/01/08936058120082/10/B2610"
SAMPLE_LOT = "https://ocop.example.org/01/08936058120082/10/B2610"
SAMPLE_SHORT = "https://ocop.example.org/p/banh-nhan-my-phuc/"


@pytest.mark.parametrize("dpi", PRINTER_DPI)
@pytest.mark.parametrize("size", [15.5, 20, 30])
def test_a_module_is_whole_printer_dots_and_the_quiet_zone_is_kept(size, dpi):
    art = layout(SAMPLE_LOT, 5, size, "B2610", dpi)
    dot = 25.4 / dpi
    assert art.module == pytest.approx(art.module_dots * dot)
    assert art.module >= MIN_MODULE_MM and art.module_dots >= 2
    assert art.size == pytest.approx(round(size / dot) * dot) and abs(art.size - size) <= dot / 2
    box = art.qr_box
    assert box.x + box.w <= art.size + 1e-6 and box.y + box.h <= art.size + 1e-6
    for edge in (box.x, box.y, *(v for r in art.rects for v in (r.x, r.y, r.w, r.h))):
        assert edge / dot == pytest.approx(round(edge / dot), abs=1e-3)  # on the dot grid
    quiet = 4 * art.module - 1e-3
    for r in art.rects:
        assert r.x >= box.x + quiet and r.x + r.w <= box.x + box.w - quiet
        assert r.y >= box.y + quiet and r.y + r.h <= box.y + box.h - quiet
    # The text's capitals and the stars under the quiet zone, on the label.
    assert min(t.baseline - CAP_HEIGHT * t.em for t in art.texts) >= box.y + box.h - 1e-6
    assert min(y for star in art.polygons for _, y in star) >= box.y + box.h - 1e-6
    assert max(y for star in art.polygons for _, y in star) <= art.printed_height
    assert art.code_text == code_text(SAMPLE_LOT)
    drawn = symbol(SAMPLE_LOT, art.qr_level, art.qr_version)
    assert len(drawn.matrix()) * art.module == pytest.approx(box.w)


def test_text_under_the_code_says_stars_lot_and_address():
    art = layout(LOT_URL, 4, 30, "B2610")
    words = [t.text for t in art.texts]
    assert words[0] == "OCOP " and " 4 sao" in words and "Lô B2610" in words
    assert words[-1] == "ocop.khanhhoa.gov.vn/01/08936058120082/10/B2610"
    assert len(art.polygons) == 4  # four drawn stars
    for run in art.texts:
        assert 0 <= run.x and run.x + text_width(run.text, run.em, run.bold) <= art.size + 1e-6


def test_small_stamps_keep_the_domain_when_the_full_address_does_not_fit():
    art = layout(LOT_URL, 4, 20, "B2610")
    assert art.texts[-1].text == "ocop.khanhhoa.gov.vn"
    assert any("Lô B2610" in t.text for t in art.texts)


def test_at_15_mm_the_lot_joins_the_mark_line_and_the_address_makes_way_for_the_code():
    art = layout(SAMPLE_LOT, 4, 15, "B2610", 300)
    # "4 sao" would not fit beside the lot even in the smallest text: the stars say it.
    assert [t.text for t in art.texts] == ["OCOP ", " · Lô B2610"] and len(art.polygons) == 4
    assert (art.module_dots, art.qr_version) == (4, 3)  # 0.34 mm: the most 15 mm allows
    for run in art.texts:  # inside the side margins
        assert 0.6 - 1e-6 <= run.x and run.x + text_width(run.text, run.em, run.bold) <= art.size - 0.6


@pytest.mark.parametrize("lot", ["HTX.NS-20260715-A", "LO-2026-071"])
def test_a_long_lot_stays_on_the_label(lot):
    art = layout(f"https://ocop.example.org/01/08936058120082/10/{lot}", 4, 20, lot, 300)
    assert any(t.text.endswith(f"Lô {lot}") for t in art.texts)
    for run in art.texts:
        assert 0.6 - 1e-6 <= run.x and run.x + text_width(run.text, run.em, run.bold) <= art.size - 0.6


def test_the_largest_module_first_then_level_m_then_text_then_correction():
    # 20 mm at 300 dpi: a comfortable module (5 dots) for version 3 at level M with every line.
    art = layout(SAMPLE_LOT, 4, 20, "B2610", 300)
    assert art.module >= COMFORTABLE_MODULE_MM and art.qr_version == 3
    assert art.qr_level == Level.M and art.texts[-1].text == "ocop.example.org"
    # A GTIN address holds version 2 at level L: at 15 mm its comfortable module (5 dots) wins
    # over version 3 at level M with lines (4 dots); under the mark, no line.
    gtin = "https://ocop.example.org/01/08936058120082"
    assert symbol(gtin).version == 2
    small = layout(gtin, 4, 15, None, 300)
    assert (small.qr_version, small.module_dots) == (2, 5)
    assert [t.text for t in small.texts] == ["OCOP "]
    # At 30 mm correction never costs module size: the smallest symbol, the largest module.
    large = layout(SAMPLE_LOT, 5, 30, "B2610", 600)
    assert (large.qr_version, large.qr_level, large.module_dots) == (3, Level.M, 14)
    assert large.texts[-1].text == short_address(SAMPLE_LOT)


@pytest.mark.parametrize("dpi, needed", [(203, 15.5), (300, 14.1), (600, 14.2)])
def test_a_size_too_small_to_scan_is_refused_with_the_smallest_size_that_works(dpi, needed):
    with pytest.raises(StampError) as caught:
        layout(SAMPLE_LOT, 5, 12, "B2610", dpi)
    dots = math.ceil(MIN_MODULE_MM / (25.4 / dpi))
    assert f"ít nhất {MIN_MODULE_MM:g} mm ({dots} chấm máy in)" in caught.value.vi
    assert f"at {dpi} dpi" in caught.value.en and f"use {needed:g} mm or more" in caught.value.en
    assert smallest_size(SAMPLE_LOT, 5, "B2610", dpi, 12) == needed
    assert layout(SAMPLE_LOT, 5, needed, "B2610", dpi).module >= MIN_MODULE_MM
    with pytest.raises(StampError):
        layout(SAMPLE_LOT, 5, round(needed - 0.1, 1), "B2610", dpi)


def test_an_unknown_printer_resolution_is_refused():
    with pytest.raises(StampError, match="150 dpi"):
        layout(SAMPLE_SHORT, 4, 20, None, 150)


def test_short_address_drops_only_the_scheme():
    assert short_address("https://ocop.vn/p/x/") == "ocop.vn/p/x/"


def test_the_stamp_messages_are_in_both_languages():
    assert_in_step(MESSAGES)


SAMPLE_SHORT_CODE = "https://ocop.example.org/T/DO6D8/"


def test_a_label_taller_than_wide_gives_the_code_the_whole_width():
    """12 mm at 300 dpi: no square holds even a version 2 code and a line (3-dot modules), a
    12 × 14.5 mm label does, its code as wide as the label allows and its lines under it."""
    with pytest.raises(StampError) as caught:
        layout(SAMPLE_SHORT_CODE, 5, 12, "NS-2610", 300)
    assert "--size 12x" in caught.value.en and "--size 12x" in caught.value.vi
    art = layout(SAMPLE_SHORT_CODE, 5, 12, "NS-2610", 300, height=14.5)
    dot = 25.4 / 300
    assert (art.dots, art.height_dots, art.label) == (142, 171, "12x14.5")
    assert art.height == pytest.approx(171 * dot) and art.printed_height == art.height
    assert (art.qr_version, art.qr_level, art.module_dots) == (2, Level.M, 4)
    assert art.module >= MIN_MODULE_MM and art.qr_box.w == pytest.approx(33 * 4 * dot)
    assert min(t.baseline - t.em for t in art.texts) >= art.qr_box.y + art.qr_box.h - 1e-6
    assert max(t.baseline for t in art.texts) <= art.height
    assert "Lô NS-2610" in " ".join(t.text for t in art.texts)


@pytest.mark.parametrize("text, size", [("20", StampSize(20)), ("12x15", StampSize(12, 15)),
                                        ("12×14.5", StampSize(12, 14.5)), ("15x15", StampSize(15))])
def test_a_size_is_a_side_or_width_by_height(text, size):
    assert StampSize.parse(text) == size
    assert StampSize.parse(size.label) == size


@pytest.mark.parametrize("text", ["", "x", "12x", "0", "-3", "12x15x2", "inf", "nan"])
def test_a_size_that_is_none_is_refused(text):
    with pytest.raises(ValueError):
        StampSize.parse(text)


@pytest.mark.parametrize("dpi", [300, 600])
def test_a_15_mm_square_gives_a_short_code_a_comfortable_module_and_the_mark(dpi):
    """A 15 mm square holds a version 2 code with 0.42 mm modules and its full quiet zone, but
    no line of text: the mark ("OCOP" and the stars, capitals high, the smallest text) goes
    under the quiet zone; the lot and the address are on the page the code opens."""
    art = layout(SAMPLE_SHORT_CODE, 4, 15, "B2610", dpi)
    box, dot = art.qr_box, 25.4 / dpi
    assert (art.qr_version, art.qr_level) == (2, Level.M)
    assert art.module >= COMFORTABLE_MODULE_MM and box.w == pytest.approx(33 * art.module_dots * dot)
    assert box.x >= 0 and box.y >= 0 and box.x + box.w <= art.size + 1e-6  # quiet zone on the label
    assert [t.text for t in art.texts] == ["OCOP "] and len(art.polygons) == 4
    assert all(t.em >= MIN_EM_MM for t in art.texts)
    ink_top = min([t.baseline - CAP_HEIGHT * t.em for t in art.texts]
                  + [y for star in art.polygons for _, y in star])
    ink_bottom = max([t.baseline for t in art.texts] + [y for star in art.polygons for _, y in star])
    assert ink_top >= box.y + box.h - 1e-6
    assert ink_bottom <= art.printed_height - TEXT_GAP_MM + 1e-6


def test_the_code_alone_only_where_it_makes_the_module_comfortable():
    # 14 mm at 300 dpi: the code and its quiet zone take the whole label, at 0.42 mm.
    alone = layout(SAMPLE_SHORT_CODE, 4, 14, "B2610", 300)
    assert (alone.qr_version, alone.module_dots) == (2, 5) and not alone.texts and not alone.polygons
    # 12 mm: the code alone would get 4-dot modules, no better than a taller label with its
    # lines: still refused, with that label.
    with pytest.raises(StampError, match="--size 12x"):
        layout(SAMPLE_SHORT_CODE, 4, 12, "B2610", 300)
    # 20 mm at 300 dpi: every line stays (the code is already comfortable).
    assert len(layout(SAMPLE_SHORT_CODE, 4, 20, "B2610", 300).texts) > 1


MAM_CA_LOC = "https://ocop.example.org/p/mam-ca-loc-chau-doc/"
SHORT = "https://ocop.example.org/T/G92OA/"


def test_a_stamp_code_draws_no_false_finder_pattern_when_a_mask_avoids_one():
    """The 30 mm mam-ca-loc-chau-doc stamp: its mask of least penalty (1) draws a finder's
    1:1:3:1:1 cross in the data, which OpenCV's detector took for a fourth finder pattern; the
    stamp takes the next mask that draws none. The three real finder patterns never count."""
    art = layout(MAM_CA_LOC, 4, 30, None, 600)
    standard = symbol(MAM_CA_LOC, art.qr_level, art.qr_version)
    assert standard.mask == 1 and false_finders(standard) == 1
    drawn = stamp_symbol(MAM_CA_LOC, art.qr_level, art.qr_version, MASKS)
    assert drawn.mask != 1 and false_finders(drawn) == 0
    assert len(art.rects) == sum(1 for _ in dark_runs(drawn.matrix()))
    # Where every mask allowed draws one, the least penalty stays.
    assert stamp_symbol(MAM_CA_LOC, art.qr_level, art.qr_version, (1,)).mask == 1


@pytest.mark.parametrize(("size", "dpi", "version", "module_dots", "masks"), [
    (15, 300, 2, 5, (2, 6)),     # 0.42 mm, version 2: the two OpenCV reads most often
    (16, 203, 3, 3, MASKS),      # 0.375 mm, version 3: every mask read alike
    (15, 600, 3, 8, (5, 6)),     # 0.34 mm, version 3: the two zbar reads best
    (30, 600, 3, 16, MASKS),     # a comfortable module: the standard's choice
])
def test_a_stamp_code_chooses_among_the_masks_measured_best_at_its_module(
        size, dpi, version, module_dots, masks):
    """The masks a stamp's code may take follow its version and printed module
    (bench/stamp_masks.py --placements); the drawn code is one of them."""
    url = SHORT if version == 2 else SAMPLE_LOT
    art = layout(url, 4, size, None, dpi)
    assert (art.qr_version, art.module_dots) == (version, module_dots)
    assert stamp_masks(art.qr_version, art.module) == masks
    drawn = stamp_symbol(url, art.qr_level, art.qr_version, masks)
    assert len(art.rects) == sum(1 for _ in dark_runs(drawn.matrix()))
