"""The thin adapter between the catalog pipeline and MkDocs + Material.

It reads the ``ocop`` block of ``mkdocs.yml``, runs the pipeline (load, validate, plan) and
hands MkDocs the planned pages as virtual files, so ``mkdocs build`` and ``mkdocs serve`` work
as well as ``ocop build``. Product pages are kept out of the navigation: each page renders a
navigation of a handful of entries, whatever the size of the catalog.
"""

from __future__ import annotations

import gc
import logging
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import yaml
from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from site_builder.config import (
    OPTIONS,
    SettingProblem,
    SiteConfig,
    settings_from,
    site_url_form_problem,
)
from site_builder.hosts import DEFAULT_HOST
from site_builder.output import shell
from site_builder.output.writer import (
    Manifest,
    Shells,
    WriteResult,
    finish_site,
    load_shells,
)
from site_builder.problems import Message, Problems, catalogue, format_problems
from site_builder.progress import Progress, Quiet
from site_builder.render.html import language_links
from site_builder.render.i18n import available_languages, strings

# MkDocs loads the plugin with its settings, before a build can tell it has nothing to do:
# what only a build needs (the pipeline, the renderer, the editor) is loaded when it runs.
if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from site_builder.domain.model import Catalog
    from site_builder.output.units import SitePlan
    from site_builder.render.html import SitePage

log = logging.getLogger("mkdocs.plugins.ocop")
T = TypeVar("T")


# What this edge says, by code, in Vietnamese and English (messages/vi.yml, en.yml).
MKDOCS_MESSAGES = Path(__file__).parent / "messages"


def said(code: str, **values: object) -> str:
    """``code``'s texts from the edge's catalogue, filled with ``values``: 'Vietnamese / English'."""
    return catalogue(MKDOCS_MESSAGES).message(code, **values).both()


@cache
def material_strings(lang: str) -> dict[str, str]:
    """Material's interface strings in ``lang`` (from its language partials), by key."""
    import material

    path = Path(material.__file__).parent / "templates" / "partials" / "languages" / f"{lang}.html"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return dict(re.findall(r'^\s*"([\w.]+)": "([^"]*)",?$', text, flags=re.M))


THEME_CSS = "assets/ocop.css"
SHELL_DEPTHS = (1, 2, 3, 4)  # folder depths of the pages filled into the shell


