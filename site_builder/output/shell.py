"""The site shell: Material's page layout, rendered once per folder depth, filled per page.

Rendering every product page through MkDocs and Material costs several milliseconds a page
(tech-notes 1.2: the base template alone is about 40 % of it). Pages that are not in the
navigation all share the same header, navigation and footer, and their relative links differ
only by folder depth. So MkDocs renders one placeholder page per depth, whose title,
description, canonical address and body are markers; each catalog page is that text with the
markers replaced, in one pass, so nothing a record contains is ever re-scanned for markers.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import unescape

from markupsafe import escape

SHELL_DIR = "ocop-shell"
TITLE = "OCOPSHELLTITLE0d5e"
DESCRIPTION = "OCOPSHELLDESCRIPTION0d5e"
BODY = "OCOPSHELLBODY0d5e"
# Material adds the page title as an <h1> to a page whose body has none; ours have their own.
NO_HEADING = "<!-- <h1> -->"
# Where each page's language switch goes (theme/partials/alternate.html, which Material includes
# when ``extra.alternate`` is set; the plugin sets it to this placeholder).
#
# Pages in Material's layout carry no <link rel="alternate" hreflang> in their <head>: Material's
# script fetches "sitemap.xml" next to every such link's address (three useless requests a page
# on a phone). Their language versions are in the sitemap (xhtml:link, which search engines read
# like the <head> links) and in the switch's links, which carry hreflang.
ALTERNATE_PLACEHOLDER = "https://ocop-alternate.invalid/"
SWITCH = "OCOPSHELLLANGUAGES0d5e"
# Where a page's own <head> tags go (Open Graph, Twitter card): theme/main.html's extrahead.
HEAD = "<!--OCOPSHELLHEAD0d5e-->"
_ALTERNATE_LINK = re.compile(r'<link rel="alternate" href="' + re.escape(ALTERNATE_PLACEHOLDER)
                             + r'"[^>]*>')


_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*type="checkbox"[^>]*?) autocomplete="off"')


def valid_html(page: str) -> str:
    """Material's toggles are checkboxes with ``autocomplete``, which HTML does not allow
    there (the W3C checker reports it); drop the attribute, which checkboxes ignore anyway."""
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", page)


def language_markers(page: str) -> str:
    """Without Material's alternate-language <link> to our placeholder."""
    return _ALTERNATE_LINK.sub("", page)


def fill_extras(page: str, switch: str, head: str = "") -> str:
    """A page MkDocs rendered, with its language switch and head tags in place of the markers."""
    return language_markers(page).replace(SWITCH, switch).replace(HEAD, head)


_BLANK_RUN = re.compile(r"[ \t]*\n\s*")


def compact(text: str) -> str:
    """The theme's layout without its indentation and blank lines: every run of white space
    that holds a line break becomes one line break, which HTML, CSS and scripts read alike
    (the layout has no <pre>; the page's own body is not touched). About 2.5 KB a page."""
    return _BLANK_RUN.sub("\n", text)


def depth(url: str) -> int:
    """Folder depth of a page address: '' is 0, 'san-pham/x/' is 2."""
    return url.count("/")


def placeholder_url(level: int) -> str:
    """A page address of the given depth, under SHELL_DIR."""
    return "/".join([SHELL_DIR] + ["d"] * (level - 1)) + "/"


@dataclass(frozen=True)
class Shell:
    parts: tuple[str, ...]  # text and marker names, alternating

    @classmethod
    def parse(cls, html: str, placeholder_address: str, titled: bool = False) -> Shell:
        """``placeholder_address`` is the placeholder's absolute URL (in its canonical link).
        ``titled``: the frame of one page of the navigation, rendered with its own title (and
        its address), the body and description left as markers."""
        markers = [TITLE, DESCRIPTION, BODY, SWITCH, HEAD, placeholder_address]
        pattern = "(" + "|".join(re.escape(m) for m in markers) + ")"
        text = language_markers(valid_html(html))
        if titled:  # what kept Material from adding a heading: the page's body has its own
            text = text.replace(NO_HEADING + BODY, BODY)
        parts = re.split(pattern, text)
        missing = [m for m in ((BODY,) if titled else (TITLE, BODY)) if m not in parts]
        if missing:
            raise ValueError(f"the site shell lacks the markers {missing}")
        return cls(tuple(compact(part) if i % 2 == 0 else part for i, part in enumerate(parts)))

    def fill(self, *, title: str, description: str, body: str, address: str,
             switch: str = "", head: str = "") -> str:
        values = {TITLE: str(escape(title)), DESCRIPTION: str(escape(description)), BODY: body,
                  SWITCH: switch, HEAD: head}
        out = []
        for i, part in enumerate(self.parts):
            if i % 2 == 0:
                out.append(part)
            else:
                out.append(values.get(part, address))
        return "".join(out)


_TEXT = re.compile(r'>(\s*)([^<>]+?)(\s*)<')
_ATTRIBUTE = re.compile(r'\b(aria-label|title|placeholder)="([^"]*)"')
_HREF = re.compile(r'\bhref="([^"#:]*)"')


def _translated(html_text: str, words: dict[str, str]) -> str | None:
    """The translation of a text or attribute value as it stands in HTML (escaped or not),
    escaped once; None when ``words`` has none, so the original is kept as it was."""
    found = words.get(unescape(html_text))
    return None if found is None else str(escape(found))


def rename(page: str, name: str, other: str) -> str:
    """``page`` with the site's name replaced by ``other``, where Material wrote it escaped
    (``title="A &amp; B"``) and where it wrote it as it is (``<title>A & B``)."""
    escaped = str(escape(name))
    if escaped != name:
        page = page.replace(escaped, str(escape(other)))
    return page.replace(name, other)


def translate(html: str, *, level: int, lang: str, words: dict[str, str],
              twins: dict[str, str], theme_words: tuple[dict[str, str], dict[str, str]]) -> str:
    """The shell of one folder depth, rendered by MkDocs in the first language, made into
    another language's: the ``lang`` attribute, Material's own strings, the navigation labels
    (``words``: text to text) and links (``twins``: site path of a page to its version)."""
    first, other = theme_words  # the theme's own strings: first language, then ``lang``
    words = {**{text: other[key] for key, text in first.items()
                if key in other and len(text) > 2 and key != "language"}, **words}
    words = {unescape(text): translated for text, translated in words.items()}  # plain text
    html = re.sub(r'<html lang="[^"]*"', f'<html lang="{lang}"', html, count=1)

    def text(match: re.Match[str]) -> str:
        found = _translated(match.group(2), words)
        return match.group(0) if found is None else f">{match.group(1)}{found}{match.group(3)}<"

    def attribute(match: re.Match[str]) -> str:
        found = _translated(match.group(2), words)
        return match.group(0) if found is None else f'{match.group(1)}="{found}"'

    html = _ATTRIBUTE.sub(attribute, _TEXT.sub(text, html))
    up = "../" * level

    def relink(match: re.Match[str]) -> str:
        href = match.group(1)
        joined = posixpath.normpath(posixpath.join("/".join(["d"] * level), href))
        folder = href.endswith(("/", "..")) or href in ("", ".")
        target = "" if joined == "." else joined + ("/" if folder else "")
        if target in twins:
            return f'href="{up}{twins[target]}"'
        return match.group(0)

    return _HREF.sub(relink, html)
