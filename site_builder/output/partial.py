"""A build that changed a few records: only their units are planned, rendered and written.

The full build plans every unit of the catalog from every product: at national scale that
means reading every product from the cache and working out every page's key, seconds of work
for a story edit that changes one product's pages. The last build leaves its state here
(``BuildState``: the key every unit is built on, each product's status day, and where each
unit's entry lies in the manifest). When the settings and the day are the same, no record was
added or removed, and the records that changed show the same in listings
(``records.cache.summary_digest``) and state their status from the same day, nothing the
catalog-wide units show has changed: their keys, and their entries in the manifest, are the
last build's. Then only the changed products' own units are planned (their pages, pictures
and lots), with the staff pages of Circular 02/2024 items when a batch changed; the units
whose key changed are rendered, and the manifest's text is rewritten with their entries
replaced (``writer.ManifestIndex``). Any other change takes the full build, which gives the
same keys, pages and manifest: a test builds both ways and compares them byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from site_builder.assets.favicon import DATA_URI as FAVICON_DATA_URI
from site_builder.config import SiteConfig
from site_builder.domain.rules import unchanged_since
from site_builder.domain.traceability import Completeness, all_completeness
from site_builder.output.durable import write_durably
from site_builder.output.keys import listed_key
from site_builder.output.plan import LanguageSite, Traced, photo_links, product_units
from site_builder.output.sitemap import indexed_address
from site_builder.output.units import SitePlan, Unit
from site_builder.output.writer import (
    MANIFEST,
    FileWriter,
    Manifest,
    ManifestIndex,
    Shells,
    shell_digest,
    write_unit,
)
from site_builder.problems import Problems, Severity
from site_builder.records.cache import Entry, FilesRead, RecordCache
from site_builder.records.validate import check_record
from site_builder.render.html import language_links
from site_builder.render.templates import Languages
from site_builder.render.views import product_view

# Past this many changed records, the full build: its cost is shared by many units anyway.
MOST_CHANGED = 200


@dataclass
class BuildState:
    """What a build leaves for the next one to key a few products' units as it did."""

    settings: str  # build.settings_digest: settings, templates, code, the day
    frame: str  # build.frame_digest: what MkDocs made the shells from
    shells: str  # writer.shell_digest of those shells
    base_key: str  # keys.global_key
    forwarding_pages: bool  # moved short addresses get pages (not the host's rules)
    since: dict[str, date]  # each product's status day (plan.SitePlan.since)
    index: ManifestIndex  # of the manifest in the published site
    # Each product's record as this build used it: (fingerprint, summary, traced digests) by
    # id. What changed is told against these, never against the record cache alone, which
    # `ocop check` and the imports bring up to date between two builds.
    records: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # Each product's key as listings show it (plan.SitePlan.listed): the same in any build
    # this state keys, which changes no product's summary or status day.
    listed: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def _path(cache_dir: Path, site: Path) -> Path:
        name = hashlib.sha256(str(site).encode()).hexdigest()[:16]
        return cache_dir / f"build-state-{name}.pickle"

    @classmethod
    def load(cls, cache_dir: Path | None, site: Path) -> BuildState | None:
        if cache_dir is None:
            return None
        try:
            with cls._path(cache_dir, site).open("rb") as handle:
                found = pickle.load(handle)
        except Exception:  # noqa: BLE001 - missing or damaged: a full build
            return None
        return found if isinstance(found, cls) else None

    def save(self, cache_dir: Path | None, site: Path) -> None:
        if cache_dir is None:
            return
        self.index = replace(self.index, stat=manifest_stat(site))
        path = self._path(cache_dir, site)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)

    @classmethod
    def forget(cls, cache_dir: Path | None, site: Path) -> None:
        if cache_dir is not None:
            cls._path(cache_dir, site).unlink(missing_ok=True)


def records_used(cache: RecordCache) -> dict[str, tuple[str, str, str]]:
    """``BuildState.records`` from the record cache a build has just read every record from."""
    return {e.id: (e.fingerprint, e.summary, e.traced) for e in cache.entries.values()}


def manifest_stat(site: Path) -> tuple[int, int, int]:
    try:
        info = os.stat(site / MANIFEST)
    except OSError:
        return (0, 0, 0)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


@dataclass
class PartialBuild:
    """What a partial build wrote into its staging folder, for the publisher and the report."""

    cache: RecordCache
    previous: Manifest  # the changed units' entries before (only those)
    current: Manifest  # and now
    index: ManifestIndex  # of the new manifest
    rendered: int
    warnings: Problems
    files: list[str]  # every file the records refer to (photos, documents)
    # ``BuildState.records`` for the next build: each record as this one used it, worked out
    # as the records were compared (a national catalog's fingerprints, once).
    records: dict[str, tuple[str, str, str]] = field(default_factory=dict)


