"""``ocop build``: validate, build the whole site in a scratch folder, then swap it into place.

The published folder is replaced only when the whole build succeeded, so a failed or
interrupted build leaves the previous site exactly as it was. A folder that was not made by
this tool is never replaced or deleted.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from site_builder.config import SiteConfig
from site_builder.mkdocs import shells
from site_builder.mkdocs.plugin import (
    Handoff,
    Made,
    OcopPlugin,
    plan_for_host,
    read_settings,
    render_units,
    said,
)
from site_builder.output import publish
from site_builder.output.keys import global_key
from site_builder.output.up_to_date import LastBuild, LastBuildFacts
from site_builder.output.writer import (
    MANIFEST,
    Manifest,
    OutputClash,
    Shells,
    UnsafePath,
    incremental,
    kept_generated,
    keyed_units,
    output_message,
    shell_digest,
)
from site_builder.output.writer import SITE_MARKER as MARKER
from site_builder.problems import Message, Problems, format_problems
from site_builder.progress import Progress, Quiet
from site_builder.records.fingerprint import files_under
from site_builder.records.paths import present, record_paths

# What a build that finds nothing to do never needs (the checks, the renderer, MkDocs's own
# build, Pillow) is loaded when a build needs it: starting the process is most of its time.
if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from site_builder.domain.model import Catalog


class BuildError(Exception):
    """A build that must stop, with a message for the person who ran it."""


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    products: int
    pages: int  # HTML files in the published site
    files: int  # all files in the published site
    warnings: Problems
    mode: str = "full"  # "incremental": only changed units rendered; "up-to-date": nothing to do
    rendered: int = 0  # units (products, listing pages) rendered
    reused: int = 0  # units kept unchanged from the previous build
    # Where the time went: each stage's seconds, in order, and the processor seconds spent
    # rendering units of each kind ("product", "lot"...), with how many.
    stages: tuple[tuple[str, float], ...] = ()
    units: tuple[tuple[str, float, int], ...] = ()


class Stages:
    """The seconds each stage of a build took, ended one after the other."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.times: list[tuple[str, float]] = []

    def end(self, name: str) -> None:
        now = time.perf_counter()
        self.times.append((name, now - self.started))
        self.started = now


def ocop_plugin(config) -> OcopPlugin:  # type: ignore[no-untyped-def]
    plugin = config.plugins.get("ocop")
    if not isinstance(plugin, OcopPlugin):
        raise BuildError(said("plugin_missing"))
    return plugin


def _check_replaceable(site_dir: Path) -> None:
    if site_dir.is_symlink() or (site_dir.exists() and not site_dir.is_dir()):
        raise BuildError(said("site_dir_not_folder", site_dir=site_dir))
    if site_dir.is_dir() and any(site_dir.iterdir()) and not (site_dir / MARKER).is_file():
        raise BuildError(said("site_dir_foreign", site_dir=site_dir))


def build_site(config_file: Path, *, site_dir: Path | None = None, as_of: date | None = None,
               draft: bool = False, progress: Progress | None = None,
               only: frozenset[str] | None = None, host: str | None = None,
               editor: bool = True) -> BuildResult:
    """``only``: the ids of the products to build (``ocop offline --province``); the others
    are left out as if their records were not there. None builds every product. ``host``
    replaces the ``host`` of mkdocs.yml (the offline kit is read from files: ``default``).
    ``editor``: False leaves the form editor out whatever mkdocs.yml says (the offline kit)."""
    # A build holds tens of thousands of small objects until it ends; collect garbage rarely,
    # then give the process its own settings back, whether the build succeeded or not. Not
    # at all until the build turns out to be a full one: a rebuild that finds nothing or a
    # few records to do reads what the last build left (hundreds of thousands of objects for
    # a national catalog, none of them garbage), and each collection went through all those
    # read since the one before (a quarter of a second of a one-lot rebuild).
    thresholds, collecting = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(50_000, 50, 100)
    gc.disable()
    try:
        return _build_site(config_file, site_dir, as_of, draft, progress, only, host, editor,
                           collecting)
    finally:
        gc.set_threshold(*thresholds)
        if collecting:
            gc.enable()


