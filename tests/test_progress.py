"""Progress: a live line on a terminal, plain lines in logs."""

from __future__ import annotations

import io

from site_builder.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    progress = Progress(out)
    progress.start("render", 3)
    for _ in range(3):
        progress.advance()
    progress.done()
    lines = out.getvalue().splitlines()
    assert lines[0] == "dựng trang: 3 mục ..."
    assert lines[1].startswith("dựng trang: xong 3 mục trong ")
    assert "\r" not in out.getvalue()


def test_a_live_line_with_time_left_on_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out = Terminal()
    progress = Progress(out)
    progress.start("validate", 4)
    progress.drawn = -1.0  # draw at once
    progress.advance()
    assert "\rkiểm tra hồ sơ: 1/4 (25%), còn khoảng" in out.getvalue()
    progress.done()
    assert out.getvalue().endswith("\n") and "4/4 xong trong" in out.getvalue()


def test_ci_gets_plain_lines_even_on_a_terminal(monkeypatch):
    monkeypatch.setenv("CI", "true")
    out = Terminal()
    progress = Progress(out)
    progress.start("render", 1)
    progress.advance()
    assert "\r" not in out.getvalue()
