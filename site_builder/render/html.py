"""The HTML pieces every page is made with, worked out without a template: links relative to
the page (as MkDocs makes them), the language switch, <meta> tags, JSON placed in a page; and
``SitePage``, a body of HTML with a title that the site shell (Material for MkDocs today) wraps
in its layout."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from site_builder.config import SiteConfig
from site_builder.render.i18n import strings


@dataclass(frozen=True)
class SitePage:
    url: str  # "san-pham/nho-thach-ba/" ("" for the home page)
    title: str
    description: str
    body: str
    in_nav: bool = False
    lang: str = "vi"
    # Every language version of this page, itself included: (language, url).
    alternates: tuple[tuple[str, str], ...] = ()
    head: str = ""  # tags of its own for the <head> (Open Graph, Twitter card)

    @property
    def src_uri(self) -> str:
        """The Markdown path MkDocs would have read this page from."""
        return (self.url + "index.md") if self.url else "index.md"


@lru_cache(maxsize=65536)
def relative(from_url: str, to: str) -> str:
    """A link from the page at ``from_url`` to the site path ``to``, relative like MkDocs's.

    A page address without a trailing slash ('01/0893...') lives in its parent folder, and a
    link to one must not gain a slash."""
    here = _folder(from_url)
    if to.endswith("/") or to == "":
        target = _relpath(_parts(to), here)
        return "./" if target == "." else target + "/"
    head, _, name = to.rpartition("/")
    parent = _relpath(_parts(head), here)
    return name if parent == "." else f"{parent}/{name}"


@lru_cache(maxsize=4096)
def _folder(url: str) -> tuple[str, ...]:
    """The folders a page address is served from: 'a/b/' -> ('a', 'b'), 'a/b' -> ('a',)."""
    return _parts(url if url.endswith("/") else url.rpartition("/")[0])


def _parts(path: str) -> tuple[str, ...]:
    return tuple(part for part in path.split("/") if part)


def _relpath(target: tuple[str, ...], start: tuple[str, ...]) -> str:
    """``posixpath.relpath`` for clean site paths, without its normalising (a page links a
    hundred times: this runs for each link of each page)."""
    common = 0
    for a, b in zip(target, start, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + list(target[common:])) or "."


def language_switch(page: SitePage, names: dict[str, str]) -> str:
    """Links to the page's versions in the other languages, for the header."""
    return "".join(
        f'<a class="md-header__button ocop-lang" href="{escape(relative(page.url, url))}" '
        f'hreflang="{lang}" lang="{lang}">{escape(names[lang])}</a>'
        for lang, url in page.alternates if lang != page.lang)


def language_links(site: SiteConfig) -> Callable[[SitePage], str]:
    """``language_switch`` with each of the site's languages named in itself."""
    names = {code: strings(code)["language_name"] for code in site.languages}
    return lambda page: language_switch(page, names)


def meta_tags(tags: dict[str, str]) -> str:
    """Open Graph (``property``) and Twitter card (``name``) <meta> tags."""
    return "".join(
        f'<meta {"name" if key.startswith("twitter:") else "property"}="{key}" '
        f'content="{escape(value)}">' for key, value in tags.items())


def compact_json(value: object) -> str:
    """JSON without the spaces after ',' and ':' (tens of bytes a page, on every page)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def script_json(value: object) -> Markup:
    """JSON safe to place inside a <script> element: no '<', '>' or '&' can end or break it."""
    text = compact_json(value)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def attribute_json(value: object) -> Markup:
    """JSON for an attribute in single quotes: its many double quotes stay as they are (as
    '&#34;' they took five bytes each, a kilobyte a status panel)."""
    text = compact_json(value)
    return Markup(text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;")
                  .replace(">", "&gt;"))
