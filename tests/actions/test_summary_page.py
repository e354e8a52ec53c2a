"""The job summary as an office reads it: the Markdown of a real run, rendered to HTML and opened
in Chromium (GitHub renders it on its own page, which cannot be reached from here). With
OCOP_README_SHOTS set, its screenshot and the lot page's are kept for manual/offices.md."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import markdown
import pytest
from PIL import Image
from support.sites import CHROMIUM, REPO, write_mkdocs_config

sys.path[:0] = [str(REPO / "tests" / "sheets"), str(REPO / "tests" / "media_import")]
import lot_logs  # noqa: E402
from annexes import write_xlsx  # noqa: E402
from phone_photos import write_annex_photos  # noqa: E402

from site_builder.actions.__main__ import main as actions  # noqa: E402

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (CI installs it)", allow_module_level=True)

SHOTS = os.environ.get("OCOP_README_SHOTS")
PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
body {{ font: 14px/1.5 system-ui, sans-serif; max-width: 880px; margin: 16px auto; color: #1f2328; }}
h2 {{ border-bottom: 1px solid #d1d9e0; padding-bottom: 4px; }}
pre {{ background: #f6f8fa; padding: 12px; border-radius: 6px; overflow: auto; font-size: 12px;
      max-height: 260px; }}
code {{ background: #eff1f3; padding: 1px 4px; border-radius: 4px; }}
pre code {{ background: none; padding: 0; }}
</style></head><body>{body}</body></html>"""


def test_the_summary_reads_in_a_browser(tmp_path, monkeypatch, browser):
    (tmp_path / ".git").mkdir()
    products = tmp_path / "products"
    products.mkdir()
    config = write_mkdocs_config(tmp_path, products)
    (tmp_path / "imports").mkdir()  # an annex, a lot log and phone photos, uploaded together
    write_xlsx(tmp_path / "imports" / "phu-luc-qd-1234.xlsx")
    lot_logs.write_xlsx(tmp_path / "imports" / "so-theo-doi-lo.xlsx")
    write_annex_photos(tmp_path / "imports")
    summary = tmp_path / "summary.md"
    monkeypatch.chdir(tmp_path)
    base = ["-f", str(config), "--summary", str(summary), "--output", str(tmp_path / "out")]
    assert actions([*base, "uploads", "--todo-dir", str(tmp_path / "todo")]) == 0
    refused = dict(line.split("=") for line in (tmp_path / "out").read_text().splitlines())
    assert actions([*base, "check", "--uploads-refused", refused["refused"]]) == 0
    html = PAGE.format(body=markdown.markdown(summary.read_text(encoding="utf-8"),
                                              extensions=["fenced_code"]))
    page_file = tmp_path / "summary.html"
    page_file.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 960, "height": 900})
    page.goto(page_file.as_uri())
    headings = page.locator("h2, h3").all_inner_texts()
    assert headings == ["Nhập dữ liệu tải lên", "imports/phu-luc-qd-1234.xlsx",
                        "imports/so-theo-doi-lo.xlsx", "imports/: ảnh và tài liệu (6 tệp)",
                        "Kiểm tra hồ sơ (ocop check)"]
    assert page.get_by_text("✔ Hồ sơ không có lỗi, nhưng 2 tệp tải lên chưa nhập được").is_visible()
    assert "Chạy thử, không ghi gì: 8 hồ sơ mới" in page.locator("pre").first.inner_text()
    left = page.locator("h4", has_text="Tệp chưa nhập").locator("xpath=following-sibling::pre[1]")
    assert left.inner_text().count(": lỗi: ") == 2 and left.is_visible()
    if SHOTS:
        path = Path(SHOTS) / "import-summary.png"
        page.screenshot(path=str(path), full_page=True)
        Image.open(path).convert("RGB").quantize(64).save(path, optimize=True)
    page.close()
