"""Stamp layout: the code stays scannable (module, quiet zone, error correction) or is refused."""

from __future__ import annotations

import pytest

from site_builder.paper.stamps import MIN_MODULE_MM, StampError, layout, short_address, text_width

LOT_URL = "https://ocop.khanhhoa.gov.vn/01/08936058120082/10/B2610"


@pytest.mark.parametrize("size", [20, 30])
def test_modules_are_at_least_the_gs1_minimum(size):
    art = layout(LOT_URL, 5, size, "B2610")
    assert art.module >= MIN_MODULE_MM
    assert art.qr_box.w <= size and art.qr_box.y == 0
    # Four modules of quiet zone on every side: no dark module within them.
    quiet = 4 * art.module - 1e-3  # coordinates are rounded to 0.1 µm
    for r in art.rects:
        assert r.x >= art.qr_box.x + quiet and r.x + r.w <= art.qr_box.x + art.qr_box.w - quiet
        assert r.y >= quiet and r.y + r.h <= art.qr_box.h - quiet


def test_text_under_the_code_says_stars_lot_and_address():
    art = layout(LOT_URL, 4, 30, "B2610")
    words = [t.text for t in art.texts]
    assert words[0] == "OCOP " and " 4 sao" in words and "Lô B2610" in words
    assert words[-1] == "ocop.khanhhoa.gov.vn/01/08936058120082/10/B2610"
    assert len(art.polygons) == 4  # four drawn stars
    below_code = min(t.baseline for t in art.texts)
    assert below_code > art.qr_box.h
    for run in art.texts:
        assert 0 <= run.x and run.x + text_width(run.text, run.em, run.bold) <= 30 + 1e-6


def test_small_stamps_keep_the_domain_when_the_full_address_does_not_fit():
    art = layout(LOT_URL, 4, 20, "B2610")
    assert art.texts[-1].text == "ocop.khanhhoa.gov.vn"
    assert any("Lô B2610" in t.text for t in art.texts)


def test_a_size_too_small_to_scan_is_refused_with_the_size_that_works():
    with pytest.raises(StampError) as caught:
        layout(LOT_URL, 5, 15, "B2610")
    assert "cần ít nhất 0.4 mm" in caught.value.vi and "0.4 mm" in caught.value.en
    needed = float(caught.value.vi.split("cỡ từ ")[1].split(" mm")[0])
    assert layout(LOT_URL, 5, needed, "B2610").module >= MIN_MODULE_MM


def test_short_address_drops_only_the_scheme():
    assert short_address("https://ocop.vn/p/x/") == "ocop.vn/p/x/"


def test_mask_choice_matches_the_reference_implementation():
    """Our faster mask scoring picks the mask qrcode's own ISO scoring picks."""
    import random

    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    from site_builder.assets.qr import make_code

    rng = random.Random(7)
    for _ in range(60):
        url = (f"https://{'o' * rng.randint(3, 20)}.vn/01/0893{rng.randint(10**9, 10**10 - 1)}"
               f"/10/L{rng.randint(1, 10**6)}")
        reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
        reference.add_data(url.encode(), optimize=0)
        reference.make(fit=True)
        expected = reference.get_matrix()
        ours = make_code(url)
        assert ours.version == reference.version
        assert ours.get_matrix() == expected
