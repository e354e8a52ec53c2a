"""The commands' output shows the characters that would act on a terminal (site_builder/terminal.py)."""

from __future__ import annotations

import io

from site_builder.terminal import VisibleControls, visible


def test_escape_sequences_carriage_returns_and_overrides_are_shown():
    text = "Mật ong\x1b]0;hacked\x07 \u202egnôm\r\x9b2J"
    assert visible(text) == "Mật ong<U+001B>]0;hacked<U+0007> <U+202E>gnôm<U+000D><U+009B>2J"


def test_line_breaks_tabs_and_vietnamese_are_kept():
    text = "Nước mắm Vạn Phần\tKhánh Hòa\nĐặc sản ★★★★"
    assert visible(text) == text


def test_the_progress_line_keeps_its_own_carriage_return_only():
    out = io.StringIO()
    stream = VisibleControls(out)
    stream.write("\rdựng trang: 10/20")
    stream.write("tên\rđè")
    assert out.getvalue() == "\rdựng trang: 10/20tên<U+000D>đè"
