"""Short stamp addresses: stable, alphanumeric, and never shared by two pages."""

from __future__ import annotations

import pytest

from site_builder.assets.qr import ALPHANUMERIC, code_text, segments
from site_builder.domain.stamp_codes import ShortCodeClash, short_code, short_path, short_paths


def test_a_code_depends_on_the_product_and_lot_alone():
    # Pinned: a printed stamp must keep its meaning from one version of ocop to the next.
    assert short_code("nho-say-nhon-son", None, 5) == short_code("nho-say-nhon-son", None, 5)
    assert short_path("nho-say-nhon-son", "NS-2610", 5) == "T/" + short_code(
        "nho-say-nhon-son", "NS-2610", 5) + "/"
    assert short_code("nho-say-nhon-son", None, 5) != short_code("nho-say-nhon-son", "NS-2610", 5)
    assert short_code("a", None, 8).startswith(short_code("a", None, 5))
    assert short_code("nho-say-nhon-son", None, 5) == "DO6D8"  # sha256, least significant base-36 digit first


def test_after_the_scheme_in_small_letters_the_address_is_one_alphanumeric_segment():
    text = code_text("https://ocop.example.org/" + short_path("buoi-lam-son", "B2610", 6))
    parts, _ = segments(text, {"numeric": 10, "alphanumeric": 9, "byte": 8})
    assert [(p.mode, p.text[:4]) for p in parts] == [("byte", "http"), (ALPHANUMERIC, "://O")]


def test_two_pages_sharing_a_code_are_refused_naming_both():
    pages = [(f"p{i}", None) for i in range(60)]
    with pytest.raises(ShortCodeClash) as refused:
        short_paths(pages, 1)  # 36 codes for 60 pages
    assert "short_addresses" in str(refused.value) and "(2)" in str(refused.value)
    assert len(set(short_paths(pages, 5).values())) == 60
