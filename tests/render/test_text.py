"""Stories as safe HTML: plain prose is written without Python-Markdown, exactly as it would."""

from __future__ import annotations

import markdown
import pytest

from site_builder.render.text import _plain_paragraphs, first_sentence, render_story

PLAIN = [
    "Bánh nhãn làm từ bột nếp, trứng gà và mỡ lợn.",
    "Vườn bưởi ven suối (Lâm Sơn): trái tròn - vỏ mỏng, 100% tự nhiên.\nHái đúng vụ.",
    "Đoạn một.\n\n\nĐoạn hai, dòng một.\nDòng hai.\n",
    "Cà phê robusta 1. rang mộc\n   \nhttps://example.vn",
]
NOT_PLAIN = [
    "Mật ong **hoa nhãn**",  # emphasis
    "1. Hái\n2. Phơi",  # a list
    "Dòng\n- một mục",  # a list item on a line
    "> trích dẫn",
    "Tiêu đề\n===",
    "Dòng có hai dấu cách  \nxuống dòng",  # a line break
    "  thụt vào",  # indented: code
    "Bột & đường <b>",  # escaped or raw HTML
    "[liên kết](https://example.vn)",
]


def _python_markdown(text: str) -> str:
    return markdown.Markdown(extensions=["sane_lists"], output_format="html").convert(text)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_prose_is_written_as_python_markdown_writes_it(text):
    assert _plain_paragraphs(text) == _python_markdown(text)


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_anything_markdown_may_read_goes_to_python_markdown(text):
    assert _plain_paragraphs(text) is None
    assert render_story(text)  # converted, then sanitised


def test_a_plain_story_and_its_summary():
    story = "Bánh tráng được tráng mỏng. Phơi qua một đêm sương.\n\nĐoạn hai."
    assert render_story(story) == (
        "<p>Bánh tráng được tráng mỏng. Phơi qua một đêm sương.</p>\n<p>Đoạn hai.</p>")
    assert first_sentence(story) == "Bánh tráng được tráng mỏng."
