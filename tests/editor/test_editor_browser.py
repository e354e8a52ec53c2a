"""The form editor in a real browser: an office user opens /admin/ of a built site, signs in
with Decap CMS's local backend (decap-server, on a temporary copy of the repository's products),
edits a product's story in two languages, confirms an imported value, adds a lot with a stage
and a photo, and saves. The file written is a record `ocop check` accepts, in the record's
field order, and the next build shows the story and the lot's page. On a phone too.

Set OCOP_README_SHOTS to a folder to keep the screenshots manual/offices.md shows there."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from PIL import Image
from static_host import serve
from support.sites import CHROMIUM, REPO, write_mkdocs_config

from site_builder.cli import main
from site_builder.mkdocs.build import build_site
from site_builder.records.schema import json_schema

DECAP_SERVER = REPO / ".ci" / "cms" / "node_modules" / "decap-server" / "dist" / "index.js"
if not CHROMIUM.exists() or not DECAP_SERVER.exists() or not shutil.which("node"):
    if not os.environ.get("CI"):
        pytest.skip("Chromium, node or decap-server missing (.ci/run installs them)",
                    allow_module_level=True)

SITE_URL = "https://ocop.namdinh.gov.vn/"
PRODUCT = "banh-nhan-my-phuc"
LOT = "MP2611"
STORY_VI = "Bánh nhãn Mỹ Phúc nay đóng hộp giấy 200 g.\n\nMỗi mẻ bánh chiên trong ngày."
STORY_EN = "My Phuc longan cakes now come in 200 g paper boxes, fried fresh each day."
SHOTS = os.environ.get("OCOP_README_SHOTS")
AS_OF = date(2026, 11, 22)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"decap-server stopped: {process.stdout.read() if process.stdout else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"decap-server did not listen on {port}")


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Iterator[dict]:
    """A catalog folder like a repository checkout: its products (one imported value still to
    confirm, a Chinese name the site does not publish), a site built with the editor on, served
    on loopback, and decap-server writing into the products."""
    root = tmp_path_factory.mktemp("office")
    shutil.copytree(REPO / "products", root / "products")
    record = root / "products" / PRODUCT / "product.yml"
    text = record.read_text(encoding="utf-8").replace(
        "  en: My Phuc longan-shaped cakes\n",
        "  en: My Phuc longan-shaped cakes\n  zh: 美福龙眼饼\n")
    text += "to_confirm:\n  producer.commune: suy ra từ địa chỉ «xã Mỹ Phúc, huyện Mỹ Lộc»\n"
    record.write_text(text, encoding="utf-8")
    port = free_port()
    config = write_mkdocs_config(root, root / "products", SITE_URL, draft=True)
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["plugins"][0]["ocop"]["products_dir"] = "products"
    settings["plugins"][0]["ocop"]["editor"] = {
        "enabled": True, "repo": "ocop-namdinh/danh-muc", "branch": "main",
        "local_backend": f"http://127.0.0.1:{port}/api/v1"}
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    site = build_site(config, as_of=AS_OF).site_dir
    server = subprocess.Popen(
        ["node", str(DECAP_SERVER)], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env={**os.environ, "PORT": str(port), "MODE": "fs",
                        "GIT_REPO_DIRECTORY": str(root), "LOG_LEVEL": "error"})
    try:
        wait_for_port(port, server)
        with serve(site, clean_urls=True) as base:
            yield {"root": root, "config": config, "record": record, "base": base, "site": site}
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def vi_browser(browser):
    """The session's Chromium; each page is opened in Vietnamese (``locale="vi-VN"``), as an
    office's. A second Playwright instance cannot run beside the session's one."""
    return browser


def shot(page, name: str, tmp: Path, **options) -> Path:
    path = tmp / f"{name}.png"
    page.screenshot(path=str(path), **options)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        Image.open(path).convert("RGB").quantize(64).save(Path(SHOTS) / f"{name}.png",
                                                          optimize=True)
    return path


def sign_in(page, base: str) -> None:
    page.goto(base + "admin/")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Bánh nhãn Mỹ Phúc").first.wait_for()


def keys_in_record_order(data: dict, schema: dict, spec: dict | None = None) -> list[str]:
    """The keys of ``data``, at every depth, that come out of the schema's order."""
    spec = spec or schema
    defs = schema["$defs"]
    order = list(spec.get("properties", {}))
    wrong = []
    if list(data) != sorted(data, key=lambda k: order.index(k) if k in order else len(order)):
        wrong.append(f"{list(data)} not in the order {order}")
    for key, value in data.items():
        prop = spec.get("properties", {}).get(key, {})
        prop = next((o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"), prop)
        if "$ref" in prop:
            prop = defs[prop["$ref"].rsplit("/", 1)[-1]]
        items = prop.get("items", {})
        if "$ref" in items:
            items = defs[items["$ref"].rsplit("/", 1)[-1]]
        if isinstance(value, dict) and "properties" in prop:
            wrong += keys_in_record_order(value, schema, prop)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    wrong += keys_in_record_order(item, schema, items)
    return wrong


def test_an_office_edits_a_story_and_adds_a_lot_with_a_stage_and_a_photo(
        office, vi_browser, tmp_path):
    photo = tmp_path / "hop-banh-200g.jpg"
    Image.new("RGB", (1200, 900), (196, 120, 40)).save(photo, "JPEG", quality=85)
    page = vi_browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    other_hosts: list[str] = []
    page.on("request", lambda r: other_hosts.append(r.url)
            if not r.url.startswith((office["base"], "data:", "blob:"))
            and "/api/v1" not in r.url else None)
    page.goto(office["base"] + "admin/")
    login = page.get_by_role("button", name="Đăng nhập")
    login.wait_for()
    shot(page, "editor-1-dang-nhap", tmp_path)
    login.click()
    page.get_by_text("Bánh nhãn Mỹ Phúc").first.wait_for()
    shot(page, "editor-2-danh-sach", tmp_path)
    page.get_by_text("Bánh nhãn Mỹ Phúc").first.click()

    story = page.locator('[id^="story-field-"]').first
    story.locator('textarea[id^="vi-field-"]').fill(STORY_VI)
    story.locator('textarea[id^="en-field-"]').fill(STORY_EN)
    notes = page.locator(".ocop-notes")
    assert "producer.commune" in notes.inner_text()
    notes.get_by_role("button", name="Đã xác nhận").click()
    page.get_by_text("Không còn gì cần xác nhận.").wait_for()

    photos = page.locator('[id^="photos-field-"]').first
    photos.get_by_role("button", name="Thêm ảnh").click()
    photos.get_by_role("button", name="Chọn một hình").click()
    page.locator('input[type="file"]').first.set_input_files(str(photo))
    page.get_by_role("button", name="Lấy những cái đã chọn").click()

    batches = page.locator('[id^="batches-field-"]').first
    batches.get_by_role("button", name="Thêm lô").click()
    batches.locator('input[id^="lot-field-"]').fill(LOT)
    batches.locator('input[id^="produced-field-"]').fill("2026-11-20")
    batches.get_by_role("button", name="Thêm công đoạn").click()
    batches.locator('input[id^="step-field-"]').fill("Chiên và bọc đường")
    batches.locator('input[id^="date-field-"]').fill("2026-11-20")
    batches.locator('input[id^="place-field-"]').fill("Xưởng bánh Mỹ Phúc, xã Mỹ Phúc")
    batches.locator('input[id^="lot-field-"]').scroll_into_view_if_needed()
    shot(page, "editor-3-them-lo", tmp_path)

    record = office["record"]
    before = record.read_text(encoding="utf-8")
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_text("Công bố ngay").click()
    deadline = time.monotonic() + 15
    while record.read_text(encoding="utf-8") == before and time.monotonic() < deadline:
        time.sleep(0.1)
    page.get_by_text("Thay đổi đã được lưu", exact=False).first.wait_for()
    shot(page, "editor-4-da-luu", tmp_path)
    page.close()

    written = record.read_text(encoding="utf-8")
    data = yaml.safe_load(written)
    assert data["story"] == {"vi": STORY_VI, "en": STORY_EN}
    assert data["name"]["zh"] == "美福龙眼饼"  # a language the form does not show is kept
    assert "to_confirm" not in data  # its one entry was confirmed
    assert data["batches"] == [{"lot": LOT, "produced": "2026-11-20", "events": [{
        "step": "Chiên và bọc đường", "date": "2026-11-20",
        "place": "Xưởng bánh Mỹ Phúc, xã Mỹ Phúc"}]}] or _dates_as_text(data["batches"]) == [
        {"lot": LOT, "produced": "2026-11-20", "events": [{
            "step": "Chiên và bọc đường", "date": "2026-11-20",
            "place": "Xưởng bánh Mỹ Phúc, xã Mỹ Phúc"}]}]
    assert data["photos"][-1] == {"file": photo.name}
    with Image.open(record.parent / photo.name) as saved:
        assert saved.format == "JPEG" and saved.size == (1200, 900)
    assert keys_in_record_order(data, json_schema()) == []
    assert "# " not in written  # Decap rewrites the file: its comments are gone (manual/offices.md)
    assert not other_hosts, other_hosts  # the editor loads nothing from other hosts

    assert main(["-f", str(office["config"]), "check", "--as-of", "2026-11-22"]) == 0
    site = build_site(office["config"], as_of=AS_OF).site_dir
    product_page = (site / "san-pham" / PRODUCT / "index.html").read_text(encoding="utf-8")
    assert "Bánh nhãn Mỹ Phúc nay đóng hộp giấy 200 g." in product_page
    english = (site / "en" / "san-pham" / PRODUCT / "index.html").read_text(encoding="utf-8")
    assert "fried fresh each day" in english
    lot_page = (site / "p" / PRODUCT / LOT / "index.html").read_text(encoding="utf-8")
    assert "Chiên và bọc đường" in lot_page and "20/11/2026" in lot_page
    with serve(site, clean_urls=True) as base:  # what a consumer's phone shows of the new lot
        page = vi_browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   locale="vi-VN")
        page.goto(f"{base}p/{PRODUCT}/{LOT}/")
        assert page.get_by_text("Chiên và bọc đường").first.is_visible()
        shot(page, "lo-moi-tren-trang", tmp_path, full_page=False)
        page.close()


def _dates_as_text(value):
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def test_on_a_phone_a_producer_adds_a_lot(office, vi_browser, tmp_path):
    """The form fits a 360 px screen, Publish stays in reach, and a lot added there is saved."""
    page = vi_browser.new_page(viewport={"width": 360, "height": 740}, is_mobile=True,
                            has_touch=True, device_scale_factor=1, locale="vi-VN")
    sign_in(page, office["base"])
    shot(page, "editor-phone-1-danh-sach", tmp_path)
    page.get_by_text("Bánh nhãn Mỹ Phúc").first.click()
    batches = page.locator('[id^="batches-field-"]').first
    batches.get_by_role("button", name="Thêm lô").click()
    batches.locator('input[id^="lot-field-"]').last.fill("MP2612")
    batches.locator('input[id^="produced-field-"]').last.fill("2026-11-21")
    batches.locator('input[id^="lot-field-"]').last.scroll_into_view_if_needed()
    shot(page, "editor-phone-2-them-lo", tmp_path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    publish = page.get_by_role("button", name="Công bố", exact=True)
    box = publish.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 360
    record = office["record"]
    before = record.read_text(encoding="utf-8")
    publish.tap()
    page.get_by_text("Công bố ngay").tap()
    deadline = time.monotonic() + 15
    while record.read_text(encoding="utf-8") == before and time.monotonic() < deadline:
        time.sleep(0.1)
    page.close()
    lots = [(b["lot"], str(b["produced"])) for b in yaml.safe_load(
        record.read_text(encoding="utf-8"))["batches"]]
    assert lots[-1] == ("MP2612", "2026-11-21")
    assert main(["-f", str(office["config"]), "check", "--as-of", "2026-11-22"]) == 0
