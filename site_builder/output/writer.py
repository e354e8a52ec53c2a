"""Write the planned site into a staging folder, rendering only units whose key changed.

The previous build's manifest (``.ocop-manifest.json`` in the published folder) records each
unit's key and files. When most units are unchanged the staging folder holds only what is new
("incremental"), and ``publish.py`` brings the site's standby up to date with it, then
exchanges the two; otherwise every unit is rendered ("full") and the staging folder replaces
the published one whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.assets.blob_cache import close_all, flush_all
from site_builder.domain.site_paths import (
    SEGMENT,
    pages_problem,
    paths_problem,
    shown,
    site_path_problem,
)
from site_builder.output import shell
from site_builder.output.durable import write_durably
from site_builder.output.sitemap import write_sitemap
from site_builder.problems import Message, catalogue

if TYPE_CHECKING:  # the publisher reads manifests without loading the renderer
    from site_builder.config import SiteConfig
    from site_builder.output.units import SitePlan, Unit
    from site_builder.progress import Progress
    from site_builder.render.html import SitePage

MANIFEST = ".ocop-manifest.json"
# A page's language switch, for its header.
LanguageLinks = Callable[["SitePage"], str]
# Above this share of changed units, rendering everything and swapping folders is cheaper.
FULL_REBUILD_SHARE = 0.5
PARALLEL_FROM = 200  # units; fewer are rendered in this process
BATCH = 32  # units a worker renders per task


@dataclass
class Manifest:
    """What a build wrote: each unit's key, files and pages, and the MD5 of every file of the
    site (what S3 ETags and ``rclone --checksum`` compare), so the next build's upload can send
    only what changed (``publishing/changes.py``)."""

    units: dict[str, dict] = field(default_factory=dict)  # name -> {key, files, md5, pages}
    generated: list[str] = field(default_factory=list)  # files the site generator wrote
    generated_md5: list[str] = field(default_factory=list)  # in the order of ``generated``
    # Files of the site generator kept from the previous build (not in the folder written),
    # with their digests.
    kept: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, site_dir: Path | None) -> Manifest | None:
        if site_dir is None:
            return None
        return cls.read_file(site_dir / MANIFEST)

    @classmethod
    def read_file(cls, path: Path) -> Manifest | None:
        """The manifest in ``path``, or None when it is missing or damaged."""
        return cls.load(path)[0]

    @classmethod
    def load(cls, path: Path) -> tuple[Manifest | None, Message | None]:
        """The manifest in ``path``, or None; and why it is damaged, when it is (None for a
        missing one). Damaged: not UTF-8 JSON of the right shape (a write cut short, an edit
        by hand), or a path no build writes (``../../etc/passwd``, ``/etc/shadow``, a line
        break), which would otherwise go straight into the lists that upload and delete."""
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None, None
        except (OSError, ValueError):
            return None, output_message("reason_unreadable")
        try:
            return cls.parse(text), None
        except DamagedState as exc:
            return None, exc.reason

    @classmethod
    def parse(cls, text: str) -> Manifest:
        """A manifest from its JSON text; DamagedState says why it is not one. Checked in a
        few passes of C code over all its paths at once (a national site's lists a quarter of
        a million): joining lists of text fails on anything else."""
        data = load_json(text)
        units, generated = data.get("units"), data.get("generated")
        generated_md5 = data.get("generated_md5", [])
        shape = output_message("reason_shape")
        if not (type(units) is dict and type(generated) is list
                and type(generated_md5) is list and len(generated_md5) in (0, len(generated))):
            raise DamagedState(shape)
        paths, pages, digests = list(generated), [], list(generated_md5)
        for unit in units.values():
            if not (type(unit) is dict and type(unit.get("key")) is str
                    and type(files := unit.get("files")) is list
                    and type(unit.get("pages")) is list
                    and type(md5 := unit.get("md5", [])) is list and len(md5) in (0, len(files))):
                raise DamagedState(shape)
            paths += files
            pages += unit["pages"]
            digests += md5
        try:
            reason = paths_problem(paths) or (pages_problem(pages) if pages else None)
            if reason is None and not _digests_ok(digests):
                reason = SEGMENT  # not a digest: never a file's
        except TypeError:  # an entry that is not text
            raise DamagedState(shape) from None
        if reason is not None:
            raise DamagedState(output_message("reason_path", path_reason=path_reason(reason)))
        return cls(units=units, generated=generated, generated_md5=generated_md5)

    @property
    def digests(self) -> dict[str, str]:
        """Site path -> MD5 (hex) of every file; a manifest written before digests were kept
        has none for its files."""
        found = dict(zip(self.generated, self.generated_md5, strict=False))
        for unit in self.units.values():
            found.update(zip(unit["files"], unit.get("md5", ()), strict=False))
        return found

    def all_files(self) -> set[str]:
        files = set(self.generated)
        for unit in self.units.values():
            files.update(unit["files"])
        return files

    def page_urls(self) -> list[str]:
        return [url for unit in self.units.values() for url in unit["pages"]]

    def write(self, site_dir: Path) -> ManifestIndex:
        """Written last: the digests of the generator's files are read back from the site.
        The text is JSON with its keys sorted; returned: where each unit's entry lies in it."""
        self.generated = sorted(set(self.generated))
        self.generated_md5 = [self.kept[path] if path in self.kept else file_md5(site_dir / path)
                              for path in self.generated]
        head = (f'{{"generated":{_json(self.generated)},"generated_md5":'
                f'{_json(self.generated_md5)},"units":{{').encode()
        names = sorted(self.units)
        entries = [_entry(name, self.units[name]) for name in names]
        write_durably(site_dir / MANIFEST, b"".join((head, b",".join(entries), _TAIL)))
        files = set(self.generated).union(*(unit["files"] for unit in self.units.values()))
        return ManifestIndex(len(head), names, array("q", map(len, entries)), len(files),
                             sum(1 for f in files if f.endswith(".html")))


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _entry(name: str, unit: dict) -> bytes:
    return f"{_json(name)}:{_json(unit)}".encode()


