"""The page templates (theme/ocop/*.html), compiled once per language and rendered with what
every page of that language knows: its strings, its addresses, links relative to the page."""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import rjsmin
from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    Template,
    select_autoescape,
)
from jinja2.environment import TemplateModule
from jinja2.runtime import Context
from markupsafe import Markup, escape

from site_builder.config import SiteConfig
from site_builder.domain.rules import Status
from site_builder.render.html import attribute_json, compact_json, relative, script_json
from site_builder.render.i18n import Translator, strings
from site_builder.render.views import Urls

# GS1 application identifiers a traceability page shows when a scanned link carries them.
SHOWN_AIS = ("10", "11", "13", "15", "17", "21")


# The indentation of a template's lines: HTML reads a line break and spaces as one space.
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


# An interface string without placeholders, as templates print it: ``{{ t('lots') }}``.
_CONSTANT_STRING = re.compile(r"\{\{\s*t\('([a-z0-9_]+)'\)\s*\}\}")


class CompactTemplates(FileSystemLoader):
    """Templates without their indentation, and the scripts pages include inline
    (``status.js``...) minified: every traceability page carries them, tens of thousands of
    times. A script with template literals is left as written (rjsmin does not know
    backticks); the templates hold no <pre>, and their one <textarea> is on one line.

    With ``t`` (each language has its own templates), an interface string without
    placeholders is put in as text, escaped as printing it would: it is the same on every
    page, and a call from a template costs more than the text it returns."""

    def __init__(self, searchpath: str, t: Translator | None = None) -> None:
        super().__init__(searchpath)
        self.t = t

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None,
                                                                           Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if template.endswith(".js") and "`" not in source:
            source = "{% raw %}" + rjsmin.jsmin(source) + "{% endraw %}"
        elif template.endswith(".html"):
            source = _INDENT.sub("", source)
            if self.t is not None:
                source = _CONSTANT_STRING.sub(self._constant, source)
        return source, filename, uptodate

    def _constant(self, match: re.Match[str]) -> str:
        assert self.t is not None
        text = str(escape(self.t(match.group(1))))
        return text if "{" not in text else match.group(0)


def _takes_context(function: object) -> bool:
    """Whether Jinja hands ``function`` a context or environment first (``pass_context``...)."""
    return hasattr(function, "jinja_pass_arg")


_CALLS_PLAINLY: dict[type, bool] = {}  # a callable class -> its instances take no context


class PlainCallContext(Context):
    """Jinja's context, calling what takes no context straight away. Every call in a template
    (``t(...)``, ``link(...)``, a macro, a method) goes through ``Context.call``, which asks
    the callable and its ``__call__`` for Jinja's marker twice over, each asking of a bound
    method or callable object raising and catching an AttributeError: 3 % of a cold build's
    processor time, the calls themselves included. Callables that take a context are left to
    Jinja (none of ours do, but a filter or global might)."""

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        kind = type(__obj)
        if kind is FunctionType or kind is BuiltinFunctionType:
            plain = not _takes_context(__obj)
        elif kind is MethodType:
            plain = not _takes_context(__obj.__func__)  # type: ignore[attr-defined]
        else:
            plain = _CALLS_PLAINLY.get(kind)  # type: ignore[assignment]
            if plain is None:
                plain = _CALLS_PLAINLY[kind] = not (
                    _takes_context(kind) or _takes_context(getattr(kind, "__call__", None)))  # noqa: B004
            plain = plain and not _takes_context(__obj)
        if not plain:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