def _build_site(config_file: Path, site_dir: Path | None, as_of: date | None, draft: bool,
                progress: Progress | None, only: frozenset[str] | None,
                host: str | None = None, editor: bool = True,
                collecting: bool = True) -> BuildResult:
    """The build, stage by stage. Only stage 4 runs MkDocs, for what only it does: the few
    navigation pages and the page shell in the theme's layout. ``collecting``: whether to
    collect garbage once the build is a full one."""
    # 1. Settings: the ocop block of mkdocs.yml, where the site goes, what the last build left.
    stages = Stages()
    config, plugin, site_config = _settings(config_file, as_of, draft, host, editor)
    final = (site_dir or Path(config.site_dir)).resolve()
    _check_replaceable(final)
    publish.recover_swap(final)  # a full build killed between its two renames
    templates = (Path(config.config_file_path).parent / plugin.config.templates_dir).resolve()
    if not (templates / "product.html").is_file():
        raise BuildError(said("templates_missing", config=config.config_file_path,
                              templates=templates))
    last = LastBuild(site_config.cache_dir, final)
    records = (record_paths(site_config.products_dir, last.known_files())
               if site_config.products_dir.is_dir() else [])
    settings = settings_digest(config, site_config, templates)
    if only is not None:  # another selection is another site: never "up to date" with this one
        settings = hashlib.sha256("\n".join((settings, *sorted(only))).encode()).hexdigest()
    published, state_warnings = _published(final)
    if published and (unchanged := last.unchanged(settings, records)) is not None:
        stages.end("settings")
        return BuildResult(final, unchanged.products, unchanged.pages, unchanged.files,
                           Problems(list(unchanged.warnings)), "up-to-date", 0, unchanged.units,
                           tuple(stages.times))
    last.forget()
    records = present(records, last.seen)
    from site_builder.assets.media import PhotoUnreadable
    from site_builder.output.partial import BuildState, records_used
    from site_builder.records.cache import RecordCache
    from site_builder.records.validate import RecordChanged, load_catalog

    frame_key = frame_digest(config, site_config, templates)
    # 2'. A few records changed since the last build and listings show none of it: plan,
    # render and write their own units alone (output/partial.py).
    stages.end("settings")
    if published and only is None:
        done = _partial_build(site_config, templates, settings, frame_key, records, final, last,
                              stages)
        if done is not None:
            return done
    if collecting:
        gc.enable()
    BuildState.forget(site_config.cache_dir, final)

    # 2. Records: every product.yml read and checked; any error stops here, all listed at once.
    # Held lean: a product's units read it whole from the record cache when rendered.
    catalog, problems = load_catalog(site_config, progress, traceability_notes=False,
                                     paths=records if records else None, lean=True,
                                     seen=last.seen)
    if problems.errors:
        raise BuildError(format_problems(problems, site_config.products_dir.parent))
    if only is not None:
        catalog, problems = _keep_only(catalog, problems, only)
    signature = last.signature(settings, records, catalog)
    stages.end("records")

    # 3. Plan: every page and unit of the site, each with the key that says if it changed.
    try:
        plan = plan_for_host(catalog, site_config, templates, Path(config.config_file_path).parent)
    except PluginError as exc:  # the editor's script could not be had
        raise BuildError(str(exc)) from None
    handoff = Handoff(site_config, plan)
    previous, damaged = Manifest.load(final / MANIFEST) if published else (None, None)
    if damaged is not None:  # taken as absent: this build is a full one
        state_warnings.append((final / MANIFEST, output_message("manifest_damaged",
                                                                reason=damaged)))
    damaged_state = Problems()  # said this once, not again by an "up to date" build
    for path, message in state_warnings:
        damaged_state.warn(path, 1, "", message.vi, message.en, code="damaged_state")
    frame = Frame.load(site_config.cache_dir, frame_key)
    scratch = _scratch_folder(final)
    stages.end("plan")
    try:
        # 4. Shell: MkDocs renders the frames of the navigation pages and the page shell of
        # each folder depth, unless an incremental build finds them from the same inputs (they
        # hold no record: bodies are filled in by the units).
        kept = None
        if frame is None or not incremental(keyed_units(plan, frame.shells), previous):
            made = _mkdocs_pages_and_shells(config, plugin, handoff, scratch)
            frame = Frame(frame_key, made.shells, made.pages)
            frame.save(site_config.cache_dir)
            if previous is not None and not incremental(keyed_units(plan, frame.shells),
                                                        previous):
                # A full build keeps nothing of the previous one: its manifest (310 MB
                # held at 200,000 lots) let go before the render's workers are forked.
                previous = None
        else:
            kept = kept_generated(previous)
        stages.end("shell")

        # 5. Render: every unit whose key changed, filled into the shell; then the sitemap,
        # the marker and the manifest of units and files.
        try:
            result = render_units(handoff, Made(frame.shells, frame.pages), scratch, previous,
                                  progress or Quiet(), kept, publish.new_standby(scratch, final))
        except (OutputClash, PhotoUnreadable, UnsafePath, RecordChanged) as exc:
            raise BuildError(str(exc)) from None
        stages.end("render")

        # 6. Publish: the new site put in place in one step (publish.py).
        if result.mode == "incremental":
            assert previous is not None
            publish.publish_changes(scratch, final, previous, result.manifest)
        else:
            publish.swap(scratch, final, result.standby)
    finally:
        publish.discard_scratch(scratch, final)
    assert result.index is not None
    BuildState(settings, frame_key, shell_digest(frame.shells), plan.base_key,
               not plan.moved_by_rule, plan.since, result.index,
               records_used(RecordCache.open(site_config)), plan.listed).save(
                   site_config.cache_dir, final)
    pages, files = result.index.pages, result.index.files
    last.remember(signature, LastBuildFacts(len(catalog.products), pages, files,
                                            len(result.manifest.units), tuple(problems.warnings)))
    stages.end("publish")
    spent = result.spent
    return BuildResult(final, len(catalog.products), pages, files,
                       Problems(damaged_state.items + problems.warnings), result.mode,
                       result.rendered, result.reused, tuple(stages.times),
                       tuple((kind, spent.seconds[kind], spent.units[kind]) for kind in spent.units))