def build_changes(site: SiteConfig, templates: Path, state: BuildState, settings: str,
                  frame: str, shells: Shells, records: list[str], final: Path,
                  scratch: Path, seen: dict[str, tuple[int, int]] | None = None
                  ) -> PartialBuild | None:
    """The units of the records that changed since the build that left ``state``, written
    into ``scratch`` with the new manifest; None when this build must be a full one.
    ``seen``: the sizes and times of files this build already looked at."""
    if (state.settings != settings or state.frame != frame
            or state.shells != shell_digest(shells) or state.index.stat != manifest_stat(final)):
        return None
    cache = RecordCache.open(site)
    known = state.records
    if len(records) != len(known):
        return None  # a product added or removed: listings change
    products: dict[str, tuple] = {}
    unread: list[str] = []  # changed since the last build, already checked (ocop check, import)
    used: dict[str, tuple[str, str, str]] = {}
    for record in records:
        entry = cache.get(record, seen)
        product = None
        if entry is None:
            files: FilesRead = {}  # what the check read, so that the cache reads none again
            product, found = check_record(Path(record), site, files)
            entry = (cache.put(Path(record), product, found.items, files)
                     if product is not None else None)
            if product is None or found.errors or entry is None:
                return None  # the full build reports every problem, as it always does
        old = known.get(entry.id)
        if old is None:
            return None  # a record renamed or replaced by another product's
        fingerprint = entry.fingerprint
        used[entry.id] = (fingerprint, entry.summary, entry.traced)
        if fingerprint == old[0]:
            continue
        if entry.summary != old[1] or len(products) + len(unread) >= MOST_CHANGED:
            return None
        if product is None:
            unread.append(record)
        else:
            products[record] = product
    for record, product in cache.products(unread).items():
        products[record] = product
    if len(products) != len({*products, *unread}):
        return None  # a cached product that could not be read back: the full build
    dated: dict[str, tuple] = {}
    for record, product in products.items():
        since = unchanged_since(product, site.today(), site.rules)
        if since != state.since.get(product.id):
            return None
        dated[record] = (product, since)
    products = dated
    text = (final / MANIFEST).read_bytes()
    languages = Languages(site, templates, icon=FAVICON_DATA_URI)
    units, removed = _product_units(languages, state, cache, products)
    retraced = {cache.entries[r].province for r in products
                if cache.entries[r].traced != known[cache.entries[r].id][2]}
    if retraced:
        units += _traceability_units(languages, state, cache, retraced)
    shell_key = shell_digest(shells)
    keyed = [(unit, hashlib.sha256(f"{unit.key}|{shell_key}".encode()).hexdigest())
             for unit in units]
    starts = state.index.starts()
    old = state.index.entries(text, [unit.name for unit, _ in keyed] + removed, starts)
    todo = [(unit, key) for unit, key in keyed if old.get(unit.name, {}).get("key") != key]
    writer = FileWriter(scratch)
    links = language_links(site)
    new = {unit.name: write_unit(unit, key, writer, shells, site.absolute_url, links)
           for unit, key in todo}
    # The sitemap lists the pages search engines may index; these units keep theirs.
    if any(_indexed(old.get(name)) != _indexed(entry) for name, entry in new.items()):
        return None
    changes: dict[str, dict | None] = {**new, **dict.fromkeys(removed)}
    pieces, index = state.index.splice(text, changes, starts)
    write_durably(scratch / MANIFEST, pieces)
    files = sum(len(e["files"]) for e in new.values())
    files -= sum(len(old[name]["files"]) for name in changes if name in old)
    html = sum(f.endswith(".html") for e in new.values() for f in e["files"])
    html -= sum(f.endswith(".html") for name in changes if name in old for f in old[name]["files"])
    index = replace(index, files=state.index.files + files, pages=state.index.pages + html)
    warnings = Problems([problem for record in records for problem in cache.entries[record].problems
                         if problem.severity is Severity.WARNING])
    return PartialBuild(cache, Manifest(units={n: e for n, e in old.items() if n in changes}),
                        Manifest(units=new), index, len(new), warnings,
                        [dep for entry in cache.entries.values() for dep, _, _ in entry.deps],
                        used)


def _indexed(entry: dict | None) -> list[str]:
    return [url for url in (entry or {}).get("pages", ()) if indexed_address(url)]


def _product_units(languages: Languages, state: BuildState, cache: RecordCache,
                   products: dict[str, tuple]) -> tuple[list[Unit], list[str]]:
    """The changed products' units, as ``plan.plan_site`` makes them, and the names of their
    lots' units that are gone."""
    site = languages.first.config
    units: list[Unit] = []
    removed: list[str] = []
    for record, (product, since) in products.items():
        entry = cache.entries[record]
        first = product_view(product, since, site, languages.first.t)
        views = [first] + [first.in_language(r.t, r.urls) for r in languages.renderers[1:]]
        mine = product_units(languages, views, photo_links(product), entry.fingerprint,
                             state.base_key, entry.summary, entry.lots, state.forwarding_pages)
        units += mine
        lots = {unit.name for unit in mine}
        removed += [name for name in state.index.named(f"lot:{product.id}/") if name not in lots]
    return units, removed


def _traceability_units(languages: Languages, state: BuildState, cache: RecordCache,
                        provinces: set[int]) -> list[Unit]:
    """The units of the staff pages of Circular 02/2024 items that a change to the products
    of ``provinces`` can change (the summary, and those provinces' pages: the others' keys
    are the last build's), keyed as the full build keys them, from what the cache holds of
    each record; the rows of a page are worked out from its products, read from the cache,
    only if it is rendered."""
    by_id: dict[str, tuple[str, Entry]] = {e.id: (r, e) for r, e in cache.entries.items()}
    ids_by_province: dict[int, list[str]] = {}
    for product_id in sorted(by_id):
        ids_by_province.setdefault(by_id[product_id][1].province, []).append(product_id)

    def rows_of(ids: list[str]) -> dict[str, list[Completeness]]:
        read = cache.products([by_id[i][0] for i in ids])
        return {i: all_completeness([read[by_id[i][0]]]) for i in ids}

    listed = state.listed if state.listed.keys() == by_id.keys() else {
        i: listed_key(state.base_key, e.summary, state.since[i]) for i, (_, e) in by_id.items()}
    traced = Traced(ids_by_province, listed,
                    {i: e.traced for i, (_, e) in by_id.items()}, rows_of,
                    lambda i: by_id[i][1].rows)
    plan = SitePlan()
    for renderer in languages.renderers:
        LanguageSite(plan, languages, renderer, [], {}, {}, "").completeness(traced, provinces)
    return plan.units
