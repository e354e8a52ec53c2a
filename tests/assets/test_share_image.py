"""Share pictures (1200×630) and clean square pictures for marketplaces."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat
from support.sites import AS_OF, REPO

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


def test_cards_drawn_one_after_another_do_not_share_their_text(views):
    """What cards of one rating share is drawn once per process: a card's name must not
    stay on it for the next card."""
    share_image._backdrop.cache_clear()
    first, second = views["buoi-tan-trieu"], views["tra-hibiscus-tan-son"]
    before = share_files(first, None)
    share_files(second, None)
    assert share_files(first, None) == before
    assert share_image._backdrop.cache_info().hits >= 1


def test_the_text_of_a_card_stays_crisp_and_the_card_small(views, monkeypatch):
    drawn = []
    encode = share_image._jpeg
    monkeypatch.setattr(share_image, "_jpeg", lambda image, quality, **options: drawn.append(
        image.copy()) or encode(image, quality, **options))
    both = views["tra-hibiscus-tan-son"]
    card = share_files(both, None)[Urls.share_image(both[0].product)]
    [lossless] = [image for image in drawn if image.size == (1200, 630)]
    # Around the letters (2 pixels either side), in levels of grey: 8.0 at quality 70, 7.4
    # at 75, 8.4 at 65 (the card's), 8.9 at 60, where ringing starts to show around the name
    # at full size.
    text = lossless.crop((630, 0, 1200, 630))
    ink = (ImageChops.difference(text, Image.new("RGB", text.size, share_image.GREEN))
           .convert("L").point(lambda level: 255 if level > 8 else 0)
           .filter(ImageFilter.MaxFilter(5)))
    error = ImageChops.difference(_image(card).crop((630, 0, 1200, 630)), text).convert("L")
    assert ImageStat.Stat(error, mask=ink).mean[0] < 8.5
    # 50 KB at quality 75, 47 KB at 70 and 44.1 KB at 65 with libjpeg's standard Huffman
    # tables (the card's since they cost 40 % of its encoding time), 42.7 KB at 70 with tables
    # made for the card.
    assert len(card) < 44_500


def test_pictures_are_cached_by_what_they_show(views, tmp_path, monkeypatch):
    both = views["buoi-tan-trieu"]
    first = share_files(both, tmp_path)

    def fail(*args, **kwargs):
        raise AssertionError("re-rendered")

    monkeypatch.setattr(share_image, "share_card", fail)
    assert share_files(both, tmp_path) == first


def test_share_pictures_can_be_turned_off(views, tmp_path):
    """A very large catalog may skip them (about 8 ms and 41 KB a product, bench/assets.py):
    links then show the clean square photo, a JPEG (the web sizes are WebP only, which not
    every app that previews a link decodes), and the square photo is still made."""
    import shutil

    from support.sites import SITE_URL, write_mkdocs_config

    from site_builder.mkdocs.build import build_site

    product = views["buoi-tan-trieu"][0].product
    shutil.copytree(REPO / "products" / "buoi-tan-trieu", tmp_path / "products" / "buoi-tan-trieu")
    config = write_mkdocs_config(tmp_path, tmp_path / "products")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("products_dir:", "share_images: false\n    products_dir:"),
                      encoding="utf-8")
    site = build_site(config, as_of=AS_OF).site_dir
    assert (site / Urls.square_image(product)).is_file()
    assert not (site / Urls.share_image(product)).exists()
    page = (site / "san-pham" / "buoi-tan-trieu" / "index.html").read_text(encoding="utf-8")
    [image] = re.findall(r'<meta property="og:image" content="([^"]+)"', page)
    assert image == SITE_URL + Urls.square_image(product)
    assert _image((site / image.removeprefix(SITE_URL)).read_bytes()).size == (600, 600)
    assert "chia-se.jpg" not in page


def test_a_name_of_one_very_long_word_stays_inside_the_picture():
    from site_builder.assets.share_image import share_card

    card = _image(share_card(None, "Ă" * 400, "", 3, False, ("3 sao",), "OCOP"))
    right_edge = card.crop((1190, 0, 1200, 630))
    # The green background only (JPEG may shift a colour by a few levels), no white letters.
    assert all(abs(r - 27) + abs(g - 94) + abs(b - 32) < 30
               for r, g, b in right_edge.get_flattened_data())


def test_a_small_photo_gets_the_small_card_and_pages_say_its_size(tmp_path):
    """A 400×300 photo on the 1200×630 card would be blown up more than twice: it gets the
    600×315 card (the least Facebook and Zalo still show as a large picture), which the
    product page's og:image:width and height state; the photo is not resampled beyond
    repeating a few of its pixels."""
    from support.records import record, write_record
    from support.sites import write_mkdocs_config

    from site_builder.mkdocs.build import build_site

    products = tmp_path / "products"
    folder = write_record(products, record()).parent
    photo = Image.new("RGB", (400, 300), (200, 120, 40))
    photo.paste((20, 60, 180), (150, 0, 250, 300))  # a blue stripe down the middle
    photo.save(folder / "anh-1.jpg", quality=92)
    site = build_site(write_mkdocs_config(tmp_path, products), as_of=AS_OF).site_dir
    product_id = record()["id"]
    card = _image((site / "san-pham" / product_id / "chia-se.jpg").read_bytes())
    assert card.size == share_image.SMALL == (600, 315)
    # The square photo fills the left 315 pixels: the stripe stays in the middle of it.
    r, g, b = card.getpixel((157, 150))
    assert b > 150 and r < 80
    page = (site / "san-pham" / product_id / "index.html").read_text(encoding="utf-8")
    assert '<meta property="og:image:width" content="600">' in page
    assert '<meta property="og:image:height" content="315">' in page


def test_a_photo_is_decoded_once_for_all_its_pictures(views, monkeypatch):
    from site_builder.assets import media
    from site_builder.assets.media import DecodedPhoto, photo_files

    opened = []
    real = media._open_rgb
    monkeypatch.setattr(media, "_open_rgb", lambda *args: opened.append(1) or real(*args))
    both = views["tra-hibiscus-tan-son"]
    photo = both[0].product.photos[0]
    decoded = DecodedPhoto.of(photo, media.SQUARE)
    photo_files(photo, None, decoded)
    files = share_files(both, None, decoded=decoded)
    assert len(opened) == 1
    assert _image(files[Urls.share_image(both[0].product)]).size == (1200, 630)
