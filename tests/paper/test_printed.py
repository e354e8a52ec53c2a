"""``ocop brochure``, ``ocop cards`` and ``ocop poster``: PDF pages rendered to pictures, their
QR codes read back with zxing-cpp and their text extracted, as a person checking a proof would."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import zxingcpp
from support.sites import AS_OF, REPO, opened

from site_builder.assets.qr import code_text
from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.paper.printed import PrintError, Selection, brochure_pdf, cards_pdf, poster_pdf
from site_builder.records.validate import load_catalog
from site_builder.render.i18n import Translator
from site_builder.render.views import Urls, product_view

SITE = "https://ocop.khanhhoa.gov.vn/"


def _views(lang: str = "vi"):
    config = SiteConfig(products_dir=REPO / "products", as_of=AS_OF, site_url=SITE)
    catalog, _ = load_catalog(config, traceability_notes=False)
    t = Translator(lang)
    urls = Urls(config.language_prefix(lang))
    return config, [product_view(p, AS_OF, config, t).in_language(t, urls) for p in catalog.products]


def _pages(data: bytes) -> list[tuple[str, list[str]]]:
    """Each page's text and the QR codes found on it, rendered at 200 dpi."""
    pages = []
    document = pdfium.PdfDocument(data)
    for page in document:
        text = page.get_textpage().get_text_range()
        image = page.render(scale=200 / 72).to_pil()
        codes = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
        assert all(code == code_text(opened(code)) for code in codes)  # the host in capitals
        pages.append((text, [opened(code) for code in codes]))
    return pages


def test_brochure_shows_the_selection_by_stars_with_codes_to_each_product():
    config, views = _views()
    selection = Selection(province="Khánh Hòa", stars=(4, 5))
    chosen = selection.pick(views)
    assert len(chosen) >= 3 and all(not v.lapsed for v in chosen)
    pages = _pages(brochure_pdf(views, config, AS_OF, selection))
    cover_text, cover_codes = pages[0]
    assert cover_codes == [f"{SITE}san-pham/?sao=4&sao=5&tinh=khanh-hoa"]
    assert f"{len(chosen)} sản phẩm đang được công nhận" in cover_text
    body = "".join(text for text, _ in pages[1:])
    codes = sorted(c for _, found in pages[1:] for c in found)
    assert codes == sorted(f"{SITE}san-pham/{v.product.id}/" for v in chosen)
    positions = [body.index(v.name) for v in chosen]
    assert positions == sorted(positions)  # stars first, then name
    assert "Hiệu lực đến" in body and "★★★★" in body


def test_lapsed_products_are_never_printed():
    config, views = _views()
    lapsed = [v for v in views if v.lapsed]
    assert lapsed
    body = "".join(text for text, _ in _pages(brochure_pdf(views, config, AS_OF, Selection())))
    for view in lapsed:
        assert view.name not in body
    with pytest.raises(PrintError):
        Selection(ids=(lapsed[0].product.id,)).pick(views)


def test_english_cards_four_to_a_sheet_each_with_its_product_code():
    config, views = _views("en")
    chosen = Selection(sector="thuc-pham").pick(views)
    pages = _pages(cards_pdf(views, config, AS_OF, Selection(sector="thuc-pham")))
    assert len(pages) == -(-len(chosen) // 4)
    codes = sorted(c for _, found in pages for c in found)
    assert codes == sorted(f"{SITE}en/san-pham/{v.product.id}/" for v in chosen)
    assert "Scan to check the certificate" in pages[0][0]


def test_poster_code_opens_the_filtered_catalog():
    config, views = _views()
    (text, codes), = _pages(poster_pdf(views, config, AS_OF, Selection(stars=(5,))))
    assert codes == [f"{SITE}san-pham/?sao=5"]
    assert "Quét mã để xem danh mục trực tuyến" in text


def test_the_command_refuses_an_unknown_province(tmp_path, capsys):
    assert main(["-f", str(REPO / "mkdocs.yml"), "poster", "--province", "Atlantis",
                 "--out", str(tmp_path / "a.pdf")]) == 1
    assert "không có tỉnh 'Atlantis'" in capsys.readouterr().err
    assert not (tmp_path / "a.pdf").exists()


def test_hostile_text_fits_its_box(tmp_path):
    """A story of one 3,000-letter word and a name of 2,000 letters still print, cut to fit."""
    from support.records import record, write_record
    from support.sites import write_mkdocs_config

    products = tmp_path / "products"
    data = record(name={"vi": "Ă" * 2000}, story={"vi": "x" * 3000})
    write_record(products, data)
    config = write_mkdocs_config(tmp_path, products)
    assert main(["-f", str(config), "brochure", "--as-of", AS_OF.isoformat(),
                 "--out", str(tmp_path / "b.pdf")]) == 0
    (text, codes), *_ = _pages((tmp_path / "b.pdf").read_bytes())[1:]
    assert "…" in text and len(codes) == 1


def _annex_views(products, lang: str = "vi"):
    """The base product and the bare annex product (no story, photo, set or commune)."""
    from support.records import annex_record, record, write_record

    write_record(products, record())
    write_record(products, annex_record(), photo=False)
    config = SiteConfig(products_dir=products, as_of=AS_OF, site_url=SITE)
    catalog, problems = load_catalog(config, traceability_notes=False)
    assert not problems.errors
    t = Translator(lang)
    urls = Urls(config.language_prefix(lang))
    return config, [product_view(p, AS_OF, config, t).in_language(t, urls) for p in catalog.products]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_product_with_no_story_photo_set_or_commune_prints_cleanly(products, lang):
    config, views = _annex_views(products, lang)
    pages = _pages(brochure_pdf(views, config, AS_OF, Selection(), group_by="sector"))
    body = "".join(text for text, _ in pages[1:])
    assert "Mật ong hoa nhãn Tân Ninh" in body and "None" not in body
    assert "HTX Nông nghiệp Tân Ninh · Tây Ninh" in body  # the province alone, no commune
    assert ("Chưa phân loại" if lang == "vi" else "Not yet classified") in body  # its group
    assert "Chủ thể chưa cung cấp" not in body  # a fair's brochure leaves the space empty
    cards = _pages(cards_pdf(views, config, AS_OF, Selection()))
    assert "None" not in cards[0][0]
    assert sorted(cards[0][1]) == sorted(
        f"{SITE}{'en/' if lang == 'en' else ''}san-pham/{v.product.id}/" for v in views)


def test_the_unclassified_products_can_be_printed_on_their_own(products):
    config, views = _annex_views(products)
    selection = Selection(sector="chua-phan-loai")
    assert [v.product.id for v in selection.pick(views)] == ["mat-ong-tan-ninh"]
    (text, codes), = _pages(poster_pdf(views, config, AS_OF, selection))
    assert codes == [f"{SITE}san-pham/?nganh=chua-phan-loai"] and "Chưa phân loại" in text
