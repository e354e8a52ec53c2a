"""Share pictures (1200×630) and clean square pictures for marketplaces."""

from __future__ import annotations

import io
import re

import pytest
from conftest import AS_OF, REPO
from PIL import Image, ImageChops

from site_builder.assets import share_image
from site_builder.assets.media import square_image
from site_builder.assets.share_image import share_files
from site_builder.config import SiteConfig
from site_builder.records.validate import load_catalog
from site_builder.render.i18n import Translator
from site_builder.render.views import Urls, product_view


@pytest.fixture(scope="module")
def views():
    config = SiteConfig(products_dir=REPO / "products", as_of=AS_OF)
    catalog, _ = load_catalog(config, traceability_notes=False)
    return {p.id: [product_view(p, AS_OF, config, Translator(lang)) for lang in ("vi", "en")]
            for p in catalog.products}


def _image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_share_picture_and_a_clean_square_photo(views, tmp_path):
    both = views["tra-hibiscus-tan-son"]
    product = both[0].product
    files = share_files(both, tmp_path)
    card = _image(files[Urls.share_image(product)])
    assert card.size == (1200, 630)
    square = _image(files[Urls.square_image(product)])
    assert square.width == square.height
    # Nothing drawn on the square picture: it is the photo's centre, only scaled.
    expected = square_image(product.photos[0].source.read_bytes(), 1000)
    difference = ImageChops.difference(square, expected).getextrema()
    assert max(high for _, high in difference) < 40  # JPEG noise only


def test_a_lapsed_product_gets_a_red_notice_and_no_stars(views, tmp_path):
    both = views["ruou-sam-tien-vua"]
    assert both[0].lapsed
    card = _image(share_files(both, tmp_path)[Urls.share_image(both[0].product)])
    red = sum(1 for r, g, b in card.crop((640, 480, 1200, 630)).get_flattened_data() if r > 170 and g < 80)
    amber = sum(1 for r, g, b in card.crop((640, 300, 1200, 630)).get_flattened_data()
                if r > 230 and 170 < g < 210 and b < 60)
    assert red > 10_000 and amber == 0


def test_pictures_are_cached_by_what_they_show(views, tmp_path, monkeypatch):
    both = views["buoi-tan-trieu"]
    first = share_files(both, tmp_path)

    def fail(*args, **kwargs):
        raise AssertionError("re-rendered")

    monkeypatch.setattr(share_image, "share_card", fail)
    assert share_files(both, tmp_path) == first


def test_share_pictures_can_be_turned_off(tmp_path):
    """A very large catalog may skip them (about 10 ms and 45 KB a product): links then show
    the product's first photo, and the clean square photo is still made."""
    import shutil

    from conftest import write_mkdocs_config

    from site_builder.mkdocs.build import build_site

    shutil.copytree(REPO / "products" / "buoi-tan-trieu", tmp_path / "products" / "buoi-tan-trieu")
    config = write_mkdocs_config(tmp_path, tmp_path / "products")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("products_dir:", "share_images: false\n    products_dir:"),
                      encoding="utf-8")
    site = build_site(config, as_of=AS_OF).site_dir
    media = site / "media" / "buoi-tan-trieu"
    assert (media / "vuong.jpg").is_file() and not (media / "chia-se.jpg").exists()
    page = (site / "san-pham" / "buoi-tan-trieu" / "index.html").read_text(encoding="utf-8")
    [image] = re.findall(r'<meta property="og:image" content="([^"]+)"', page)
    assert re.fullmatch(r"https://ocop\.khanhhoa\.gov\.vn/media/buoi-tan-trieu/anh-1-\d+\.jpg", image)
    assert "chia-se.jpg" not in page


def test_a_name_of_one_very_long_word_stays_inside_the_picture():
    from site_builder.assets.share_image import share_card

    card = _image(share_card(None, "Ă" * 400, "", 3, False, ("3 sao",), "OCOP"))
    right_edge = card.crop((1190, 0, 1200, 630))
    # The green background only (JPEG may shift a colour by a few levels), no white letters.
    assert all(abs(r - 27) + abs(g - 94) + abs(b - 32) < 30
               for r, g, b in right_edge.get_flattened_data())