_TAIL = b"}}\n"


_NOT_HEX = str.maketrans("", "", "0123456789abcdef")


def _digests_ok(digests: list[str]) -> bool:
    """Whether every one of ``digests`` is an MD5 in hex (32 of 0-9a-f)."""
    joined = ",".join(digests)
    return (len(joined) == 33 * len(digests) - 1 if digests else True) and (
        joined[32::33] == "," * (len(digests) - 1)) and (
        joined.replace(",", "").translate(_NOT_HEX) == "")


class DamagedState(ValueError):
    """A state file of the build (manifest, journal) that cannot be trusted, and why."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.en)
        self.reason = reason


def load_json(text: str) -> dict:
    """A JSON object from a state file's text; DamagedState for anything else (cut short,
    nested beyond Python's recursion limit, a list, a backslash, which no state file of ours
    holds)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise DamagedState(output_message("reason_not_json")) from None
    if type(data) is not dict:
        raise DamagedState(output_message("reason_not_json"))
    return data


OUTPUT_MESSAGES = Path(__file__).parent / "messages"


def output_message(code: str, **values: object) -> Message:
    return catalogue(OUTPUT_MESSAGES).message(code, **values)


def path_reason(code: str) -> Message:
    """Why a path cannot be a file of the site, in words (``site_paths.site_path_problem``)."""
    return output_message(f"path_reason_{code}")


class UnsafePath(ValueError):
    """A path the build would write that cannot be a file of the site: from docs/ or the
    theme (the records' own names are checked by ``ocop check``)."""

    def __init__(self, path: str, producer: str, reason: str) -> None:
        super().__init__(path, producer, reason)  # picklable: raised in worker processes too
        self.path, self.producer, self.reason = path, producer, reason

    def __str__(self) -> str:
        return output_message("unsafe_path", path=shown(self.path), producer=self.producer,
                              reason=path_reason(self.reason)).both()


