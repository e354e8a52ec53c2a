"""Producer-written text is hostile: Markdown stories become sanitised HTML here, and nowhere else;
text bound for a spreadsheet cell is kept from being read as a formula."""

from __future__ import annotations

import html
import os
from functools import lru_cache

import markdown
import nh3

_ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "h3", "h4",
                 "a", "hr"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


_CONVERTERS: dict[int, markdown.Markdown] = {}
# Characters that may begin Markdown inside a line (escapes, code, emphasis, links, images,
# autolinks, raw HTML, entities, headers, tables...), and that HTML escapes.
_MARKUP = frozenset("\\`*_[]<>&#=!|~{}\t\r\x02\x03")


def _plain_paragraphs(text: str) -> str | None:
    """The HTML Python-Markdown makes of ``text`` when it is plain prose, else None: lines
    each beginning with a letter, without leading or trailing spaces or any character of
    ``_MARKUP``, in paragraphs parted by blank lines. Most stories are so, and converting one
    took 0.4 ms, a twentieth of all a product's pages and pictures."""
    if not _MARKUP.isdisjoint(text):
        return None
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
        elif line[0].isalpha() and line == line.strip():
            paragraphs[-1].append(line)
        else:
            return None
    return "\n".join("<p>" + "\n".join(lines) + "</p>" for lines in paragraphs if lines)


@lru_cache(maxsize=64)
def _markdown(text: str) -> str:
    """Markdown to (unsafe) HTML with one converter per process: building one costs more than
    converting a story. The last few are kept: a page's story and its summary (the meta
    description, ``first_sentence``) are the same text, converted once."""
    plain = _plain_paragraphs(text)
    if plain is not None:
        return plain
    converter = _CONVERTERS.get(os.getpid())
    if converter is None:
        converter = _CONVERTERS[os.getpid()] = markdown.Markdown(
            extensions=["sane_lists"], output_format="html")
    return converter.reset().convert(text)


@lru_cache(maxsize=64)
def render_story(text: str) -> str:
    """Markdown to HTML that can hold no script, style, event handler or unsafe link. The last
    few are kept: a story not translated is shown alike on the product's page in every
    language."""
    html = _markdown(text)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )


# A cell beginning with one of these is a formula to Excel and LibreOffice ("CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(text: str) -> str:
    """``text`` for a CSV cell: a leading apostrophe keeps a value that begins like a formula
    ('=HYPERLINK(...)', '+84 ...') as text, as spreadsheets themselves do."""
    return "'" + text if text.startswith(FORMULA_START) else text


def from_cell_text(text: str) -> str:
    """The inverse of ``cell_text`` for a cell read back."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


@lru_cache(maxsize=64)
def first_sentence(text: str, limit: int = 160) -> str:
    """A short plain-text summary of a Markdown story, for cards and meta descriptions (the
    last few kept, as ``render_story``'s)."""
    plain = html.unescape(nh3.clean(_markdown(text), tags=set()))
    plain = " ".join(plain.split())
    end = plain.find(". ")
    summary = plain[: end + 1] if 0 < end < limit else plain
    return summary if len(summary) <= limit else summary[: limit - 1].rsplit(" ", 1)[0] + "…"
