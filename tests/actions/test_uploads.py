"""The import workflow's loop, run as the workflow runs it: what an office uploaded into
imports/ is reviewed (dry run) into the job summary, imported, and moved into imports/done/;
a sheet with errors writes nothing and stays; the summary stays within GitHub's 1 MiB."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import markdown
import pytest
import yaml
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from support.sites import REPO, write_mkdocs_config

sys.path[:0] = [str(REPO / "tests" / "sheets"), str(REPO / "tests" / "media_import")]
import lot_logs  # noqa: E402
from annexes import EXPECTED_IDS, write_xlsx  # noqa: E402
from phone_photos import (  # noqa: E402
    ANNEX_EXPECTED,
    ANNEX_REFUSED,
    jpeg_bytes,
    picture,
    report_pdf,
    write_annex_photos,
)

from site_builder.actions.__main__ import main as actions  # noqa: E402
from site_builder.actions.summary import LIMIT, Summary, fence  # noqa: E402
from site_builder.actions.uploads import waiting  # noqa: E402
from site_builder.cli import main as ocop  # noqa: E402


@pytest.fixture
def repo(tmp_path: Path) -> dict:
    """A repository checkout as the workflow sees it: mkdocs.yml, products/, imports/."""
    (tmp_path / ".git").mkdir()
    products = tmp_path / "products"
    products.mkdir()
    config = write_mkdocs_config(tmp_path, products)
    imports = tmp_path / "imports"
    (imports / "done").mkdir(parents=True)
    (imports / "README.md").write_text("Tải danh sách lên đây.\n", encoding="utf-8")
    return {"root": tmp_path, "products": products, "config": config, "imports": imports,
            "summary": tmp_path / "summary.md", "output": tmp_path / "output.txt"}


def _bad_sheet(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["TT", "Tên sản phẩm", "Tên chủ thể", "Địa chỉ", "Xếp hạng", "Tổng điểm"])
    sheet.append([1, "Mãng cầu Bà Đen", "Tổ hợp tác Mãng cầu Ninh Thạnh",
                  "Ấp Ninh Phú, xã Ninh Thạnh, thành phố Tây Ninh, tỉnh Tây Ninh", "9 sao", "71"])
    book.save(path)
    return path


def _run(repo: dict, *args: str) -> int:
    return actions(["-f", str(repo["config"]), "--summary", str(repo["summary"]),
                    "--output", str(repo["output"]), *args])


def _outputs(repo: dict) -> dict[str, str]:
    return dict(line.split("=", 1) for line in repo["output"].read_text().splitlines())


def test_only_new_uploads_wait(repo):
    imports = repo["imports"]
    (imports / ".gitkeep").touch()
    (imports / "done" / "cu.xlsx").touch()
    (imports / "anh-lo-moi").mkdir()
    (imports / "anh-lo-moi" / "IMG_0042.jpg").touch()
    (imports / "phu-luc.xlsx").touch()
    assert [p.relative_to(imports).as_posix() for p in waiting(imports)] == [
        "phu-luc.xlsx", "anh-lo-moi/IMG_0042.jpg"]
    assert waiting(repo["root"] / "khong-co") == []


def test_an_uploaded_annex_is_reviewed_imported_and_moved(repo, tmp_path, monkeypatch):
    monkeypatch.chdir(repo["root"])
    write_xlsx(repo["imports"] / "phu-luc-1234.xlsx")
    _bad_sheet(repo["imports"] / "danh-sach-loi.xlsx")
    todo = tmp_path / "todo"
    assert _run(repo, "uploads", "--imports", "imports", "--todo-dir", str(todo)) == 0
    written = {p.name for p in repo["products"].iterdir()}
    assert written == EXPECTED_IDS
    assert not (repo["imports"] / "phu-luc-1234.xlsx").exists()
    moved = list((repo["imports"] / "done").glob("*/phu-luc-1234.xlsx"))
    assert len(moved) == 1 and date.fromisoformat(moved[0].parent.name)
    assert (repo["imports"] / "danh-sach-loi.xlsx").exists()  # refused: stays to be replaced
    assert _outputs(repo) == {"uploads": "2", "imported": "1", "refused": "1"}
    # The to-do workbooks, read with another library than the one that wrote them.
    sheets = CalamineWorkbook.from_path(str(todo / "phu-luc-1234-viec-can-lam.xlsx"))
    rows = sheets.get_sheet_by_index(0).to_python()
    assert len(rows) >= 9 and any("Mật ong hoa nhãn Mỹ Sơn" in map(str, row) for row in rows)
    assert (todo / "danh-sach-loi-viec-can-lam.xlsx").is_file()

    summary = repo["summary"].read_text(encoding="utf-8")
    assert summary.startswith("## Nhập dữ liệu tải lên")
    assert "### `imports/danh-sach-loi.xlsx`" in summary
    assert "✘ Chưa nhập: bảng có lỗi" in summary
    assert "### `imports/phu-luc-1234.xlsx`" in summary
    assert f"✔ Đã nhập; tệp được chuyển vào imports/done/{moved[0].parent.name}/" in summary
    assert "Chạy thử, không ghi gì: 8 hồ sơ mới" in summary
    html = markdown.markdown(summary, extensions=["fenced_code"])
    assert "<pre><code>" in html and "<h3><code>imports/phu-luc-1234.xlsx</code></h3>" in html

    # Uploaded again under the same name: nothing new to write, moved beside the first.
    write_xlsx(repo["imports"] / "phu-luc-1234.xlsx")
    (repo["imports"] / "danh-sach-loi.xlsx").unlink()
    assert _run(repo, "uploads", "--imports", "imports", "--todo-dir", str(tmp_path / "t2")) == 0
    assert sorted(p.name for p in moved[0].parent.iterdir()) == ["phu-luc-1234-2.xlsx",
                                                                "phu-luc-1234.xlsx"]


def _tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _record(repo: dict, product_id: str) -> dict:
    path = repo["products"] / product_id / "product.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_one_upload_of_an_annex_a_lot_log_its_report_and_phone_photos(repo, tmp_path,
                                                                      monkeypatch):
    """Dropped together into imports/ (the issue's case): the annex first, then the lot log
    with the report it names from beside it, then the photos; each file imported once, moved
    to imports/done/<day>/; the two bad photos stay, one message each in the summary."""
    monkeypatch.chdir(repo["root"])
    imports = repo["imports"]
    write_xlsx(imports / "phu-luc-qd-1234.xlsx")
    lot_logs.write_xlsx(imports / "so-theo-doi-lo.xlsx")  # and its report beside it
    write_annex_photos(imports)
    assert _run(repo, "uploads", "--todo-dir", str(tmp_path / "todo")) == 0

    for product_id, count in lot_logs.PRODUCT_IDS.items():
        data = _record(repo, product_id)
        assert len(data["batches"]) == count and len(data["photos"]) == 1, product_id
    honey = _record(repo, "mat-ong-hoa-nhan-my-son")["batches"][0]
    assert honey["documents"] == [{"title": "Phiếu kiểm nghiệm",  # the log's, taken once
                                   "file": "lo-MO2506/phieu-kiem-nghiem-mo2506.pdf"}]
    assert _tree(repo["products"] / "mat-ong-hoa-nhan-my-son" / "lo-MO2506") == [
        "phieu-kiem-nghiem-mo2506.pdf"]
    report = next(b for b in _record(repo, "nho-say-deo-nhon-son")["batches"]
                  if b["lot"] == "NS-2604")["documents"]
    assert [d["file"].split("/")[0] for d in report] == ["lo-NS-2604"]

    day = next((imports / "done").iterdir()).name
    assert date.fromisoformat(day)
    assert _tree(imports) == sorted(["README.md", *ANNEX_REFUSED, *(
        f"done/{day}/{name}" for name in ["phu-luc-qd-1234.xlsx", "so-theo-doi-lo.xlsx",
                                          lot_logs.REPORT, *ANNEX_EXPECTED])])
    assert _outputs(repo) == {"uploads": "9", "imported": "7", "refused": "2"}

    summary = repo["summary"].read_text(encoding="utf-8")
    order = [summary.index(f"### `imports/{name}`") for name in ("phu-luc-qd-1234.xlsx",
                                                                  "so-theo-doi-lo.xlsx")]
    assert order == sorted(order) and order[-1] < summary.index("### `imports/`: ảnh và tài liệu")
    assert f"lấy từ bên cạnh bảng và chuyển cùng bảng: `{lot_logs.REPORT}`." in summary
    assert f"✔ Đã nhập 4 tệp (hoặc đã có sẵn trong hồ sơ); chuyển vào imports/done/{day}/." \
        in summary
    left = summary.split("#### Tệp chưa nhập")[1].split("####")[0]
    assert [line.split(": lỗi: ")[0] for line in left.splitlines() if ": lỗi: " in line] == [
        f"imports/{name}" for name in sorted(ANNEX_REFUSED)]  # one clear message each
    assert "ảnh bị cắt cụt" in left and "tên do điện thoại hoặc ứng dụng đặt" in left
    # The records are sound, but the site waits for the two files: the check step says so.
    assert _run(repo, "check", "--uploads-refused", _outputs(repo)["refused"]) == 0
    assert "✔ Hồ sơ không có lỗi, nhưng 2 tệp tải lên chưa nhập được (xem ở trên): trang web " \
        "chưa được đăng lại." in repo["summary"].read_text(encoding="utf-8")

    # The office renames the phone's file and drops the cut copy: the next run imports the
    # rest, and nothing of the first upload is imported again.
    (imports / "IMG_20261104_083010.jpg").rename(imports / "Bưởi da xanh Lâm Sơn 2.jpg")
    (imports / "mat-ong-hoa-nhan-my-son (1).jpg").unlink()
    before = {p: p.read_bytes() for p in repo["products"].rglob("*.yml")}
    assert _run(repo, "uploads", "--todo-dir", str(tmp_path / "todo")) == 0
    assert _outputs(repo).items() >= {"uploads": "1", "imported": "1", "refused": "0"}.items()
    assert len(_record(repo, "buoi-da-xanh-lam-son")["photos"]) == 2
    changed = [p.parent.name for p, text in before.items() if p.read_bytes() != text]
    assert changed == ["buoi-da-xanh-lam-son"]
    assert _tree(imports) == ["README.md", *sorted(
        f"done/{day}/{name}" for name in ["phu-luc-qd-1234.xlsx", "so-theo-doi-lo.xlsx",
                                          lot_logs.REPORT, "Bưởi da xanh Lâm Sơn 2.jpg",
                                          *ANNEX_EXPECTED])]
    assert _run(repo, "check") == 0 and _outputs(repo)["clean"] == "true"


def test_a_folder_holding_a_lot_log_its_report_and_photos(repo, tmp_path, monkeypatch):
    """A producer's folder uploaded whole: the log inside is imported as a lot log (with the
    report it names beside it), not refused by the folder import; the photos after it."""
    monkeypatch.chdir(repo["root"])
    assert ocop(["-f", str(repo["config"]), "import", str(write_xlsx(tmp_path / "phu-luc.xlsx"))
                 ]) == 0  # the annex, imported before
    folder = repo["imports"] / "nho-say-thang-4"
    folder.mkdir()
    lot_logs.write_xlsx(folder / "so-lo.xlsx")
    (folder / "nho-say-deo-nhon-son.jpg").write_bytes(jpeg_bytes(picture(900, 600, 1)))
    (folder / "KQ NS-2604.pdf").write_bytes(report_pdf("NS-2604"))
    (folder / ".DS_Store").write_bytes(bytes(64))
    assert _run(repo, "uploads", "--todo-dir", str(tmp_path / "todo")) == 0
    assert _outputs(repo) == {"uploads": "4", "imported": "4", "refused": "0"}
    assert len(_record(repo, "nho-say-deo-nhon-son")["batches"]) == 4
    assert len(_record(repo, "nho-say-deo-nhon-son")["photos"]) == 1
    day = next((repo["imports"] / "done").iterdir()).name
    assert _tree(repo["imports"]) == ["README.md", *sorted(
        f"done/{day}/nho-say-thang-4/{name}" for name in [
            "so-lo.xlsx", lot_logs.REPORT, "nho-say-deo-nhon-son.jpg", "KQ NS-2604.pdf",
            ".DS_Store"])]
    assert not folder.exists()
    summary = repo["summary"].read_text(encoding="utf-8")
    assert "### `imports/nho-say-thang-4/so-lo.xlsx`" in summary
    assert "bảng tính danh sách sản phẩm, không phải ảnh" not in summary


def test_a_lot_log_with_errors_keeps_its_documents_beside_it(repo, tmp_path, monkeypatch):
    """A log that cannot be imported yet (its products are not in the catalog) stays with the
    report it names; the report is not handed to the folder import meanwhile."""
    monkeypatch.chdir(repo["root"])
    lot_logs.write_xlsx(repo["imports"] / "so-theo-doi-lo.xlsx")
    assert _run(repo, "uploads", "--todo-dir", str(tmp_path / "todo")) == 0
    assert _outputs(repo) == {"uploads": "2", "imported": "0", "refused": "1"}
    assert _tree(repo["imports"]) == ["Phieu kiem nghiem MO2506.pdf", "README.md",
                                      "so-theo-doi-lo.xlsx"]
    summary = repo["summary"].read_text(encoding="utf-8")
    assert f"vẫn nằm cạnh bảng, chờ bảng được nhập: `{lot_logs.REPORT}`." in summary
    assert "### `imports/`" not in summary  # nothing for the folder import


def test_the_check_step_annotates_and_says_whether_to_publish(repo, monkeypatch, capfd):
    monkeypatch.chdir(repo["root"])
    write_xlsx(repo["imports"] / "phu-luc.xlsx")
    assert _run(repo, "uploads", "--todo-dir", str(repo["root"] / "todo")) == 0
    assert _run(repo, "check") == 0
    assert _outputs(repo)["clean"] == "true"
    assert "✔ Không có lỗi: trang web sẽ được đăng lại." in repo["summary"].read_text()
    record = next(repo["products"].iterdir()) / "product.yml"
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    data["certifications"][0]["decision_date"] = "2025-02-30"
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    capfd.readouterr()
    assert _run(repo, "check") == 1
    assert "::error file=products/" in capfd.readouterr().out
    assert repo["output"].read_text().splitlines()[-1] == "clean=false"
    assert "✘ Có lỗi: trang web chưa được đăng lại." in repo["summary"].read_text()


def test_a_long_review_is_cut_to_fit_the_summary():
    assert fence("a ``` b ```` c") == "`````"
    summary = Summary("vi")
    text = "\n".join(f"dòng {n}: " + "ư" * 300 for n in range(4000))  # about 2.5 MB
    summary.block(text, 0.5, lambda lines: f"… còn {lines} dòng")
    summary.add("## Kiểm tra hồ sơ")
    out = summary.markdown()
    assert len(out.encode("utf-8")) <= LIMIT / 2 + 1000
    assert out.count("```") == 2 and "… còn " in out and out.rstrip().endswith("## Kiểm tra hồ sơ")
    kept = int(out.split("… còn ")[1].split(" ")[0])
    assert 4000 - kept == out.count("\ndòng ")  # every line kept or counted
    for _ in range(5):
        summary.block(text, 1.0, lambda lines: f"… còn {lines} dòng")
    assert len(summary.markdown().encode("utf-8")) <= LIMIT
