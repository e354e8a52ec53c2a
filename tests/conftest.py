"""Shared fixtures: small, real-looking product records written into a temporary catalog."""

from __future__ import annotations

import copy
import os
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml
from PIL import Image

from site_builder.config import SiteConfig
from site_builder.domain import places
from site_builder.domain.model import Certification, Producer, Product, Text
from site_builder.domain.taxonomy import PRODUCT_SETS

REPO = Path(__file__).resolve().parent.parent
SITE_URL = "https://ocop.khanhhoa.gov.vn/"
OFFICE = {"name": "Văn phòng Điều phối nông thôn mới tỉnh Khánh Hòa", "email": "ocop@khanhhoa.gov.vn",
          "phone": "0258 3822 000", "zalo": "0912345678"}
AS_OF = date(2026, 11, 22)


def opened(code_text: str) -> str:
    """The address a browser opens for the text a QR code carries: its scheme and host in
    small letters (the codes write the host in capitals, which takes fewer modules)."""
    parts = urlsplit(code_text)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query,
                       parts.fragment))

BASE_RECORD = {
    "id": "nho-say-nhon-son",
    "name": {"vi": "Nho sấy tách hạt Nhơn Sơn", "en": "Nhon Son seedless dried grapes"},
    "product_set": 7,
    "story": {"vi": "Nho đỏ Ninh Thuận được tách hạt bằng tay rồi sấy lạnh.\n",
              "en": "Red Ninh Thuan grapes, seeded by hand, then cold-dried.\n"},
    "producer": {
        "name": "Hợp tác xã Nông nghiệp Nhơn Sơn",
        "type": "cooperative",
        "phone": "0259 3854 112",
        "address_on_certificate": "Thôn Láng Ngựa, xã Nhơn Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận",
        "province": "Khánh Hòa",
        "commune": "Phường Đô Vinh",
    },
    "certifications": [{
        "stars": 3, "score": 64, "regime": "148", "decision": "1120/QĐ-UBND",
        "decision_date": "2024-03-15", "authority": "UBND huyện Ninh Sơn",
    }],
    "photos": [{"file": "anh-1.jpg", "alt": {"vi": "Túi nho sấy 200 g"}}],
}

# A product as an office's decision annex gives it (what `ocop import` writes): certification
# only, no story, photos, contacts or GTIN, no product set, and a commune still to settle.
ANNEX_RECORD = {
    "id": "mat-ong-tan-ninh",
    "name": {"vi": "Mật ong hoa nhãn Tân Ninh"},
    "producer": {
        "name": "HTX Nông nghiệp Tân Ninh",
        "type": "cooperative",
        "address_on_certificate": "Khu phố 4, Phường 4, thành phố Tây Ninh, tỉnh Tây Ninh",
        "province": "Tây Ninh",
    },
    "certifications": [{
        "stars": 4, "score": 72, "regime": "148", "decision": "2150/QĐ-UBND",
        "decision_date": "2024-09-20", "authority": "UBND tỉnh Tây Ninh",
    }],
    "to_confirm": {
        "producer.type": "suy ra từ tên chủ thể «HTX Nông nghiệp Tân Ninh»",
        "producer.commune": "xã Phường 4 cũ đã chia: Phường Tân Ninh hoặc Phường Long An — chọn một",
    },
}


def annex_record(**changes: object) -> dict:
    """A copy of the bare annex record with top-level fields replaced."""
    data = copy.deepcopy(ANNEX_RECORD)
    data.update(copy.deepcopy(changes))
    return data


def record(**changes: object) -> dict:
    """A copy of the base record with top-level fields replaced."""
    data = copy.deepcopy(BASE_RECORD)
    data.update(copy.deepcopy(changes))
    return data


def published_document(documents: list[dict]) -> str:
    """The name the site publishes the last of a lot's ``documents`` under (the project's,
    never the file's: its place in the lot, a slug of its title, the type of its content)."""
    from site_builder.domain.site_paths import slug

    kind = Path(documents[-1]["file"]).suffix.lower().lstrip(".").replace("jpeg", "jpg")
    return f"{len(documents)}-{slug(documents[-1]['title'])}.{kind}"


