"""Producer-written text is hostile: Markdown stories become sanitised HTML here, and nowhere else."""

from __future__ import annotations

import html
import os

import markdown
import nh3

_ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "h3", "h4",
                 "a", "hr"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


_CONVERTERS: dict[int, markdown.Markdown] = {}


def _markdown(text: str) -> str:
    """Markdown to (unsafe) HTML with one converter per process: building one costs more than
    converting a story."""
    converter = _CONVERTERS.get(os.getpid())
    if converter is None:
        converter = _CONVERTERS[os.getpid()] = markdown.Markdown(
            extensions=["sane_lists"], output_format="html")
    return converter.reset().convert(text)


def render_story(text: str) -> str:
    """Markdown to HTML that can hold no script, style, event handler or unsafe link."""
    html = _markdown(text)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )


def first_sentence(text: str, limit: int = 160) -> str:
    """A short plain-text summary of a Markdown story, for cards and meta descriptions."""
    plain = html.unescape(nh3.clean(_markdown(text), tags=set()))
    plain = " ".join(plain.split())
    end = plain.find(". ")
    summary = plain[: end + 1] if 0 < end < limit else plain
    return summary if len(summary) <= limit else summary[: limit - 1].rsplit(" ", 1)[0] + "…"
