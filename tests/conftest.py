"""Shared fixtures: a temporary catalog folder and its settings, catalogs built once per session,
a browser. What tests share besides fixtures is in tests/support/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from support.records import (
    ANNEX_LOT,
    BASE_RECORD,
    DRAFT_GTIN,
    DRAFT_LOT,
    DRAFT_OFFICE_PHONE,
    DRAFT_PHONE,
    annex_record,
    record,
    write_record,
)
from support.sites import AS_OF, CHROMIUM, OFFICE, REPO, SITE_URL, write_mkdocs_config

from site_builder.config import SiteConfig


@pytest.fixture
def products(tmp_path: Path) -> Path:
    folder = tmp_path / "products"
    folder.mkdir()
    return folder


@pytest.fixture
def site_config(products: Path) -> SiteConfig:
    return SiteConfig(products_dir=products, site_url=SITE_URL, as_of=AS_OF)


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