@dataclass
class ManifestIndex:
    """Where each unit's entry lies in the text of a manifest (``Manifest.write``), so a build
    that changes a few units rewrites it by replacing their entries, never reading it as JSON:
    a national catalog with its lots has hundreds of thousands. ``stat`` is the file's once in
    place (size, modification time, inode): another file there is not this text."""

    head: int  # bytes before the first entry
    names: list[str]  # the units, sorted
    lengths: array  # of each unit's entry, in bytes (entries are joined by commas)
    files: int  # files of the site, the generator's with the units'
    pages: int  # HTML files among them
    stat: tuple[int, int, int] = (0, 0, 0)

    def __getstate__(self) -> dict:
        """Pickled with the names as one text, a line each: the build state of a national
        catalog with its lots holds a quarter of a million, a tenth of a second to pickle as a
        list and unpickle (a name with a line break in it keeps the list)."""
        state = dict(self.__dict__)
        joined = "\n".join(self.names)
        if joined.count("\n") == max(0, len(self.names) - 1) and (joined or not self.names):
            state["names"] = joined
        return state

    def __setstate__(self, state: dict) -> None:
        names = state["names"]
        if isinstance(names, str):
            state = {**state, "names": names.split("\n") if names else []}
        self.__dict__.update(state)

    def starts(self) -> list[int]:
        return list(accumulate((length + 1 for length in self.lengths), initial=self.head))

    def find(self, name: str) -> int | None:
        at = bisect_left(self.names, name)
        return at if at < len(self.names) and self.names[at] == name else None

    def named(self, prefix: str) -> list[str]:
        """The units whose names start with ``prefix``."""
        at = bisect_left(self.names, prefix)
        found = []
        while at < len(self.names) and self.names[at].startswith(prefix):
            found.append(self.names[at])
            at += 1
        return found

    def entries(self, text: bytes, names: list[str], starts: list[int] | None = None
                ) -> dict[str, dict]:
        """The entries of ``names`` (those there are) in ``text``, the manifest indexed;
        ``starts``: its ``starts()``, when worked out already (one a unit)."""
        starts = self.starts() if starts is None else starts
        found = {}
        for name in names:
            at = self.find(name)
            if at is not None:
                fragment = text[starts[at]:starts[at] + self.lengths[at]]
                found[name] = json.loads(fragment[fragment.index(b":{") + 1:])
        return found

    def splice(self, text: bytes, changed: dict[str, dict | None],
               starts: list[int] | None = None) -> tuple[list[bytes | memoryview], ManifestIndex]:
        """``text`` with the entries of ``changed`` replaced, added, or removed (None), as the
        pieces to write one after the other (views of ``text`` where it is unchanged: a
        national catalog's manifest is tens of megabytes, each copy of it tens of
        milliseconds); the totals of files are not worked out here (``with_totals``).
        ``starts``: as ``entries``."""
        starts = self.starts() if starts is None else starts
        view = memoryview(text)
        pieces: list[bytes | memoryview] = []
        names: list[str] = []
        lengths = array("q")
        done = 0  # units of the old text taken so far
        for name in sorted(changed):
            at = bisect_left(self.names, name, done)
            if at > done:  # the unchanged entries before it, as they are
                pieces.append(view[starts[done]:starts[at] - 1])
                names.extend(self.names[done:at])
                lengths.extend(self.lengths[done:at])
            done = at + 1 if at < len(self.names) and self.names[at] == name else at
            entry = changed[name]
            if entry is not None:
                fragment = _entry(name, entry)
                pieces.append(fragment)
                names.append(name)
                lengths.append(len(fragment))
        if done < len(self.names):
            pieces.append(view[starts[done]:starts[-1] - 1])
            names.extend(self.names[done:])
            lengths.extend(self.lengths[done:])
        joined: list[bytes | memoryview] = [view[:self.head]]
        for n, piece in enumerate(pieces):
            joined += [b",", piece] if n else [piece]
        return (joined + [_TAIL], ManifestIndex(self.head, names, lengths, self.files, self.pages))


