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
from conftest import REPO, write_mkdocs_config
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(REPO / "tests" / "sheets"))
from annexes import EXPECTED_IDS, write_xlsx  # noqa: E402

from site_builder.actions.__main__ import main as actions  # noqa: E402
from site_builder.actions.summary import LIMIT, Summary, fence  # noqa: E402
from site_builder.actions.uploads import import_upload, pending  # noqa: E402


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
    (imports / "phu-luc.xlsx").touch()
    assert [p.name for p in pending(imports)] == ["anh-lo-moi", "phu-luc.xlsx"]
    assert pending(repo["root"] / "khong-co") == []


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


def test_a_folder_the_importer_cannot_read_yet_is_reported_and_kept(repo, tmp_path, monkeypatch):
    monkeypatch.chdir(repo["root"])
    folder = repo["imports"] / "anh-lo-NS2611"
    folder.mkdir()
    (folder / "anh-1.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    outcome = import_upload(folder, repo["config"], tmp_path / "todo", date(2026, 12, 6))
    assert outcome.status in ("refused", "failed", "imported")
    if outcome.status != "imported":  # until `ocop import FOLDER` reads folders of photos
        assert folder.is_dir() and outcome.code != 0 and outcome.review


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
