"""The thin adapter between the catalog pipeline and MkDocs + Material.

It reads the ``ocop`` block of ``mkdocs.yml``, runs the pipeline (load, validate, plan) and
hands MkDocs the planned pages as virtual files, so ``mkdocs build`` and ``mkdocs serve`` work
as well as ``ocop build``. Product pages are kept out of the navigation: each page renders a
navigation of a handful of entries, whatever the size of the catalog.
"""

from __future__ import annotations

import gc
import logging
import shutil
from datetime import date
from pathlib import Path

import yaml
from jinja2 import FileSystemBytecodeCache
from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import shell
from .config import Contact, RuleSettings, SiteConfig
from .model import Catalog
from .pages import SitePage, SitePlan, plan_site
from .problems import Problems
from .progress import Progress, Quiet
from .site_writer import Manifest, WriteResult, load_shells, write_site
from .validate import load_catalog

log = logging.getLogger("mkdocs.plugins.ocop")

# Marks a folder as a site this tool built, so `ocop build` may replace it (and nothing else).
SITE_MARKER = ".ocop-site"
THEME_CSS = "assets/ocop.css"
SHELL_DEPTHS = (1, 2, 3)  # folder depths of the pages filled into the shell


class OcopPluginConfig(base.Config):
    products_dir = c.Type(str, default="products")
    templates_dir = c.Type(str, default="theme/ocop")
    cache_dir = c.Type(str, default=".cache/ocop")
    draft = c.Type(bool, default=False)
    sample_data = c.Type(bool, default=False)
    as_of = c.Optional(c.Type(str))
    validity_months = c.Type(int, default=36)
    validity_ends_day_before = c.Type(bool, default=False)
    expiring_days = c.Type(int, default=90)
    grace_days = c.Type(int, default=180)
    ocop_office = c.Type(dict, default={})


def _jinja_cache(cache_dir: Path) -> Path:
    folder = cache_dir / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_sitemap(site_dir: Path, site_url: str, urls: list[str]) -> None:
    """sitemap.xml with every page, without dates, so the same records give the same bytes."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    entries = "".join(f"<url><loc>{escape(base + url)}</loc></url>\n" for url in sorted(set(urls)))
    (site_dir / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n",
        encoding="utf-8")


def format_problems(problems: Problems, root: Path) -> str:
    return "\n".join(p.format("vi", root) for p in problems.sorted())


class OcopPlugin(BasePlugin[OcopPluginConfig]):
    def __init__(self) -> None:
        self.command = "build"
        self.preloaded: tuple[Catalog, Problems] | None = None
        self.plan = SitePlan()
        self.pages: dict[str, SitePage] = {}
        self.site: SiteConfig | None = None
        self.templates = Path()
        self.shell_sources: dict[str, int] = {}  # placeholder page -> folder depth
        self.mkdocs_pages: list[str] = []  # addresses of the pages MkDocs rendered
        self.previous_site: Path | None = None  # the published site, whose unchanged units we keep
        self.progress: Progress = Quiet()
        self.result: WriteResult | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.shell_sources, self.mkdocs_pages, self.result = {}, [], None

    def site_config(self, config: MkDocsConfig) -> SiteConfig:
        root = Path(config.config_file_path or ".").resolve().parent
        opts = self.config
        try:
            as_of = date.fromisoformat(opts.as_of) if opts.as_of else None
        except ValueError as exc:
            raise PluginError(f"ocop: as_of '{opts.as_of}' phải có dạng YYYY-MM-DD") from exc
        office = opts.ocop_office or {}
        return SiteConfig(
            products_dir=(root / opts.products_dir).resolve(),
            site_url=config.site_url or "",
            site_name=config.site_name,
            draft=opts.draft or self.command == "serve",
            sample_data=opts.sample_data,
            as_of=as_of,
            rules=RuleSettings(opts.validity_months, opts.validity_ends_day_before,
                               opts.expiring_days, opts.grace_days),
            ocop_office=Contact(str(office.get("name", "")), str(office.get("email", "")),
                                str(office.get("phone", "")), str(office.get("zalo", ""))),
            cache_dir=(root / opts.cache_dir).resolve() if opts.cache_dir else None,
        )

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        site = self.site = self.site_config(config)
        root = site.products_dir.parent
        catalog, problems = self.preloaded or load_catalog(site)
        for warning in problems.warnings:
            log.warning(warning.format("vi", root))
        if problems.errors:
            raise PluginError("Hồ sơ sản phẩm có lỗi, không dựng trang:\n"
                              + format_problems(Problems(problems.errors), root))
        if not site.draft and (reason := site.site_url_problem()):
            raise PluginError(f"{reason[0]}. Khai báo tên miền thật trong mkdocs.yml, hoặc dựng "
                              f"bản nháp (ocop build --draft). / {reason[1]}.")
        self.templates = (Path(config.config_file_path).parent / self.config.templates_dir).resolve()
        self.plan = plan_site(catalog, site, self.templates)
        # The catalog and plan live until the end of the build: keep the garbage collector
        # from walking them again and again while pages are rendered (a large share of the
        # time at 20,000 products otherwise).
        gc.freeze()
        self.pages = {page.src_uri: page for page in self.plan.pages}
        config.extra["ocop_draft"] = site.draft
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
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Our page templates live in the theme folder; they are not files of the site.
        for theme_file in [f for f in files if f.abs_src_path
                           and Path(f.abs_src_path).resolve().is_relative_to(self.templates)]:
            files.remove(theme_file)
        for page in self.plan.pages:
            if not page.in_nav:
                continue  # filled into the site shell after the build (shell.py)
            # Material prints page titles and descriptions without escaping them, and titles
            # come from producers' records: hand it text that is already HTML-escaped.
            front = yaml.safe_dump({"title": str(escape(page.title)),
                                    "description": str(escape(page.description))},
                                   allow_unicode=True, sort_keys=True)
            files.append(File.generated(config, page.src_uri, content=f"---\n{front}---\n"))
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
        if page.file.src_uri in self.shell_sources:
            return shell.BODY
        self.mkdocs_pages.append(page.url)
        ours = self.pages.get(page.file.src_uri)
        return ours.body if ours else html

    def on_env(self, env, *, config: MkDocsConfig, files: Files):  # type: ignore[no-untyped-def]
        # Compiling Material's templates is a good part of a small rebuild; keep the result.
        if self.site is not None and self.site.cache_dir is not None:
            env.bytecode_cache = FileSystemBytecodeCache(str(_jinja_cache(self.site.cache_dir)))
        return env

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return shell.valid_html(output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.site is not None
        site_dir = Path(config.site_dir)
        site_url = config.site_url or ""
        shells = load_shells(site_dir, self.shell_sources, site_url)
        shutil.rmtree(site_dir / shell.SHELL_DIR, ignore_errors=True)
        previous = Manifest.read(self.previous_site)
        result = write_site(self.plan, site_dir, shells, self.site.absolute_url, previous,
                            self.progress)
        write_sitemap(site_dir, site_url, self.mkdocs_pages + result.manifest.page_urls())
        (site_dir / SITE_MARKER).write_text("built by ocop\n", encoding="utf-8")
        result.manifest.generated += ["sitemap.xml", SITE_MARKER]
        result.manifest.write(site_dir)
        self.result = result
        gc.unfreeze()  # `mkdocs serve` plans again on every change: let the old plan go

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        if self.site is not None:
            server.watch(str(self.site.products_dir))
        server.watch(str(self.templates))
        return server
