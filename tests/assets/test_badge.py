"""The embeddable badge: an SVG per product stating its certification in both languages (or
that it is no longer certified, without stars), and the snippet on the product page."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from support.sites import SITE_URL

SVG = "{http://www.w3.org/2000/svg}"


def badge_text(site, product_id: str) -> str:
    root = ET.parse(site / f"huy-hieu/{product_id}.svg").getroot()
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    assert root.findtext(SVG + "title")
    return " | ".join(t.text or "" for t in root.iter(SVG + "text"))


def test_every_product_has_a_badge(sample_site):
    pages = [p for p in (sample_site / "san-pham").iterdir() if (p / "index.html").is_file()
             and not p.name.isdigit()]
    assert pages and all((sample_site / f"huy-hieu/{p.name}.svg").is_file() for p in pages)


def test_a_certified_badge_gives_stars_and_the_date(sample_site):
    text = badge_text(sample_site, "buoi-tan-trieu")
    assert "★★★★★" in text and "Sản phẩm OCOP 5 sao" in text and "OCOP 5-star product" in text
    assert "28/11/2027" in text


def test_a_revoked_or_expired_badge_says_so_without_stars(sample_site):
    for product_id, status in (("ruou-sam-tien-vua", "Đã thu hồi"), ("ruou-nep-my-xa", "Hết hiệu lực")):
        text = badge_text(sample_site, product_id)
        assert "★" not in text and text.startswith("✕ | ")  # no OCOP mark, no stars
        assert "Không còn công nhận OCOP" in text and "No longer OCOP-certified" in text
        assert status in text


def test_the_product_page_offers_the_snippet_linking_to_its_permanent_page(sample_site):
    page = (sample_site / "san-pham/buoi-tan-trieu/index.html").read_text(encoding="utf-8")
    code = html.unescape(re.search(r'<textarea id="ocop-badge-code"[^>]*>([^<]*)</textarea>',
                                   page).group(1))
    assert code.startswith(f'<a href="{SITE_URL}san-pham/buoi-tan-trieu/">')
    assert f'src="{SITE_URL}huy-hieu/buoi-tan-trieu.svg"' in code