def _partial_build(site: SiteConfig, templates: Path, settings: str, frame_key: str,
                   records: list[str], final: Path, last: LastBuild,
                   stages: Stages) -> BuildResult | None:
    """The build of the few records that changed, or None when it must be a full one."""
    from site_builder.assets.media import PhotoUnreadable
    from site_builder.output.partial import BuildState, build_changes

    state = BuildState.load(site.cache_dir, final)
    frame = Frame.load(site.cache_dir, frame_key) if state is not None else None
    if state is None or frame is None:
        return None
    scratch = _scratch_folder(final)
    try:
        try:
            done = build_changes(site, templates, state, settings, frame_key, frame.shells,
                                 records, final, scratch, last.seen)
        except (OutputClash, PhotoUnreadable, UnsafePath) as exc:
            raise BuildError(str(exc)) from None
        if done is None:
            return None
        stages.end("changes")
        publish.publish_changes(scratch, final, done.previous, done.current)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    done.cache.save()
    state.index = done.index
    state.records = done.records
    state.save(site.cache_dir, final)
    index = done.index
    last.remember(last.signature_of(settings, records, done.files), LastBuildFacts(
        len(records), index.pages, index.files, len(index.names), tuple(done.warnings.items)))
    stages.end("publish")
    return BuildResult(final, len(records), index.pages, index.files, done.warnings,
                       "incremental", done.rendered, len(index.names) - done.rendered,
                       tuple(stages.times))


