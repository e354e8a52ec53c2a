"""``ocop offline``: a copy of the built site that works from a USB stick with no network.

It opens straight from the files (``file://``) in a current browser; no server to start. Two
things keep a static site from working that way, and the copy fixes both:

- Links to folders (``san-pham/``) show a folder listing instead of the page: every relative
  link, form action and source ending in a folder gets ``index.html``.
- Browsers refuse ``fetch()`` of local files, so the catalog's search index cannot be read:
  the index is copied into one script (``search/offline.js``) that the catalog pages load, and
  catalog.js reads from it instead of fetching.

The kit is made from a build of its own (``kit_site``), never from the published ``site/``,
which is neither rebuilt nor read: making a kit for a fair publishes nothing. Files that only a
published site needs stay out of the kit (``PUBLISHED_ONLY``). The kit is written beside its
target and swapped into place, and a folder that is not an earlier kit is never replaced.

A kit may hold some of the products only (``selection.py``: a province, star ratings,
sectors), so a fair booth carries its province rather than the national index: the records are
read and the products chosen first, and the kit's site is built from those alone. Its home page
and guide say what it holds.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import Protocol

from site_builder.config import SiteConfig
from site_builder.offline.selection import KitSelection
from site_builder.output.publish import JOURNAL
from site_builder.output.writer import MANIFEST, SITE_MARKER
from site_builder.problems import Problems, format_problems
from site_builder.progress import Progress
from site_builder.records.validate import load_catalog

MARKER = ".ocop-offline"
# Where the kit's site is built, in the cache folder: the next kit is built incrementally.
BUILD_DIR = "offline-site"
# Files of the site's root that only a published site needs. The marker and the manifest let
# ``ocop build`` replace and update a site folder; in a kit they would make ocop take the USB
# stick for a site it may rebuild. The sitemap lists the public addresses for search engines,
# which never read a USB stick, and no page links to it (browsers refuse fetch() of files).
PUBLISHED_ONLY = frozenset({SITE_MARKER, MANIFEST, JOURNAL, "sitemap.xml", "sitemap.xml.gz"})
BUNDLE = "offline.js"
# Pages read from files answer only as 'x/index.html' and 'x.html', whatever host the published
# site is built for (hosts.py): the layout that writes both.
KIT_HOST = "default"
GUIDE_NAME = "MO-DANH-MUC.txt"
# The guide beside index.html, in two parts: what the kit holds is written after each.
GUIDE_VI = """Danh mục sản phẩm OCOP - bản dùng không cần mạng
==================================================