@dataclass
class UnitTimes:
    """Processor time spent rendering and writing units, by kind ("product", "lot"...)."""

    seconds: dict[str, float] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        kind = name.partition(":")[0]
        self.seconds[kind] = self.seconds.get(kind, 0.0) + seconds
        self.units[kind] = self.units.get(kind, 0) + 1


@dataclass
class WriteResult:
    mode: str  # "full" | "incremental"
    manifest: Manifest
    rendered: int  # units rendered in this build
    reused: int  # units kept from the previous build
    index: ManifestIndex | None = None  # of the manifest written
    spent: UnitTimes = field(default_factory=UnitTimes)
    # A full build's twin of the new site, every file a hard link to it (None: not made).
    standby: Path | None = None


class OutputClash(ValueError):
    """Two producers (units, MkDocs, the shared files) wrote one file of the site in one build:
    the second would silently replace the first (documents named x.pdf and 3-x.pdf, two
    products claiming one address)."""

    def __init__(self, path: str, first: str, second: str) -> None:
        super().__init__(path, first, second)  # picklable: raised in worker processes too
        self.path, self.first, self.second = path, first, second

    def __str__(self) -> str:
        if self.first == self.second:
            return (f"tệp '{self.path}' được ghi hai lần trong một lần dựng, cả hai lần bởi "
                    f"{self.first}: hai tài liệu, ảnh hay trang của nó trùng địa chỉ (đổi tên một "
                    f"tệp) / '{self.path}' is written twice in one build, both times by "
                    f"{self.first}: two of its documents, photos or pages share an address "
                    "(rename one file)")
        return (f"tệp '{self.path}' được ghi hai lần trong một lần dựng, bởi {self.first} và bởi "
                f"{self.second}: hai sản phẩm, lô, tài liệu hay trang không được trùng địa chỉ / "
                f"'{self.path}' is written twice in one build, by {self.first} and by "
                f"{self.second}: two products, lots, documents or pages may not share an address")


MKDOCS = "MkDocs (docs/, theme)"
SHARED = "shared-files"  # the plan's files written every build (404.html, search index...)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