def _keep_only(catalog: Catalog, problems: Problems, ids: frozenset[str]
               ) -> tuple[Catalog, Problems]:
    """The catalog of the products ``ids`` only, and the problems not about the others' records
    (read and checked all the same: the catalog-wide checks, such as duplicate GTINs, saw all)."""
    left_out = {p.source for p in catalog.products if p.id not in ids}
    kept = replace(catalog, products=[p for p in catalog.products if p.id in ids],
                   digests={i: d for i, d in catalog.digests.items() if i in ids},
                   summaries={i: d for i, d in catalog.summaries.items() if i in ids},
                   lots={i: d for i, d in catalog.lots.items() if i in ids},
                   traced={i: d for i, d in catalog.traced.items() if i in ids},
                   rows={i: d for i, d in catalog.rows.items() if i in ids})
    return kept, replace(problems, items=[p for p in problems.items if p.path not in left_out])


def _settings(config_file: Path, as_of: date | None, draft: bool, host: str | None = None,
              editor: bool = True) -> tuple[MkDocsConfig, OcopPlugin, SiteConfig]:
    """mkdocs.yml, its ocop plugin and the catalog's settings, with what the command line
    puts in the place of the ocop block's options."""
    config = load_config(config_file=str(config_file))
    plugin = ocop_plugin(config)
    overrides: dict[str, object] = {}
    if as_of is not None:
        overrides["as_of"] = as_of.isoformat()
    if draft:
        overrides["draft"] = True
    if host is not None:
        overrides["host"] = host
    if not editor and isinstance(plugin.config.editor, dict):
        overrides["editor"] = {**plugin.config.editor, "enabled": False}
    site_config = _site_config(plugin, config, overrides)
    if not site_config.draft and (reason := site_config.site_url_problem()):
        raise BuildError(said("site_url_build", problem=Message(*reason)))
    return config, plugin, site_config


def _published(final: Path) -> tuple[Path | None, list[tuple[Path, Message]]]:
    """The site a previous build published there (its interrupted commit rolled back), whose
    unchanged units this build keeps, None for a first build; and what could not be trusted
    there (a damaged journal: then the site's manifest is gone, and this build is full)."""
    if final.is_dir() and (final / MARKER).is_file():
        _, damaged = publish.recover(final)
        return final, [] if damaged is None else [(final / publish.JOURNAL, damaged)]
    return None, []


def _scratch_folder(final: Path) -> Path:
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_scratch(final)
    return Path(tempfile.mkdtemp(prefix=f".{final.name}.building-", dir=final.parent))


