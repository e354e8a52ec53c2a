"""A corpus of records built to hurt. Each must give a clear ``path:line: field: message`` and
never a traceback, a hang, a crash or a published site; text that is allowed through must come
out harmless. The corpus is written by ``hostile_corpus`` below, so every case is readable here.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from PIL import Image
from support.records import record, write_record
from support.sites import AS_OF, write_mkdocs_config

from site_builder.assets import favicon
from site_builder.mkdocs.build import build_site

SCRIPT = "<script>alert('x')</script>"
PAYLOADS = [SCRIPT, "<img src=x onerror=alert(1)>", "javascript:alert(2)",
            "<a href='data:text/html,<script>alert(3)</script>'>d</a>",
            "<svg onload=alert(4)>", "\"><b onmouseover=alert(5)>"]


def _png_bomb(path: Path, side: int) -> None:
    """A tiny file that claims a huge image: a PNG header for side x side pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    header = side.to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


def _photo_case(products: Path, name: str, make) -> str:  # type: ignore[no-untyped-def]
    data = record(id=name)
    path = write_record(products, data)
    target = path.parent / "anh-1.jpg"
    target.unlink()
    make(target)
    return name


def hostile_corpus(products: Path, outside: Path) -> dict[str, str]:
    """Write the corpus; returns product folder -> the field its error must name."""
    expected: dict[str, str] = {}

    def raw(name: str, text: str | bytes, field: str = "") -> None:
        folder = products / name
        folder.mkdir(parents=True)
        Image.new("RGB", (8, 8)).save(folder / "anh-1.jpg")
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / "product.yml").write_bytes(data)
        expected[name] = field

    good = yaml.safe_dump(record(), allow_unicode=True, sort_keys=False)
    # YAML that explodes, executes, nests or is simply too big.
    laughs = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    raw("billion-laughs", laughs)
    raw("python-tag", "id: !!python/object/apply:os.system ['echo pwned']\n")
    raw("deep-flow", "id: " + "[" * 100_000 + "]" * 100_000 + "\n")
    raw("deep-block", "- " * 200_000 + "x\n")
    raw("deep-keys", "? " * 100_000 + "x\n")
    raw("fifty-mb", good + "#" * 50_000_000 + "\n")
    raw("not-utf8", good.replace("Nho sấy", "Nho say").encode("utf-8")
        + b"ghi_chu: Nho s\xe2y\n")  # 'sây' saved as Windows-1258
    raw("tabs", good.replace("  name: Hợp", "\tname: Hợp"))
    raw("id-digits", good.replace("id: nho-say-nhon-son", "id: '2'"), "id")
    # Characters that hide or reverse text on the page.
    bidi, nul = record(id="bidi-name"), record(id="nul-producer")
    bidi["name"] = {"vi": "Mật ong\u202e gnôm"}
    nul["producer"] = {**nul["producer"], "name": "HTX\x00 Mỹ Sơn"}
    raw("bidi-name", yaml.safe_dump(bidi, allow_unicode=True), "name.vi")
    raw("nul-producer", yaml.safe_dump(nul, allow_unicode=True), "producer.name")
    blank = record(id="zero-width-name")
    blank["name"] = {"vi": "\u200b\u200b"}
    raw("zero-width-name", yaml.safe_dump(blank, allow_unicode=True), "name.vi")
    # A folder where the record should be (a sync tool's conflict, a slip in a file manager).
    (products / "record-folder" / "product.yml").mkdir(parents=True)
    expected["record-folder"] = ""
    # A date no decision can have yet: 2099 typed for 2019.
    later = record(id="decision-2099")
    later["certifications"][-1]["decision_date"] = "2099-06-30"
    raw("decision-2099", yaml.safe_dump(later, allow_unicode=True),
        f"certifications[{len(later['certifications']) - 1}].decision_date")
    # Paths that leave products/, and files that are not what they claim.
    for name, photo in (("photo-dotdot", "../../../etc/passwd"), ("photo-absolute", "/etc/passwd"),
                        ("photo-missing", "khong-co.jpg"), ("photo-folder", "thu-muc")):
        raw(name, yaml.safe_dump(record(id=name, photos=[{"file": photo}]), allow_unicode=True),
            "photos[0].file")
    (products / "photo-folder" / "thu-muc").mkdir()
    if hasattr(os, "mkfifo"):  # a named pipe named as the photo: opening it would wait for ever
        raw("photo-pipe", yaml.safe_dump(record(id="photo-pipe", photos=[{"file": "anh.jpg"}]),
                                         allow_unicode=True), "photos[0].file")
        os.mkfifo(products / "photo-pipe" / "anh.jpg")
    # A lot's test report that is a folder, and one that is a named pipe.
    for name, make in (("document-folder", os.mkdir), ("document-pipe", getattr(os, "mkfifo", None))):
        if make is None:
            continue
        lot = {"lot": "B2610", "produced": "2026-10-01",
               "documents": [{"title": "Phiếu kết quả thử nghiệm", "file": "kq-B2610.pdf"}]}
        raw(name, yaml.safe_dump(record(id=name, batches=[lot]), allow_unicode=True),
            "batches[0].documents[0].file")
        make(products / name / "kq-B2610.pdf")
    (outside / "secret.jpg").write_bytes((products / "photo-folder" / "anh-1.jpg").read_bytes())
    raw("photo-symlink", yaml.safe_dump(record(id="photo-symlink"), allow_unicode=True),
        "photos[0].file")
    (products / "photo-symlink" / "anh-1.jpg").unlink()
    os.symlink(outside / "secret.jpg", products / "photo-symlink" / "anh-1.jpg")

    def text_as_jpeg(path: Path) -> None:
        path.write_text("đây không phải ảnh")

    def truncated(path: Path) -> None:
        buffer = io.BytesIO()
        Image.new("RGB", (300, 200), "red").save(buffer, "JPEG")
        path.write_bytes(buffer.getvalue()[:400])

    def svg_with_script(path: Path) -> None:
        path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{SCRIPT}</svg>')

    for name, make in (("img-text", text_as_jpeg), ("img-truncated", truncated),
                       ("img-bomb", lambda p: _png_bomb(p, 100_000)),
                       ("img-svg-script", svg_with_script)):
        expected[_photo_case(products, name, make)] = "photos[0].file"
    return expected


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    (root / "outside").mkdir()
    expected = hostile_corpus(root / "products", root / "outside")
    config = write_mkdocs_config(root, root / "products")
    return root, config, expected


