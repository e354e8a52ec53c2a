"""From an office's and a producer's files to a built site, with no YAML typed (issue 19): the
sample annex (tests/sheets/annexes.py) into an empty catalog, a producer's lot log of 12 lots
over 3 of its products (tests/sheets/lot_logs.py: stages on a second sheet, messy dates), then a
folder of phone photos and a test report named by lot (made as tests/media_import/phone_photos.py
makes them), one bad file among them. Every lot gets its page and its stamp, every photo its
product page, and each bad file one clear message."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from PIL import Image
from support.records import published_document
from support.sites import AS_OF, REPO, write_mkdocs_config

sys.path[:0] = [str(REPO / "tests" / "sheets"), str(REPO / "tests" / "media_import")]
import annexes  # noqa: E402
import lot_logs  # noqa: E402
from phone_photos import jpeg_bytes, phone_exif, picture, report_pdf  # noqa: E402

from site_builder.cli import main  # noqa: E402
from site_builder.mkdocs.build import build_site  # noqa: E402


def _run(config: Path, *args: str) -> int:
    return main(["-f", str(config), *args])


def _record(products: Path, product_id: str) -> dict:
    return yaml.safe_load((products / product_id / "product.yml").read_text(encoding="utf-8"))


def _phone_folder(folder: Path) -> Path:
    """Photos as a producer sends them for the annex's products, a report named by a lot the
    lot log made, and a copy cut short."""
    folder.mkdir()
    (folder / "Mật ong hoa nhãn Mỹ Sơn.jpg").write_bytes(jpeg_bytes(picture(1024, 768, 1),
                                                                    phone_exif()))
    sorted_by_product = folder / "Bưởi da xanh Lâm Sơn"
    sorted_by_product.mkdir()
    (sorted_by_product / "IMG_20261103_101522.jpg").write_bytes(
        jpeg_bytes(picture(900, 1200, 2).transpose(Image.Transpose.ROTATE_90), phone_exif(6)))
    (folder / "nho-say-deo-nhon-son.jpg").write_bytes(jpeg_bytes(picture(1024, 768, 3)))
    (folder / "KQ NS-2604.pdf").write_bytes(report_pdf("NS-2604"))
    whole = jpeg_bytes(picture(1024, 768, 4))
    (folder / "mat-ong-hoa-nhan-my-son (1).jpg").write_bytes(whole[: len(whole) // 2])
    return folder


def test_an_annex_a_lot_log_and_phone_photos_become_a_built_site(tmp_path, capsys):
    products = tmp_path / "products"
    products.mkdir()
    config = write_mkdocs_config(tmp_path, products)
    inbox = tmp_path / "nhan-tu-chu-the"
    inbox.mkdir()
    assert _run(config, "import", str(annexes.write_xlsx(inbox / "phu-luc-qd-1234.xlsx"))) == 0
    assert _run(config, "import", str(lot_logs.write_xlsx(inbox / "so-theo-doi-lo.xlsx"))) == 0
    capsys.readouterr()
    photos = _phone_folder(inbox / "anh-gui-ve")
    assert _run(config, "import", str(photos)) == 1  # one bad file: nothing written
    out = capsys.readouterr()
    bad = [line for line in (out.out + out.err).splitlines() if "lỗi:" in line]
    assert len(bad) == 1 and "mat-ong-hoa-nhan-my-son (1).jpg" in bad[0]
    assert _run(config, "import", str(photos), "--skip-invalid") == 0
    assert _run(config, "check") == 0
    text = (products / "mat-ong-hoa-nhan-my-son" / "product.yml").read_text(encoding="utf-8")
    assert text.count("\nbatches:") == 1 and text.count("\nphotos:") == 1

    site = build_site(config, as_of=AS_OF).site_dir
    for product_id, count in lot_logs.PRODUCT_IDS.items():
        data = _record(products, product_id)
        assert len(data["batches"]) == count and len(data["photos"]) == 1, product_id
        stem = Path(data["photos"][0]["file"]).stem
        assert f"{stem}-480.webp" in (site / "san-pham" / product_id / "index.html").read_text(
            encoding="utf-8")
        for batch in data["batches"]:
            page = site / "p" / product_id / batch["lot"] / "index.html"
            assert batch["lot"] in page.read_text(encoding="utf-8"), page
    lot = next(b for b in _record(products, "nho-say-deo-nhon-son")["batches"]
               if b["lot"] == "NS-2604")
    report = lot["documents"][-1]
    assert report["file"].startswith("lo-NS-2604/")  # the folder's report, into a lot of the log
    assert (site / "tai-lieu" / "nho-say-deo-nhon-son" / "NS-2604"
            / published_document(lot["documents"])).is_file()
    stamps = tmp_path / "tem"
    assert _run(config, "stamps", "buoi-da-xanh-lam-son", "--lot", "BLS2605", "--size", "30",
                "--out", str(stamps)) == 0
    assert list(stamps.glob("buoi-da-xanh-lam-son/buoi-da-xanh-lam-son-BLS2605-30mm*.svg"))