def _mkdocs_pages_and_shells(config: MkDocsConfig, plugin: OcopPlugin, handoff: Handoff,
                             scratch: Path) -> Made:
    """MkDocs' part: the navigation pages into ``scratch``, and the shells, from the settings
    and plan ``handoff`` holds; the plugin has them for this build only."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    from site_builder.assets.media import PhotoUnreadable

    config.site_dir = str(scratch)
    plugin.handoff = handoff
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    except (MkDocsException, OutputClash, PhotoUnreadable, UnsafePath) as exc:
        raise BuildError(str(exc)) from None
    finally:
        config.plugins.on_shutdown()
        plugin.handoff = None
    assert plugin.made is not None
    return plugin.made


def settings_digest(config, site: SiteConfig, templates: Path) -> str:  # type: ignore[no-untyped-def]
    """``frame_digest`` and the day, on which statuses may turn (a new day is a normal build,
    rendering what the day changed)."""
    digest = hashlib.sha256(frame_digest(config, site, templates).encode())
    digest.update(site.today().isoformat().encode())
    return digest.hexdigest()


@dataclass
class Frame:
    """What MkDocs made in a build: the page shells (``writer.Shells``) and the addresses of
    the pages of docs/ it rendered, kept in the cache for builds from the same inputs."""

    key: str
    shells: Shells
    pages: list[str]

    FILE = "mkdocs-frame.pickle"

    @classmethod
    def load(cls, cache_dir: Path | None, key: str) -> Frame | None:
        if cache_dir is None:
            return None
        try:
            with (cache_dir / cls.FILE).open("rb") as handle:
                found = pickle.load(handle)
        except Exception:  # noqa: BLE001 - missing or damaged: MkDocs runs
            return None
        return found if isinstance(found, cls) and found.key == key else None

    def save(self, cache_dir: Path | None) -> None:
        if cache_dir is None:
            return
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f"{self.FILE}.{os.getpid()}.tmp"
        with tmp.open("wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache_dir / self.FILE)


def frame_digest(config, site: SiteConfig, templates: Path) -> str:  # type: ignore[no-untyped-def]
    """What every unit is keyed on (``keys.global_key``: the whole package, its data's
    versions, templates, settings), with mkdocs.yml, docs and theme files, and the program
    (MkDocs or ProperDocs) and Material with their versions, which make the shell around every
    page."""
    digest = hashlib.sha256(global_key(site, templates).encode())
    digest.update(Path(config.config_file_path).read_bytes())
    folders = [Path(config.docs_dir)] + ([Path(config.theme.custom_dir)]
                                         if config.theme.custom_dir else [])
    for folder in folders:
        for name, path in files_under(folder):
            data = path.read_bytes()
            digest.update(f"{name}\0{len(data)}\0".encode() + data)
    from material import __version__ as material_version

    digest.update(f"{shells.described()}|{material_version}".encode())
    return digest.hexdigest()


def _remove_stale_scratch(final: Path) -> None:
    """Scratch folders of builds that were killed; they were never published. (The standby,
    ``.site.standby``, is not one: ``publish.py`` checks it before each use.)"""
    for stale in final.parent.glob(f".{final.name}.building-*"):
        publish.discard_scratch(stale, final)


def load_site_config(config_file: Path, as_of: date | None = None) -> SiteConfig:
    """The catalog settings of a mkdocs.yml (its ``ocop`` block), with ``as_of`` applied: what
    commands that do not build (check, stamps, import, export, print) need of it."""
    config = load_config(config_file=str(config_file))
    return _site_config(ocop_plugin(config), config,
                        {"as_of": as_of.isoformat()} if as_of is not None else {})


def load_published(config_file: Path) -> tuple[Path, SiteConfig]:
    """Where ``ocop build`` puts the site of a mkdocs.yml (its ``site_dir``), and the catalog's
    settings: what ``ocop changes`` compares."""
    config = load_config(config_file=str(config_file))
    return Path(config.site_dir).resolve(), _site_config(ocop_plugin(config), config)


def _site_config(plugin: OcopPlugin, config: MkDocsConfig,
                 overrides: dict[str, object] | None = None) -> SiteConfig:
    """The settings for a command of ``ocop``, never MkDocs's server (whatever the plugin last
    ran: MkDocs keeps one instance per process)."""
    try:
        return read_settings(config, dict(plugin.config), overrides=overrides)
    except PluginError as exc:  # the ocop block's problems, every one at its line
        raise BuildError(str(exc)) from None


def serve_site(config_file: Path, dev_addr: str) -> None:
    """``ocop serve``: MkDocs' development server, rebuilding when a record changes."""
    from mkdocs.commands.serve import serve

    quiet_mkdocs_logging()
    serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)


def quiet_mkdocs_logging() -> None:
    """Show MkDocs warnings and errors only, as plain lines."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.WARNING)
    if not logger.handlers:
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        logger.addHandler(handler)


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to standard error as it is when a message comes, not as it was when the handler
    was made (a long process, or a test, may have swapped or closed that one since)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)
