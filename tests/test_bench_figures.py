"""The benches write their own figures into manual/figures.md (bench/figures.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import figures  # noqa: E402

PAGE = """# Figures

What `<!-- figures: run.py 2000 -->` means, said in the text.

## National scale

What run.py measures.

<!-- figures: run.py 2000 -->
old figures
<!-- /figures: run.py 2000 -->

What they meant.

## Shells

<!-- figures: shells.py -->
shells
<!-- /figures: shells.py -->
"""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "figures.md"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_a_run_replaces_its_own_block_and_nothing_else(page: Path):
    figures.record("run.py 2000", "| new | figures |", page)
    assert page.read_text(encoding="utf-8") == PAGE.replace("old figures", "| new | figures |")


def test_a_run_with_other_arguments_goes_after_the_same_bench_s_blocks(page: Path):
    figures.record("run.py 2000 --lots 10", "ten lots", page)
    text = page.read_text(encoding="utf-8")
    assert text.index("old figures") < text.index("ten lots") < text.index("What they meant")
    assert ("<!-- figures: run.py 2000 --lots 10 -->\nten lots\n"
            "<!-- /figures: run.py 2000 --lots 10 -->") in text
    figures.record("run.py 2000 --lots 10", "ten lots again", page)
    assert page.read_text(encoding="utf-8").count("ten lots") == 1


def test_a_bench_without_a_block_gets_a_section_at_the_end(page: Path):
    figures.record("stamp_levels.py --dpi 300", "levels", page)
    text = page.read_text(encoding="utf-8")
    assert text.startswith(PAGE.rstrip())
    assert text.endswith("## `bench/stamp_levels.py`\n\n<!-- figures: stamp_levels.py --dpi 300 -->"
                         "\nlevels\n<!-- /figures: stamp_levels.py --dpi 300 -->\n")


def test_printed_tables_stay_tables_and_other_lines_are_text():
    printed = "Machine: x86_64\n\n| a | b |\n|---|---|\n| 1 | 2 |\nLoad after: 1.0\n"
    assert figures.as_markdown(printed) == (
        "```text\nMachine: x86_64\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```text\nLoad after: 1.0\n```")


def test_a_run_records_what_main_printed_with_command_and_machine(page, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["bench/shells.py"])
    assert figures.run(lambda: print("| s | 1.0 |") or 0, page) == 0
    block = re.search(r"<!-- figures: shells.py -->\n(.*)\n<!-- /figures: shells.py -->",
                      page.read_text(encoding="utf-8"), re.S)
    assert block
    assert block.group(1).startswith("`python bench/shells.py`, ")
    assert f"{figures.machine()}; load average" in block.group(1)
    assert block.group(1).endswith("\n\n| s | 1.0 |")
    assert "| s | 1.0 |" in capsys.readouterr().out  # still printed as it ran


def test_a_failed_run_records_nothing(page, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["bench/run.py", "2000"])
    stdout = sys.stdout
    assert figures.run(lambda: print("half") or 1, page) == 1

    def broken() -> int:
        print("half")
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        figures.run(broken, page)
    assert sys.stdout is stdout
    assert page.read_text(encoding="utf-8") == PAGE
    assert [p.name for p in page.parent.iterdir()] == ["figures.md"]  # no copy left beside it


def test_every_bench_writes_its_figures():
    """Every script of bench/ that measures ends by recording what it measured."""
    # the recorder, the catalog generator, and earlier code to measure against
    helpers = {"figures.py", "synthetic.py", "reference.py"}
    silent = [path.name for path in sorted((REPO / "bench").glob("*.py"))
              if path.name not in helpers and "figures.run(" not in path.read_text(encoding="utf-8")]
    assert not silent


def test_every_block_of_the_manual_s_figures_belongs_to_a_bench():
    text = figures.FIGURES.read_text(encoding="utf-8")
    begins = re.findall(r"^<!-- figures: (.+) -->$", text, re.M)
    ends = re.findall(r"^<!-- /figures: (.+) -->$", text, re.M)
    assert begins == ends and len(set(begins)) == len(begins)
    assert all((REPO / "bench" / key.split()[0]).is_file() for key in begins), begins
