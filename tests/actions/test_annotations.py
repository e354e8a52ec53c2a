"""`ocop check --format github`: problems as GitHub workflow commands at file and line,
escaped, the worst first, at most 10 of each kind with a notice of the rest."""

from __future__ import annotations

from pathlib import Path

from support.records import record, write_record
from support.sites import write_mkdocs_config

from site_builder.actions.annotations import (
    annotations,
    command,
    escape_data,
    escape_property,
)
from site_builder.cli import main
from site_builder.problems import Message, Problem, Severity


def test_messages_and_properties_are_escaped_as_github_reads_them():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("error", "giá trị 'x: y, z' sai\n100%", file="products/a,b/product.yml",
                   line=3, title="ocop check: name.vi") == (
        "::error file=products/a%2Cb/product.yml,line=3,title=ocop check%3A name.vi::"
        "giá trị 'x: y, z' sai%0A100%25")
    assert command("notice", "chỉ lời") == "::notice::chỉ lời"


def _problem(root: Path, n: int, severity: Severity, line: int = 1) -> Problem:
    return Problem(root / "products" / f"sp-{n:02d}" / "product.yml", line, "producer.phone",
                   Message(f"lỗi {n}", f"error {n}"), severity, "phone_form")


def test_the_worst_come_first_ten_of_each_kind_and_a_notice_of_the_rest(tmp_path):
    problems = [_problem(tmp_path, n, Severity.WARNING) for n in range(14)]
    problems += [_problem(tmp_path, n, Severity.ERROR, line=n + 2) for n in range(12)]
    problems += [_problem(tmp_path, 99, Severity.NOTE)]
    lines = annotations(problems, tmp_path)
    assert [line.split(" ")[0] for line in lines] == (["::error"] * 10 + ["::warning"] * 10
                                                      + ["::notice"])
    assert lines[0] == ("::error file=products/sp-00/product.yml,line=2,"
                        "title=ocop check%3A producer.phone::lỗi 0")
    assert lines[-1].endswith("::Còn 2 lỗi và 4 cảnh báo không hiện ở đây: nhật ký của bước "
                              "này liệt kê đủ mọi vấn đề")
    assert annotations(problems, tmp_path, "en")[-1].endswith(
        "::2 errors and 4 warnings more are not shown here: the step's log lists every problem")
    assert annotations(problems[:3], tmp_path)[-1].startswith("::warning")  # none left out


def test_ocop_check_prints_the_list_then_the_annotations(tmp_path, capsys):
    products = tmp_path / "products"
    write_record(products, record(producer={**record()["producer"], "phone": "gọi: 0259,385"}))
    (tmp_path / ".git").mkdir()  # the repository's root, which GitHub names files from
    config = write_mkdocs_config(tmp_path, products)
    assert main(["-f", str(config), "check", "--format", "github"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "::group::ocop check"
    group_end = out.index("::endgroup::")
    assert any("producer.phone" in line for line in out[1:group_end])
    errors = [line for line in out if line.startswith("::error ")]
    assert len(errors) == 1
    assert errors[0].startswith("::error file=products/nho-say-nhon-son/product.yml,line=")
    assert "title=ocop check%3A producer.phone::" in errors[0]
    assert "'gọi: 0259,385'" in errors[0]  # the message itself keeps ':' and ','
    assert out[-1].startswith("1 hồ sơ, 0 hợp lệ: 1 lỗi")