def write_record(products: Path, data: dict, *, photo: bool = True, text: str | None = None) -> Path:
    folder = products / str(data.get("id", "khong-co-ma"))
    folder.mkdir(parents=True, exist_ok=True)
    if photo:
        Image.new("RGB", (64, 48), (120, 30, 60)).save(folder / "anh-1.jpg", "JPEG")
    path = folder / "product.yml"
    path.write_text(text if text is not None else
                    yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def products(tmp_path: Path) -> Path:
    folder = tmp_path / "products"
    folder.mkdir()
    return folder


@pytest.fixture
def site_config(products: Path) -> SiteConfig:
    return SiteConfig(products_dir=products, site_url="https://ocop.khanhhoa.gov.vn/",
                      as_of=date(2026, 11, 22))


def write_mkdocs_config(folder: Path, products_dir: Path, site_url: str = "https://ocop.khanhhoa.gov.vn/",
                        draft: bool = False, sample_data: bool = False) -> Path:
    """A mkdocs.yml for a catalog in ``folder`` that uses this repository's theme."""
    (folder / "docs").mkdir(exist_ok=True)
    config = {
        "site_name": "Sản phẩm OCOP thử nghiệm",
        "site_url": site_url,
        "docs_dir": "docs",
        "theme": {"name": "material", "custom_dir": str(REPO / "theme"), "language": "vi"},
        "plugins": [{"ocop": {"products_dir": str(products_dir), "draft": draft, "sample_data": sample_data,
                              "templates_dir": str(REPO / "theme" / "ocop"),
                              "cache_dir": str(folder / ".cache"), "ocop_office": OFFICE}}],
        "nav": [{"Trang chủ": "index.md"}, {"Danh mục": "san-pham/index.md"}],
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def product_with(*certifications: Certification, **changes: object) -> Product:
    """A product of Khánh Hòa with the given certification history, oldest first."""
    province = places.find_province("Khánh Hòa")
    producer = Producer("Hợp tác xã Nông nghiệp Nhơn Sơn", "cooperative",
                        "xã Nhơn Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận", province,
                        places.find_commune(province, "Phường Đô Vinh"))
    fields = dict(id="nho-say-nhon-son", name=Text("Nho sấy Nhơn Sơn"), product_set=PRODUCT_SETS[7],
                  story=Text("Nho sấy."), producer=producer, certifications=certifications,
                  source=Path("products/nho-say-nhon-son/product.yml"))
    fields.update(changes)
    return Product(**fields)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The bundled sample catalog, built once as of 22 November 2026."""
    from site_builder.mkdocs.build import build_site

    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "products", root / "products")
    config = write_mkdocs_config(root, root / "products", SITE_URL, sample_data=True)
    result = build_site(config, as_of=AS_OF)
    assert result.products >= 30
    return result.site_dir


ANNEX_LOT = {"lot": "TN2410", "produced": "2026-10-02"}


@pytest.fixture(scope="session")
def annex_site(tmp_path_factory) -> Path:
    """A catalog of two products built as of 22 November 2026: the base record, and the bare
    annex record (no story, photo, phone, GTIN, product set or commune) with one lot."""
    from site_builder.mkdocs.build import build_site

    root = tmp_path_factory.mktemp("annex")
    write_record(root / "products", record())
    write_record(root / "products", annex_record(batches=[ANNEX_LOT]), photo=False)
    result = build_site(write_mkdocs_config(root, root / "products", SITE_URL), as_of=AS_OF)
    assert result.products == 2
    return result.site_dir


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (skipped where it is not installed,
    except in CI, which installs it)."""
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield instance
        instance.close()


DRAFT_PHONE = "0259.385.1234"  # written with dots, as on many packages
DRAFT_OFFICE_PHONE = "+84 (0) 258 3822 000"
DRAFT_GTIN = "08936058120099"
DRAFT_LOT = {"lot": "NS2611", "produced": "2026-11-02", "expires": "2027-05-02"}


@pytest.fixture(scope="session")
def draft_site(tmp_path_factory) -> Path:
    """A draft build as of 22 November 2026 of the base record (valid until 15 March 2027) with
    a GTIN, one lot, and phone numbers written in ways people write them: the producer's with
    dots and its Zalo with the country code, the office's with '+84 (0)'."""
    from site_builder.mkdocs.build import build_site

    root = tmp_path_factory.mktemp("draft")
    producer = {**BASE_RECORD["producer"], "phone": DRAFT_PHONE, "zalo": "84913456789"}
    write_record(root / "products", record(producer=producer, gtin=DRAFT_GTIN[1:],
                                           batches=[DRAFT_LOT]))
    config = write_mkdocs_config(root, root / "products", SITE_URL, draft=True)
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["plugins"][0]["ocop"]["ocop_office"] = {**OFFICE, "phone": DRAFT_OFFICE_PHONE}
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    result = build_site(config, as_of=AS_OF)
    assert result.products == 1
    return result.site_dir