@pytest.fixture(scope="module")
def checked(corpus):
    """``ocop check`` run once over the whole corpus, in its own process (a crash shows)."""
    root, config, _ = corpus
    return subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(config), "check",
                           "--as-of", AS_OF.isoformat()], capture_output=True, text=True,
                          timeout=120, cwd=root)


def test_check_names_every_hostile_record_and_never_crashes(corpus, checked):
    _, _, expected = corpus
    run = checked
    assert run.returncode == 1, run.stderr  # an error exit, not a crash (-11) or a hang
    assert "Traceback" not in run.stdout + run.stderr
    for name, field in expected.items():
        lines = [line for line in run.stdout.splitlines()
                 if line.startswith(f"products/{name}/product.yml:") and ": lỗi: " in line]
        assert lines, f"{name}: no error reported"
        assert re.match(rf"products/{name}/product.yml:\d+: ", lines[0])
        if field:
            assert any(f": {field}: " in line for line in lines), (name, lines)


@pytest.mark.parametrize("name, words", [
    ("billion-laughs", "quá nhiều giá trị"), ("python-tag", "không được phép"), ("deep-flow", "quá sâu"),
    ("deep-block", "quá sâu"), ("deep-keys", "quá sâu"), ("fifty-mb", "tệp quá lớn"),
    ("not-utf8", "không phải UTF-8"), ("tabs", "lỗi cú pháp YAML"),
    ("id-digits", "ít nhất một chữ cái"), ("photo-dotdot", "phải nằm trong thư mục products/"),
    ("photo-absolute", "phải nằm trong thư mục products/"),
    ("photo-symlink", "phải nằm trong thư mục products/"),
    ("photo-missing", "không tìm thấy tệp ảnh"), ("photo-folder", "là thư mục"),
    pytest.param("photo-pipe", "không phải tệp thông thường (ống dẫn, thiết bị hay socket)",
                 marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")),
    ("document-folder", "'kq-B2610.pdf' là thư mục, không phải tệp tài liệu"),
    pytest.param("document-pipe", "không phải tệp thông thường (ống dẫn, thiết bị hay socket)",
                 marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")),
    ("img-text", "không phải ảnh"), ("img-truncated", "không phải ảnh hoặc đã hỏng"),
    ("img-bomb", "quá lớn"), ("img-svg-script", "không phải ảnh"),
    ("bidi-name", "có ký tự ẩn U+202E"), ("nul-producer", "có ký tự ẩn U+0000"),
    ("decision-2099", "ngày quyết định 30/06/2099 ở sau hôm nay"),
    ("record-folder", "là thư mục hoặc không phải tệp thông thường"),
    ("zero-width-name", "chỉ có ký tự ẩn"),
])
def test_each_case_is_explained_in_plain_words(checked, name, words):
    mine = "\n".join(line for line in checked.stdout.splitlines()
                     if line.startswith(f"products/{name}/"))
    assert words in mine, mine


def test_build_publishes_nothing(corpus):
    root, config, _ = corpus
    run = subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(config), "build"],
                         capture_output=True, text=True, timeout=180, cwd=root)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert not (root / "site").exists()
    assert not list(root.glob(".site.building-*"))