Mở tệp index.html trong thư mục này bằng Chrome, Edge hoặc Firefox (nhấp đúp).
Tìm kiếm, lọc theo sao, ngành, tỉnh và sắp xếp đều chạy không cần Internet.
Mã QR trên các trang dẫn tới địa chỉ công khai của danh mục (cần mạng khi quét bằng điện thoại).
"""
GUIDE_EN = """OCOP product catalog - offline copy
Open index.html in this folder with Chrome, Edge or Firefox (double-click). Search, filters
and sorting work without the Internet. QR codes point to the public catalog online.
"""

# href/src/action values that are relative addresses (no scheme, not protocol-relative,
# not a fragment-only link).
_LINK = re.compile(r'(?P<attr>\s(?:href|src|action))="(?P<url>(?![a-zA-Z][a-zA-Z0-9+.-]*:|//|#)'
                   r'[^"]*)"')
_CATALOG_FORM = re.compile(r'id="ocop-catalog"[^>]*\sdata-index="(?P<index>[^"]*)"')
# Where a home page gets the line saying what the kit holds: after its lead paragraph, else
# after its heading.
_HOME_LEAD = re.compile(r'<p class="ocop-lead">.*?</p>|</h1>', re.DOTALL)


class OfflineError(Exception):
    pass


class BuiltSite(Protocol):
    """What a kit needs of a finished build: where the site is, how many products it holds."""

    @property
    def site_dir(self) -> Path: ...
    @property
    def products(self) -> int: ...


@dataclass(frozen=True)
class KitBuilder:
    """``ocop build`` as a kit uses it, handed in by the edge that runs ``ocop offline`` (a
    feature imports no edge): ``settings(config_file, as_of)`` reads the catalog's settings,
    ``build(config_file, site_dir=..., as_of=..., progress=..., only=..., host=..., editor=...)``
    builds a site into a folder of its own. Both may raise the edge's own error, which the edge
    reports."""

    settings: Callable[[Path, date | None], SiteConfig]
    build: Callable[..., BuiltSite]


@dataclass(frozen=True)
class OfflineResult:
    folder: Path
    pages: int
    files: int
    bytes: int
    index_bytes: int
    holds: tuple[str, str] = ("", "")  # what the kit holds (vi, en), as its guide says


def folder_link(url: str) -> str:
    """'../san-pham/?sao=5' -> '../san-pham/index.html?sao=5'; other links unchanged."""
    path, sep, rest = _split(url)
    if path == "" or path.endswith("/"):
        if path == "" and sep:  # '?q=..' or '#x' alone: the same page
            return url
        return f"{path}index.html{sep}{rest}"
    if path in (".", "..") or path.endswith(("/.", "/..")):
        return f"{path}/index.html{sep}{rest}"
    return url


def _split(url: str) -> tuple[str, str, str]:
    for at, char in enumerate(url):
        if char in "?#":
            return url[:at], char, url[at + 1:]
    return url, "", ""


def rewrite_page(html: str) -> str:
    html = _LINK.sub(lambda m: f'{m["attr"]}="{folder_link(m["url"])}"', html)
    form = _CATALOG_FORM.search(html)
    if form and "</body>" in html:
        script = f'<script src="{form["index"]}{BUNDLE}"></script>'
        html = html.replace("</body>", script + "</body>", 1)
    return html


def add_notice(html: str, text: str) -> str:
    """The page with ``text`` as a notice below its lead paragraph (a kit's home pages)."""
    notice = f'<p class="ocop-notice ocop-kit-holds" role="note">{escape(text)}</p>'
    place = _HOME_LEAD.search(html)
    if place is None:
        return html
    return html[:place.end()] + "\n" + notice + html[place.end():]


def guide(holds: tuple[str, str] | None) -> str:
    if holds is None:
        return f"{GUIDE_VI}\n{GUIDE_EN}"
    return f"{GUIDE_VI}{holds[0]}\n\n{GUIDE_EN}{holds[1]}\n"


def index_bundle(search_dir: Path) -> str:
    """Every search index file as one script: JSON files as values, binary ones as base64."""
    files: dict[str, object] = {}
    for path in sorted(search_dir.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(search_dir).as_posix()
        if path.suffix == ".json":
            files[name] = json.loads(path.read_text(encoding="utf-8"))
        else:
            files[name] = {"base64": base64.b64encode(path.read_bytes()).decode("ascii")}
    text = json.dumps(files, ensure_ascii=False, separators=(",", ":"))
    # "</" cannot end a script it is not in, but keep the file safe to inline anyway.
    return "window.ocopOffline=" + text.replace("</", "<\\/") + ";\n"


def make_kit(config_file: Path, out: Path, builder: KitBuilder, selection: KitSelection | None = None,
             *, as_of: date | None = None, progress: Progress | None = None) -> OfflineResult:
    """``ocop offline``: the products ``selection`` chooses (all by default), built and
    written to ``out``. A selection that chooses nothing raises ``SelectionError`` before
    anything is built or written."""
    selection = selection or KitSelection()
    site = builder.settings(config_file, as_of)
    only = None
    if selection.narrows:
        catalog, problems = load_catalog(site, progress, traceability_notes=False)
        if problems.errors:  # what the build would stop on; said before choosing
            raise OfflineError(format_problems(Problems(problems.errors), site.products_dir.parent))
        only = selection.pick(catalog, site.today(), site.rules)
    with kit_site(builder, config_file, site.cache_dir, as_of=as_of, progress=progress,
                  only=only) as built:
        holds = selection.describe(built.products)
        notices = {f"{site.language_prefix(lang)}index.html": holds[0] if lang == "vi" else holds[1]
                   for lang in site.languages} if selection.narrows else {}
        return make_offline_copy(built.site_dir, out, holds=holds, notices=notices)


@contextmanager
def kit_site(builder: KitBuilder, config_file: Path, cache_dir: Path | None, *,
             as_of: date | None = None, progress: Progress | None = None,
             only: frozenset[str] | None = None) -> Iterator[BuiltSite]:
    """The site built for a kit in a folder of its own, so the published ``site/`` is never
    rebuilt, republished or read. The folder is kept in the cache (``BUILD_DIR``), so the next
    kit builds only what changed; with no cache folder, a temporary one removed afterwards.
    ``only``: the ids of the products the kit holds (None: all). One folder serves every
    selection: a build from other products removes the pages of those it no longer holds."""
    if cache_dir is not None:
        yield builder.build(config_file, site_dir=cache_dir / BUILD_DIR, as_of=as_of,
                         progress=progress, only=only, host=KIT_HOST,
                         editor=False)
        return
    with tempfile.TemporaryDirectory(prefix="ocop-offline-") as scratch:
        yield builder.build(config_file, site_dir=Path(scratch) / "site", as_of=as_of,
                         progress=progress, only=only, host=KIT_HOST,
                         editor=False)


def make_offline_copy(site_dir: Path, out: Path, *, holds: tuple[str, str] | None = None,
                      notices: Mapping[str, str] | None = None) -> OfflineResult:
    """``holds``: what the kit holds (vi, en), for its guide; ``notices``: a line to show on
    some pages (by path in the site: the home page of each language)."""
    if not (site_dir / "index.html").is_file():
        raise OfflineError(f"{site_dir} chưa có trang đã dựng / {site_dir} holds no built site")
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise OfflineError(f"{out} là một tệp, không phải thư mục / {out} is a file, not a folder")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OfflineError(f"{out} đã có và không phải bản offline cũ: không ghi đè / {out} exists "
                           "and is not an earlier offline copy; not replaced")
    staging = out.with_name(f".{out.name}.tmp")
    if staging.exists():
        shutil.rmtree(staging)
    pages = files = size = 0
    for folder, _, names in os.walk(site_dir):
        source_folder = Path(folder)
        target_folder = staging / source_folder.relative_to(site_dir)
        target_folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            if source_folder == site_dir and name in PUBLISHED_ONLY:
                continue
            source, target = source_folder / name, target_folder / name
            if name.endswith(".html"):
                html = rewrite_page(source.read_text(encoding="utf-8"))
                notice = (notices or {}).get(target.relative_to(staging).as_posix())
                target.write_text(add_notice(html, notice) if notice else html, encoding="utf-8")
                pages += 1
            else:
                shutil.copyfile(source, target)
            files += 1
            size += target.stat().st_size
    bundle = index_bundle(site_dir / "search") if (site_dir / "search").is_dir() else ""
    if bundle:
        (staging / "search" / BUNDLE).write_text(bundle, encoding="utf-8")
    (staging / GUIDE_NAME).write_text(guide(holds), encoding="utf-8")
    (staging / MARKER).write_text("ocop offline\n", encoding="utf-8")
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old)
    else:
        staging.rename(out)
    return OfflineResult(out, pages, files + 2, size + len(bundle.encode()), len(bundle.encode()),
                         holds or ("", ""))