class _AsWritten(c.BaseConfigOption[T]):
    """An option taken as written in mkdocs.yml, with its default from ``config.OPTIONS``:
    config.settings_from checks it, with all the others, and reports every problem at once at
    its line, like a record's."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.default = OPTION_DEFAULTS[name]

    def run_validation(self, value: object) -> T:
        return value  # type: ignore[return-value]


OPTION_DEFAULTS = {option.name: option.default for option in OPTIONS}


class OcopPluginConfig(base.Config):
    """The ``ocop`` block of mkdocs.yml: one entry per option of ``config.OPTIONS``, where each
    is declared with its kind, default, help and the setting it fills (a test keeps the two
    lists the same)."""

    products_dir = _AsWritten[str]("products_dir")
    templates_dir = _AsWritten[str]("templates_dir")
    cache_dir = _AsWritten[str]("cache_dir")
    draft = _AsWritten[bool]("draft")
    sample_data = _AsWritten[bool]("sample_data")
    as_of = _AsWritten[str | None]("as_of")
    validity_months = _AsWritten[int]("validity_months")
    validity_ends_day_before = _AsWritten[bool]("validity_ends_day_before")
    expiring_days = _AsWritten[int]("expiring_days")
    grace_days = _AsWritten[int]("grace_days")
    ocop_office = _AsWritten[dict]("ocop_office")
    languages = _AsWritten[list]("languages")
    site_names = _AsWritten[dict]("site_names")
    data_licence = _AsWritten[str]("data_licence")
    share_images = _AsWritten[bool]("share_images")
    short_addresses = _AsWritten[int]("short_addresses")
    host = _AsWritten[str]("host")
    shell = _AsWritten[str]("shell")
    editor = _AsWritten[dict]("editor")


def _site_url_as_written(config: MkDocsConfig) -> str:
    """``site_url`` as mkdocs.yml gives it: MkDocs quietly drops a tab or a line break from it
    (``urlsplit``), and QR codes would then encode an address nobody wrote."""
    from mkdocs.exceptions import MkDocsException
    from mkdocs.utils import yaml_load

    try:
        with open(config.config_file_path or "mkdocs.yml", "rb") as handle:
            written = yaml_load(handle).get("site_url")
    except (OSError, ValueError, AttributeError, yaml.YAMLError, MkDocsException):
        written = None
    if not isinstance(written, str) or not site_url_form_problem(written):
        return config.site_url or ""
    return written


def settings_problems(found: list[SettingProblem], source: Path) -> Problems:
    """Problems of the ocop block, each at the line of mkdocs.yml that sets the option."""
    lines = source.read_text(encoding="utf-8").splitlines() if source.is_file() else []
    start = next((i for i, line in enumerate(lines) if re.match(r"\s*-\s*ocop\s*:", line)), 0)
    problems = Problems()
    for name, code, message in found:
        if name == "site_url":  # MkDocs' own setting, at the top of the file
            line = next((i for i, text in enumerate(lines) if re.match(r"site_url\s*:", text)), 0)
            problems.error(source, line + 1, name, message.vi, message.en, code=code)
            continue
        key = name.split(".")[0]
        line = next((i for i in range(start, len(lines))
                     if re.match(rf"\s+{re.escape(key)}\s*:", lines[i])), start)
        problems.error(source, line + 1, f"plugins.ocop.{name}", message.vi, message.en, code=code)
    return problems


def read_settings(config: MkDocsConfig, options: Mapping[str, object], *, serving: bool = False,
                  overrides: Mapping[str, object] | None = None) -> SiteConfig:
    """The catalog's settings (config.SiteConfig) from the ocop block, its ``options`` as
    written, with ``overrides`` in their place (``ocop build --as-of``...); every problem of the
    block at once, each at its line. ``serving``: for MkDocs's development server, which knows
    none of a host's rules, a draft built for the ``default`` host."""
    source = Path(config.config_file_path or "mkdocs.yml").resolve()
    site, found = settings_from({**options, **(overrides or {})}, root=source.parent,
                                source=source, site_url=_site_url_as_written(config),
                                site_name=config.site_name, languages_known=available_languages(),
                                draft=serving)
    if site is None:
        raise PluginError(said("settings_errors") + ":\n"
                          + format_problems(settings_problems(found, source), source.parent))
    return replace(site, host=DEFAULT_HOST) if serving else site


@dataclass(frozen=True)
class Handoff:
    """What ``ocop build`` (mkdocs/build.py) hands the plugin before it runs MkDocs: the
    settings it read and the plan it made. With it, the plugin reads and plans nothing again,
    and leaves the units to the build (its stage 5, ``render_units``)."""

    site: SiteConfig
    plan: SitePlan


@dataclass(frozen=True)
class Made:
    """What MkDocs made for the site: the page shell of each folder depth in each language,
    the navigation pages' frames (``writer.Shells``), and the addresses of the pages of docs/
    it rendered."""

    shells: Shells
    pages: list[str]


def render_units(handoff: Handoff, made: Made, site_dir: Path, previous: Manifest | None,
                 progress: Progress, kept: dict[str, str] | None = None,
                 standby: Path | None = None) -> WriteResult:
    """Stage 5: every unit whose key changed since ``previous``, filled into the shells, then
    the sitemap, the marker and the manifest (``writer.finish_site``). ``kept``: MkDocs's
    files of the previous build, when it did not run; ``standby``: where a full build makes
    the new site's standby as it writes. The catalog and plan live until the end:
    the garbage collector is kept off them meanwhile (a large share of the time at 20,000
    products otherwise), and given them back however it ends."""
    gc.freeze()
    try:
        return finish_site(handoff.plan, site_dir, made.shells, handoff.site,
                           language_links(handoff.site), previous, progress, made.pages, kept,
                           standby)
    finally:
        gc.unfreeze()