class _Scan(HTMLParser):
    """Every script element's text (programs and data blocks such as JSON-LD apart), every
    event-handler attribute, every link's scheme."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.data_blocks: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self._in_script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self._in_script = None
        if tag == "script":
            kind = dict(attrs).get("type") or ""
            self._in_script = self.data_blocks if kind.endswith("json") else self.scripts
            self._in_script.append("")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag}.{name}")
            if name in ("href", "src", "srcset", "action", "formaction") and value:
                self.urls.append(value.strip().lower())

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script[-1] += data


def test_scripts_in_every_text_field_come_out_harmless(tmp_path):
    products = tmp_path / "products"
    hostile = " ".join(PAYLOADS)
    data = record(
        name={"vi": f"Nho {hostile}", "en": hostile},
        story={"vi": f"Câu chuyện {hostile}\n\n[bấm](javascript:alert(6)) ![a](data:image/svg+xml,x)\n"},
        brand=hostile, shelf_life=hostile, standards=[hostile],
        where_to_buy=[{"kind": "store", "name": hostile, "address": hostile}],
        photos=[{"file": "anh-1.jpg", "alt": {"vi": hostile}}],
        batches=[{"lot": "L1", "produced": "2026-10-05", "quantity": hostile,
                  "standards": [hostile],
                  "areas": [{"name": hostile, "code": hostile}],
                  "events": [{"step": hostile, "date": "2026-10-05", "place": hostile,
                              "location_code": hostile, "actor": hostile}],
                  "documents": [{"title": hostile, "url": "https://example.vn/a?b=%3Cscript%3E"}]}],
    )
    data["producer"] = {**data["producer"], "name": f"HTX {hostile}", "representative": hostile,
                        "address_on_certificate": f"Thôn {hostile}, tỉnh Ninh Thuận"}
    write_record(products, data)
    site = build_site(write_mkdocs_config(tmp_path, products), as_of=AS_OF).site_dir
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        scan = _Scan()
        scan.feed(page.read_text(encoding="utf-8"))
        where = page.relative_to(site)
        assert not scan.handlers, (where, scan.handlers)
        assert not [u for u in scan.urls if u.startswith(("javascript:", "data:", "vbscript:"))
                    and u.lower() != favicon.DATA_URI.lower()], where  # the site's own icon only
        for script in scan.scripts:
            assert "alert(" not in script, where  # only our own scripts run
        for block in scan.data_blocks:  # JSON data: the text is there, but cannot end the block
            json.loads(block)
            assert "<" not in block, where


def test_cmyk_and_16_bit_photos_become_plain_rgb(tmp_path):
    products = tmp_path / "products"
    path = write_record(products, record())
    Image.new("CMYK", (600, 400), (0, 80, 80, 10)).save(path.parent / "anh-1.jpg", "JPEG")
    site = build_site(write_mkdocs_config(tmp_path, products), as_of=AS_OF).site_dir
    for name in ("anh-1-480.webp", "anh-1-960.webp", "vuong.jpg", "chia-se.jpg"):
        with Image.open(site / "san-pham" / "nho-say-nhon-son" / name) as image:
            assert image.mode == "RGB"
    wide = Image.new("I;16", (300, 200))
    wide.save(path.parent / "anh-1.png")
    data = record(photos=[{"file": "anh-1.png"}])
    write_record(products, data, photo=False)
    site = build_site(write_mkdocs_config(tmp_path, products), as_of=AS_OF).site_dir
    with Image.open(site / "san-pham" / "nho-say-nhon-son" / "anh-1-480.webp") as image:
        assert image.mode == "RGB" and image.size == (300, 200)