class FileWriter:
    """Writes files under one folder, creating each sub-folder once; refuses a second write of
    a path (``owners``: path -> who wrote it, for the whole build). With a ``twin`` folder,
    each file written is also hard-linked there at the same path: a full build makes the
    standby of the new site so (``publish.py``), a link a file, spread over the workers."""

    def __init__(self, root: Path, owners: dict[str, str] | None = None,
                 twin: Path | None = None) -> None:
        self.root = root
        self.twin = twin
        self.folders: set[str] = set()
        self.owners: dict[str, str] = {} if owners is None else owners

    def claim(self, path: str, producer: str) -> None:
        """Record that ``producer`` makes ``path``; OutputClash when another already did."""
        if path in self.owners:
            raise OutputClash(path, self.owners[path], producer)
        self.owners[path] = producer

    def write(self, path: str, data: bytes, producer: str) -> None:
        """Write ``data`` at ``path``, a path checked to be a file the site may hold (units
        kept from the previous build are claimed unchecked: the manifest was checked)."""
        if (reason := site_path_problem(path)) is not None:
            raise UnsafePath(path, producer, reason)
        self.claim(path, producer)
        self._make_folder(path.rpartition("/")[0])
        # The file's bytes in three system calls (a site has hundreds of thousands of files).
        target = os.path.join(self.root, path)
        fd = os.open(target, _NEW_FILE, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        if self.twin is not None:
            os.link(target, os.path.join(self.twin, path))

    def link_twin(self, path: str) -> None:
        """Hard-link ``path``, a file already in the folder (written by MkDocs, the sitemap,
        the manifest), into the twin folder."""
        assert self.twin is not None
        self._make_folder(path.rpartition("/")[0])
        source, target = os.path.join(self.root, path), os.path.join(self.twin, path)
        try:
            os.link(source, target, follow_symlinks=False)
        except FileExistsError:  # linked when first written, since rewritten (sitemap.xml)
            if os.stat(target, follow_symlinks=False).st_ino != os.stat(
                    source, follow_symlinks=False).st_ino:
                os.unlink(target)
                os.link(source, target, follow_symlinks=False)

    def _make_folder(self, folder: str) -> None:
        """Make ``folder`` (a site path, "" for the root) and its parents, in this folder and
        its twin, once a build: one system call each, its parent made first when not yet."""
        if folder in self.folders:
            return
        if folder:
            parent = folder.rpartition("/")[0]
            if parent not in self.folders:
                self._make_folder(parent)
            _new_folder(os.path.join(self.root, folder))
            if self.twin is not None:
                _new_folder(os.path.join(self.twin, folder))
        else:
            os.makedirs(self.root, exist_ok=True)
            if self.twin is not None:
                os.makedirs(self.twin, exist_ok=True)
        self.folders.add(folder)


def _new_folder(path: str) -> None:
    """``mkdir``, a folder already there accepted (as ``Path.mkdir(exist_ok=True)``)."""
    try:
        os.mkdir(path)
    except FileExistsError:
        if not os.path.isdir(path):
            raise


def file_md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def generated_files(site_dir: Path) -> list[str]:
    """Every file under ``site_dir``, as site paths."""
    found = []
    for folder, _, names in os.walk(site_dir):
        rel = os.path.relpath(folder, site_dir)
        for name in names:
            found.append(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
    return sorted(found)


# By language and folder depth ("" for the first language); the frames of the first
# language's pages of the navigation by ("", address).
Shells = dict[tuple[str, int | str], shell.Shell]


def load_shells(site_dir: Path, sources: dict[str, int], site_url: str,
                translations: dict[str, Callable[[str, int], str]]) -> Shells:
    """The shell of each folder depth in the first language, as MkDocs rendered it, and in each
    other language of ``translations`` (language -> function making the shell's text)."""
    shells: Shells = {}
    for src, level in sources.items():
        url = src[: -len("index.md")]
        text = (site_dir / url / "index.html").read_text(encoding="utf-8")
        shells[("", level)] = shell.Shell.parse(text, site_url + url)
        for lang, translate in translations.items():
            shells[(lang, level)] = shell.Shell.parse(translate(text, level), site_url + url)
    return shells


def write_unit(unit: Unit, key: str, writer: FileWriter, shells: Shells,
                absolute_url: Callable[[str], str], links: LanguageLinks) -> dict:
    out = unit.render()
    files = {}
    for item in out.files:
        writer.write(item.path, item.data, unit.name)
        files[item.path] = item.data
    for page in out.pages:
        switch = links(page)
        chosen = ((shells.get(("", page.url)) if page.in_nav else None)
                  or shells.get((page.lang, shell.depth(page.url)))
                  or shells[("", shell.depth(page.url))])
        html = chosen.fill(
            title=page.title, description=page.description, body=page.body,
            address=absolute_url(page.url), switch=switch, head=page.head)
        data = html.encode("utf-8")
        writer.write(page.url + "index.html", data, unit.name)
        files[page.url + "index.html"] = data
    paths = sorted(files)
    return {"key": key, "files": paths,
            "md5": [hashlib.md5(files[p], usedforsecurity=False).hexdigest() for p in paths],
            "pages": [page.url for page in out.pages] + out.standalone}


# What forked workers need, set just before the pool starts (fork copies it, nothing is pickled).
_JOB: tuple | None = None


def _work(batch: list[tuple[int, str]]) -> list[tuple[str, dict, float]]:
    assert _JOB is not None
    units, site_dir, shells, absolute_url, links, owners, twin = _JOB
    writer = FileWriter(site_dir, dict(owners), twin)
    done = [_timed(units[i], key, writer, shells, absolute_url, links) for i, key in batch]
    flush_all()  # the pictures made, into their caches (a worker ends without atexit)
    return done


def _timed(unit: Unit, key: str, writer: FileWriter, shells: Shells,
           absolute_url: Callable[[str], str], links: LanguageLinks) -> tuple[str, dict, float]:
    """The unit written, with the processor time it took (a build reports it by kind)."""
    started = time.process_time()
    entry = write_unit(unit, key, writer, shells, absolute_url, links)
    return unit.name, entry, time.process_time() - started


# Units made from the whole catalog (seconds each at national scale, the others milliseconds).
WHOLE_CATALOG = ("data:", "search:")


def _batches(todo: list[tuple[int, str]], units: list[Unit]) -> list[list[tuple[int, str]]]:
    """The workers' tasks: the whole-catalog units first, one a task, so that no worker is
    left rendering them alone while the other has finished (planned last, they were given
    out last, in one task); then the rest, ``BATCH`` units a task."""
    whole = [item for item in todo if units[item[0]].name.startswith(WHOLE_CATALOG)]
    rest = [item for item in todo if not units[item[0]].name.startswith(WHOLE_CATALOG)]
    return [[item] for item in whole] + [rest[i:i + BATCH] for i in range(0, len(rest), BATCH)]


def _workers() -> int:
    """One per core; ``OCOP_WORKERS`` overrides it (1 renders in this process)."""
    wanted = os.environ.get("OCOP_WORKERS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return max(1, min(os.cpu_count() or 1, 8))


def shell_digest(shells: Shells) -> str:
    """What every page filled into the shells depends on."""
    return hashlib.sha256("".join("".join(s.parts) for _, s in sorted(
        shells.items(), key=lambda item: repr(item[0]))).encode()).hexdigest()


def keyed_units(plan: SitePlan, shells: Shells) -> list[tuple[Unit, str]]:
    """Each unit with its key as the manifest records it: the unit's, with the shells'."""
    shell_key = shell_digest(shells)
    return [(unit, hashlib.sha256(f"{unit.key}|{shell_key}".encode()).hexdigest())
            for unit in plan.units]


def incremental(keyed: list[tuple[Unit, str]], previous: Manifest | None) -> bool:
    """Whether writing only the changed units beats writing the site again."""
    if previous is None:
        return False
    old = previous.units
    changed = sum(1 for unit, key in keyed if old.get(unit.name, {}).get("key") != key)
    return changed <= FULL_REBUILD_SHARE * max(1, len(keyed))


def kept_generated(previous: Manifest | None) -> dict[str, str]:
    """The site generator's files of the previous build, with their digests, for a build that
    does not run it again (its inputs are unchanged): all but what every build writes anew."""
    if previous is None:
        return {}
    fresh = {SITE_MARKER, "sitemap.xml"}
    return {path: md5 for path, md5 in zip(previous.generated, previous.generated_md5, strict=False)
            if path not in fresh and not path.startswith("sitemap-")}


def write_site(plan: SitePlan, site_dir: Path, shells: Shells,
               absolute_url: Callable[[str], str], links: LanguageLinks,
               previous: Manifest | None, progress: Progress,
               kept: dict[str, str] | None = None, standby: Path | None = None) -> WriteResult:
    """Render and write every unit whose key changed (or all of them) into ``site_dir``.
    ``kept``: the site generator's files of the previous build when it did not run again.
    ``standby``: where a full build makes the twin of the new site, a hard link for each file
    (``finish_site`` links the last few); an incremental build makes none.

    Many units are rendered by one worker process per core (fork, Linux and macOS); the
    output does not depend on how the work was shared."""
    global _JOB
    kept = dict(kept or {})
    keyed = keyed_units(plan, shells)
    old = previous.units if previous else {}
    is_incremental = incremental(keyed, previous)
    twin = None if is_incremental else standby
    written = [p for p in generated_files(site_dir) if p != MANIFEST]
    for path in written:  # docs/ and the theme may hold any name
        if (reason := site_path_problem(path)) is not None:
            raise UnsafePath(path, MKDOCS, reason)
    writer = FileWriter(site_dir, {p: MKDOCS for p in [*written, *kept]}, twin)
    if twin is not None:
        twin.mkdir()
        for path in written:
            writer.link_twin(path)
    for item in plan.files:
        if item.path in kept:
            del kept[item.path]
            del writer.owners[item.path]
        writer.write(item.path, item.data, SHARED)
    manifest = Manifest(generated=sorted({*generated_files(site_dir), *kept} - {MANIFEST}),
                        kept=kept)
    todo: list[tuple[int, str]] = []
    for i, (unit, key) in enumerate(keyed):
        before = old.get(unit.name)
        if is_incremental and before is not None and before.get("key") == key:
            manifest.units[unit.name] = before
            for path in before["files"]:
                writer.claim(path, unit.name)
        else:
            todo.append((i, key))
    progress.start("render", len(todo))
    spent = UnitTimes()
    units = [unit for unit, _ in keyed]
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    if len(todo) >= PARALLEL_FROM and _workers() > 1 and "fork" in mp.get_all_start_methods():
        _JOB = (units, site_dir, shells, absolute_url, links, writer.owners, twin)
        batches = _batches(todo, units)
        try:
            with ProcessPoolExecutor(_workers(), mp_context=mp.get_context("fork")) as pool:
                for done in pool.map(_work, batches):
                    for name, entry, cpu in done:  # clashes between batches of different workers
                        for path in entry["files"]:
                            writer.claim(path, name)
                        manifest.units[name] = entry
                        spent.add(name, cpu)
                    progress.advance(len(done))
        finally:
            _JOB = None
    else:
        for i, key in todo:
            name, entry, cpu = _timed(units[i], key, writer, shells, absolute_url, links)
            manifest.units[name] = entry
            spent.add(name, cpu)
            progress.advance()
    close_all()  # what this process put, written; its cache files closed
    progress.done()
    manifest.units = dict(sorted(manifest.units.items()))
    return WriteResult("incremental" if is_incremental else "full", manifest, len(todo),
                       len(keyed) - len(todo), spent=spent, standby=twin)


# Marks a folder as a site this tool built, so `ocop build` may replace it (and nothing else).
SITE_MARKER = ".ocop-site"


def finish_site(plan: SitePlan, site_dir: Path, shells: Shells, site: SiteConfig,
                links: LanguageLinks, previous: Manifest | None, progress: Progress,
                other_pages: list[str], kept: dict[str, str] | None = None,
                standby: Path | None = None) -> WriteResult:
    """The site's own writing, after the pages the theme rendered (``other_pages``, their
    addresses; ``kept``: its files of the previous build when it did not run): every unit
    whose key changed filled into the shell, then the sitemap, the marker and the manifest
    that the next build and the publisher read. ``standby``: where a full build makes the
    new site's twin of hard links (``write_site``); complete when this returns."""
    result = write_site(plan, site_dir, shells, site.absolute_url, links, previous, progress,
                        kept, standby)
    sitemaps = write_sitemap(site_dir, site.site_url, other_pages + result.manifest.page_urls(),
                             site.languages)
    (site_dir / SITE_MARKER).write_text("built by ocop\n", encoding="utf-8")
    result.manifest.generated += [*sitemaps, SITE_MARKER]
    result.index = result.manifest.write(site_dir)
    if result.standby is not None:  # the files written last, once they are final
        last = FileWriter(site_dir, twin=result.standby)
        for path in [*sitemaps, SITE_MARKER, MANIFEST]:
            last.link_twin(path)
    return result