def _jinja_cache(cache_dir: Path) -> Path:
    folder = cache_dir / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def plan_for_host(catalog: Catalog, site: SiteConfig, templates: Path, root: Path) -> SitePlan:
    """The site's plan with what its host reads beside the pages: the host's rules file
    (``publishing/rules.py``), which answers the moved addresses when it can take them all;
    and the form editor's /admin/ when mkdocs.yml (in ``root``) enables it."""
    from site_builder.editor.admin import editor_files
    from site_builder.editor.bundle import BundleError
    from site_builder.output.plan import base_path, plan_site
    from site_builder.publishing.resolver_table import resolver_table
    from site_builder.publishing.rules import moves_by_rule, rule_files

    host, base = site.host, base_path(site.site_url)
    plan = plan_site(catalog, site, templates,
                     by_rule=lambda moved: moves_by_rule(host, moved, base))
    gs1 = resolver_table(catalog, site) if host.resolver else None
    for name, data in rule_files(host, plan.moved if plan.moved_by_rule else [], base,
                                 gs1).items():
        plan.add_file(name, data)
    try:
        admin = editor_files(site, root)
    except BundleError as exc:
        raise PluginError(str(exc)) from None
    for name, data in admin.items():
        plan.add_file(name, data)
    return plan


class OcopPlugin(BasePlugin[OcopPluginConfig]):
    def __init__(self) -> None:
        self.command = "build"
        # Given by `ocop build` for the one build it runs (mkdocs/build.py), None otherwise:
        # then the plugin reads the records, plans and writes the units itself.
        self.handoff: Handoff | None = None
        self.plan: SitePlan = None  # type: ignore[assignment] # planned in on_config
        self.pages: dict[str, SitePage] = {}
        self.site: SiteConfig | None = None
        self.templates = Path()
        self.shell_sources: dict[str, int] = {}  # placeholder page -> folder depth
        self.mkdocs_pages: list[str] = []  # addresses of the pages MkDocs rendered
        self.made: Made | None = None  # what MkDocs made, once it has
        self.translated_docs: dict[str, str] = {}  # docs/en/x.md -> "en"
        self.doc_urls: set[str] = set()  # their addresses
        self.doc_versions: dict[str, tuple[str, str, str]] = {}  # address -> lang, title, body
        self.nav_titles: list[tuple[str, str]] = []  # (title, address) of the navigation

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.shell_sources, self.mkdocs_pages, self.made = {}, [], None
        self.translated_docs, self.doc_urls, self.doc_versions = {}, set(), {}
        self.nav_titles = []

    def site_config(self, config: MkDocsConfig) -> SiteConfig:
        """The catalog's settings from the ocop block (``read_settings``), for the command
        MkDocs runs."""
        return read_settings(config, dict(self.config), serving=self.command == "serve")

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.templates = (Path(config.config_file_path).parent / self.config.templates_dir).resolve()
        if self.handoff is None:
            self.site, self.plan = self._read_and_plan(config)
        else:  # `ocop build` read, checked and planned (its stages 1 to 3)
            self.site, self.plan = self.handoff.site, self.handoff.plan
        site = self.site
        self.pages = {page.src_uri: page for page in self.plan.pages}
        # The draft banner (theme/main.html), in the first language; shell_translations words
        # it in the others.
        config.extra["ocop_draft"] = strings(site.default_language)["draft_notice"] if site.draft \
            else ""
        # No web fonts from Google: pages must load nothing from other hosts (3G phones, privacy,
        # the offline fair kit). Material then uses the system's fonts.
        config.theme["font"] = False
        # The catalog's styles belong to the theme, not to each site's mkdocs.yml.
        if THEME_CSS not in config.extra_css:
            config.extra_css.append(THEME_CSS)
        # Our 404 page finds the product of a lot address that has no page yet, and our
        # sitemap lists the pages filled into the shell, which MkDocs does not know.
        config.theme.static_templates.discard("404.html")
        config.theme.static_templates.discard("sitemap.xml")
        # Material's alternate-language links, pointed at a placeholder: each page gets its own
        # language switch after rendering (shell.py).
        if len(site.languages) > 1:
            config.extra["alternate"] = [{"name": "", "link": shell.ALTERNATE_PLACEHOLDER,
                                          "lang": "x-ocop"}]
        return config

    def _read_and_plan(self, config: MkDocsConfig) -> tuple[SiteConfig, SitePlan]:
        """``mkdocs build`` and ``mkdocs serve``: the settings, the records and the plan."""
        from site_builder.records.validate import load_catalog

        site = self.site_config(config)
        root = site.products_dir.parent
        catalog, problems = load_catalog(site)
        for warning in problems.warnings:
            log.warning(warning.format("vi", root))
        if problems.errors:
            raise PluginError(said("records_errors") + ":\n"
                              + format_problems(Problems(problems.errors), root))
        if not site.draft and (reason := site.site_url_problem()):
            raise PluginError(said("site_url_plugin", problem=Message(*reason)))
        return site, plan_for_host(catalog, site, self.templates,
                                   Path(config.config_file_path).parent)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        from mkdocs.structure.files import File, InclusionLevel

        # Our page templates live in the theme folder; they are not files of the site.
        for theme_file in [f for f in files if f.abs_src_path
                           and Path(f.abs_src_path).resolve().is_relative_to(self.templates)]:
            files.remove(theme_file)
        for page in self.plan.pages:
            if not page.in_nav:
                continue  # filled into the site shell after the build (shell.py)
            # The frame of a page of the navigation: its title, and markers where its unit
            # puts its description and body (writer.py), so that the frame stays the same
            # while the catalog changes. Material prints page titles without escaping them:
            # hand it text that is already HTML-escaped.
            front = yaml.safe_dump({"title": str(escape(page.title)),
                                    "description": shell.DESCRIPTION, "search": {"exclude": True}},
                                   allow_unicode=True, sort_keys=True)
            files.append(File.generated(config, page.src_uri, content=f"---\n{front}---\n"))
        # docs/en/about.md is the English version of docs/about.md: written into the English
        # shell after the build, and kept out of the navigation.
        for file in files.documentation_pages():
            lang, _, rest = file.src_uri.partition("/")
            if lang in self.site.languages[1:] and rest:
                file.inclusion = InclusionLevel.NOT_IN_NAV
                self.translated_docs[file.src_uri] = lang
                self.doc_urls.add(file.url)
        for level in SHELL_DEPTHS:
            front = yaml.safe_dump({"title": shell.TITLE, "description": shell.DESCRIPTION,
                                    "search": {"exclude": True}})
            src = shell.placeholder_url(level) + "index.md"
            self.shell_sources[src] = level
            files.append(File.generated(config, src, content=f"---\n{front}---\n",
                                        inclusion=InclusionLevel.NOT_IN_NAV))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        known = page.file.src_uri in self.pages or page.file.src_uri in self.shell_sources
        return "" if known else markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        if page.file.src_uri in self.shell_sources or page.file.src_uri in self.pages:
            # Material adds the title as an <h1> to a page without one; ours have their own.
            return shell.NO_HEADING + shell.BODY
        self.mkdocs_pages.append(page.url)
        if page.file.src_uri in self.translated_docs:
            self.doc_versions[page.url] = (self.translated_docs[page.file.src_uri], page.title or "",
                                           html)
        return html

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):  # type: ignore[no-untyped-def]
        self.nav_titles = [(page.title, page.url) for page in nav.pages if page.title]
        return nav

    def on_env(self, env, *, config: MkDocsConfig, files: Files):  # type: ignore[no-untyped-def]
        # Compiling Material's templates is a good part of a small rebuild; keep the result.
        if self.site is not None and self.site.cache_dir is not None:
            from jinja2 import FileSystemBytecodeCache

            env.bytecode_cache = FileSystemBytecodeCache(str(_jinja_cache(self.site.cache_dir)))
        return env

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if page.file.src_uri in self.shell_sources or page.file.src_uri in self.pages:
            return shell.valid_html(output)  # the markers stay for the pages filled in later
        versions = self.doc_alternates(page.url)
        lang = self.site.default_language  # type: ignore[union-attr]
        from site_builder.render.html import SitePage

        switch = self.language_links(SitePage(page.url, "", "", "", lang=lang, alternates=versions))
        return shell.fill_extras(shell.valid_html(output), switch)

    def doc_alternates(self, url: str) -> tuple[tuple[str, str], ...]:
        """The versions of a page of docs/: docs/x.md, and docs/en/x.md if it exists."""
        assert self.site is not None
        first = self.site.default_language
        for lang in self.site.languages[1:]:
            if url.startswith(lang + "/"):
                url = url[len(lang) + 1:]
        versions = [(first, url)] + [(lang, f"{lang}/{url}") for lang in self.site.languages[1:]
                                     if f"{lang}/{url}" in self.doc_urls]
        return tuple(versions) if len(versions) > 1 else ()

    def language_links(self, page: SitePage) -> str:
        assert self.site is not None
        return language_links(self.site)(page)

    def shell_translations(self) -> dict[str, Callable[[str, int], str]]:
        """For each other language, a function making its shell from the first language's:
        the navigation links to that language's pages, labelled with their titles."""
        assert self.site is not None
        site = self.site
        made = {}
        for lang in site.languages[1:]:
            twins = {page.url: dict(page.alternates)[lang] for page in self.plan.pages
                     if lang in dict(page.alternates)}
            titles = dict(self.plan.nav_titles)
            for url, (doc_lang, title, _) in self.doc_versions.items():
                if doc_lang == lang:
                    twins[url[len(lang) + 1:]] = url
                    titles[url] = title
            words = {title: titles[twins[url]] for title, url in self.nav_titles
                     if url in twins and titles.get(twins[url])}
            words[strings(site.default_language)["draft_notice"]] = strings(lang)["draft_notice"]
            names = (site.site_name, site.site_name_in(lang))

            def translate(text: str, level: int, lang: str = lang, twins: dict = twins,
                          words: dict = words, names: tuple = names) -> str:
                return shell.translate(shell.rename(text, *names), level=level, lang=lang,
                                       theme_words=(material_strings("vi"),
                                                    material_strings(lang) or material_strings("en")),
                                       words=words, twins=twins)

            made[lang] = translate
        return made

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.made = Made(self.collect_shells(config), self.mkdocs_pages)
        if self.handoff is not None:
            return  # `ocop build` renders the units itself (mkdocs/build.py, stage 5)
        assert self.site is not None
        # `mkdocs build` and `mkdocs serve` write the whole site, every time.
        render_units(Handoff(self.site, self.plan), self.made, Path(config.site_dir), None,
                     Quiet())

    def collect_shells(self, config: MkDocsConfig) -> Shells:
        """What MkDocs rendered for us: the page shell of each folder depth in each language
        (taken out of the site), and the other languages' versions of docs/ pages in theirs."""
        assert self.site is not None
        site_dir = Path(config.site_dir)
        shells = load_shells(site_dir, self.shell_sources, config.site_url or "",
                             self.shell_translations())
        shutil.rmtree(site_dir / shell.SHELL_DIR, ignore_errors=True)
        for page in self.plan.pages:  # the frames of the navigation's pages, filled by units
            if page.in_nav:
                path = site_dir / page.url / "index.html"
                shells[("", page.url)] = shell.Shell.parse(
                    path.read_text(encoding="utf-8"), self.site.absolute_url(page.url), titled=True)
                path.unlink()
        for url, (lang, title, body) in self.doc_versions.items():
            from site_builder.render.html import SitePage

            page = SitePage(url, title, "", body, lang=lang, alternates=self.doc_alternates(url))
            html = shells[(lang, shell.depth(url))].fill(
                title=title, description=config.site_description or "", body=body,
                address=self.site.absolute_url(url), switch=self.language_links(page))
            (site_dir / url / "index.html").write_text(html, encoding="utf-8")
        return shells

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        if self.site is not None:
            server.watch(str(self.site.products_dir))
        server.watch(str(self.templates))
        return server
