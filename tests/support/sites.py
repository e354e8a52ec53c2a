"""Where the tests' catalogs are built: this repository, the site's address, the day they are
built as of, and a mkdocs.yml for a catalog in a folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

REPO = Path(__file__).resolve().parent.parent.parent
SITE_URL = "https://ocop.khanhhoa.gov.vn/"
OFFICE = {"name": "Văn phòng Điều phối nông thôn mới tỉnh Khánh Hòa", "email": "ocop@khanhhoa.gov.vn",
          "phone": "0258 3822 000", "zalo": "0912345678"}
AS_OF = date(2026, 11, 22)
# Debian's headless Chromium, which the browser tests drive (conftest.browser).
CHROMIUM = Path("/usr/bin/chromium")


def opened(code_text: str) -> str:
    """The address a browser opens for the text a QR code carries: its scheme and host in
    small letters (the codes write the host in capitals, which takes fewer modules)."""
    parts = urlsplit(code_text)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query,
                       parts.fragment))


def write_mkdocs_config(folder: Path, products_dir: Path, site_url: str = SITE_URL,
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