class PageEnvironment(Environment):
    """Jinja's environment, giving each template the globals as one dict rather than a
    ``ChainMap`` over them: every page copies them into its context (a ``ChainMap`` is copied
    key by key in Python) and every ``{% import %}`` compares their names with its page's, 10 %
    of a lot page's time. Ours are all set before the first template is loaded, and never
    changed (Jinja asks as much)."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


class Renderer:
    """Renders the pages of one language."""

    def __init__(self, config: SiteConfig, templates_dir: Path, lang: str | None = None, *,
                 icon: str) -> None:
        """``icon``: the site's icon as a data: address, which standalone pages carry (no
        request for /favicon.ico: assets/favicon.py)."""
        self.config = config
        self.lang = lang or config.default_language
        self.t = Translator(self.lang)
        self.urls = Urls(config.language_prefix(self.lang))
        self.site_name = config.site_name_in(self.lang)
        self.language_names = {code: strings(code)["language_name"] for code in config.languages}
        bytecode = None
        if config.cache_dir is not None:  # one per language: each compiles its own strings in
            folder = config.cache_dir / "jinja" / self.lang
            folder.mkdir(parents=True, exist_ok=True)
            bytecode = FileSystemBytecodeCache(str(folder))
        self.env = PageEnvironment(
            loader=CompactTemplates(str(templates_dir), self.t),
            bytecode_cache=bytecode,
            # A plan's templates do not change while it is rendered (``ocop serve`` plans
            # again): without this, every page's extends, includes and imports (five a page)
            # asked the disk whether the template had changed.
            auto_reload=False,
            # All of them kept, in a plain dict: a page asks for its templates by name five
            # times, and Jinja's default, a least-recently-used cache, costs more to ask.
            cache_size=-1,
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.context_class = PlainCallContext
        self.env.filters["json"] = compact_json
        self.env.filters["script_json"] = script_json
        self.env.filters["attribute_json"] = attribute_json
        # What every page of this language knows, as globals: macros imported without the
        # page's context see them, and Jinja keeps such imports from one page to the next.
        # Standalone pages carry their icon: no request for /favicon.ico (see favicon.py).
        self.page_url = ""
        self._links: list[tuple[str, str]] | None = None  # those made, while ``parts`` runs
        self.env.globals.update(
            favicon=Markup(icon), t=self.t, link=self.link, urls=self.urls,
            config=self.config, Status=Status, site_name=self.site_name,
            language_names=self.language_names,
            ai_labels={ai: self.t(f"ai_{ai}") for ai in SHOWN_AIS},
            status_names={s.value: self.t(f"status_short_{s.value}") for s in Status})
        self.templates: dict[str, Template] = {}

    def link(self, to: str) -> str:
        """A link from the page being rendered to the site path ``to``."""
        made = relative(self.page_url, to)
        if self._links is not None:
            self._links.append((to, made))
        return made

    def render(self, template: str, page_url: str, **context: object) -> str:
        context.setdefault("alternates", ())
        self.page_url = page_url
        return self._template(template).render(**context)

    def parts(self, template: str, page_url: str, **context: object) -> Parts:
        """What ``template`` sets (``{% set name %}...{% endset %}``) for the page at
        ``page_url`` with ``context``."""
        self.page_url, self._links = page_url, []
        try:
            return Parts(self._template(template).make_module(context), tuple(self._links))
        finally:
            self._links = None

    def _template(self, name: str) -> Template:
        compiled = self.templates.get(name)
        if compiled is None:
            compiled = self.templates[name] = self.env.get_template(name)
        return compiled


@dataclass(frozen=True)
class Parts:
    """What a template sets for a page (``module``: its ``{% set name %}`` blocks, as Markup),
    and the links it made there, each a site path and the link to it from that page."""

    module: TemplateModule
    links: tuple[tuple[str, str], ...]

    def fit(self, page_url: str) -> bool:
        """Whether these parts are the same on the page at ``page_url``: a link is relative to
        its page, and the rest of the parts does not depend on it."""
        return all(relative(page_url, to) == made for to, made in self.links)


class SharedParts:
    """The parts of ``template`` (``Renderer.parts``) that many pages show alike, made once: a
    product's on its traceability page and each of its lots' pages. They are made again for
    a page from which a link they hold differs; the last few so made are kept."""

    KEPT = 4

    def __init__(self, renderer: Renderer, template: str, **context: object) -> None:
        self.renderer, self.template, self.context = renderer, template, context
        self.made: list[Parts] = []

    def at(self, page_url: str) -> TemplateModule:
        """The parts as the page at ``page_url`` shows them."""
        for parts in self.made:
            if parts.fit(page_url):
                return parts.module
        parts = self.renderer.parts(self.template, page_url, **self.context)
        self.made = [parts, *self.made[: self.KEPT - 1]]
        return parts.module


class Languages:
    """One renderer per language of the site, the first language's first."""

    def __init__(self, config: SiteConfig, templates_dir: Path, *, icon: str) -> None:
        self.renderers = [Renderer(config, templates_dir, lang, icon=icon)
                          for lang in config.languages]
        self.first = self.renderers[0]

    def alternates(self, address: Callable[[Urls], str]) -> tuple[tuple[str, str], ...]:
        """Each language's version of a page: ``address(urls)`` in every language."""
        return tuple((r.lang, address(r.urls)) for r in self.renderers)
