"""Whether the published site is already what the current records and settings would give.

After each build the cache keeps (not the site, which must be the same bytes in every checkout)
a signature of everything the site was built from: the settings, templates and code, and the
size and modification time of every record and of every file the records refer to. When the
signature is the same and the site's manifest is the very one that build wrote, there is nothing
to do, and ``ocop build`` says so without reading a single record. Any doubt (a touched file, a
missing cache) only means a normal build, which is itself incremental.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.output.writer import MANIFEST

if TYPE_CHECKING:
    from site_builder.domain.model import Catalog
    from site_builder.problems import Problem


# A build asks for the size and time of every record, photo and lot document (80,000 files
# for a national catalog with its lots). With them in the system's cache a stat is a few
# microseconds, and threads only add their overhead (40,000 files: 0.13 s on one thread, 0.35 s
# on eight); after a large build or a night has pushed them out, each waits for the disk and
# waits overlap (1.33 s on one thread, 0.79 s on eight). So the first files are asked for on one
# thread, and the rest on several only if those were slow.
PROBE_FILES = 500
SLOW_STAT_SECONDS = 10e-6  # a cached stat takes about 3 microseconds here, one from the disk 30
STAT_THREADS = 8


def _stat_each(paths: list[str]) -> list[tuple[str, tuple[int, int]]]:
    found = []
    for path in paths:
        try:
            info = os.stat(path)
            found.append((path, (info.st_size, info.st_mtime_ns)))
        except OSError:
            found.append((path, (-1, -1)))
    return found


def _stats(paths: list[str], known: dict[str, tuple[int, int]] | None = None
           ) -> list[tuple[str, int, int]]:
    """Each file's size and time (-1 when missing); ``known``: those already looked at in this
    build, and where the others are put (a national catalog has tens of thousands)."""
    known = {} if known is None else known
    todo = [path for path in paths if path not in known]
    probe, rest = todo[:PROBE_FILES], todo[PROBE_FILES:]
    started = time.perf_counter()
    known.update(_stat_each(probe))
    from_disk = time.perf_counter() - started > SLOW_STAT_SECONDS * len(probe)
    if rest and from_disk:
        size = -(-len(rest) // (4 * STAT_THREADS))
        with ThreadPoolExecutor(STAT_THREADS) as pool:
            for part in pool.map(_stat_each, [rest[i:i + size]
                                              for i in range(0, len(rest), size)]):
                known.update(part)
    else:
        known.update(_stat_each(rest))
    return [(path, *known[path]) for path in paths]


def _digest(data: object) -> str:
    """The SHA-256 of ``data`` (strings, numbers and tuples of them) pickled without its
    memo, so that equal data give the same bytes whichever objects hold it: a third of the time
    its repr took, for a national catalog's 53,000 files twice a build."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: the bytes depend on the values only
    pickler.dump(data)
    return hashlib.sha256(buffer.getbuffer()).hexdigest()


@dataclass(frozen=True)
class LastBuildFacts:
    products: int
    pages: int
    files: int
    units: int
    warnings: tuple[Problem, ...]


class LastBuild:
    def __init__(self, cache_dir: Path | None, site: Path) -> None:
        self.site = site
        name = hashlib.sha256(str(site).encode()).hexdigest()[:16]
        self.path = cache_dir / f"last-build-{name}.pickle" if cache_dir else None
        # Each input file's size and time as this build first saw them: the signature it
        # leaves says what it read (a file edited while it ran is seen as changed next time).
        self.seen: dict[str, tuple[int, int]] = {}
        self._read: tuple[tuple[str, list[str], str, LastBuildFacts] | None] | None = None
        self._known: frozenset[str] | None = None

    def _manifest_hash(self) -> str:
        """The manifest as this tool left it: its size, time and inode (any other writer
        changes them; reading a national catalog's manifest to hash it takes a while)."""
        try:
            info = os.stat(self.site / MANIFEST)
        except OSError:
            return ""
        return f"{info.st_size}/{info.st_mtime_ns}/{info.st_ino}"

    def _signature(self, settings: str, files: list[str]) -> str:
        return _digest((settings, _stats(files, self.seen)))

    def signature(self, settings: str, records: list[str], catalog: Catalog) -> tuple[str, list[str]]:
        """The signature of this build's inputs, as they were when the records were read."""
        return self.signature_of(settings, records, [
            str(source) for p in catalog.products for source in
            [photo.source for photo in p.photos]
            + [doc.source for batch in p.batches for doc in batch.documents if doc.source]])

    def signature_of(self, settings: str, records: list[str], files: list[str]
                     ) -> tuple[str, list[str]]:
        """The same from the records and the files they refer to."""
        found = sorted({str(r) for r in records} | set(files))
        return self._signature(settings, found), found

    def _stored(self) -> tuple[str, list[str], str, LastBuildFacts] | None:
        """What the last build left (read once), None when nothing or something damaged."""
        if self._read is None:
            self._read = (None,)
            if self.path is not None and self.path.is_file():
                try:
                    with self.path.open("rb") as handle:
                        signature, files, manifest, facts = pickle.load(handle)
                    self._read = ((signature, files, manifest, facts),)
                except Exception:  # noqa: BLE001 - a damaged record only means a normal build
                    pass
        return self._read[0]

    def known_files(self) -> frozenset[str]:
        """The input files of the last build, whose sizes and times ``unchanged`` asks for."""
        stored = self._stored()
        if stored is None:
            return frozenset()
        if self._known is None:
            self._known = frozenset(stored[1])
        return self._known

    def unchanged(self, settings: str, records: list[str]) -> LastBuildFacts | None:
        stored = self._stored()
        if stored is None:
            return None
        signature, _, manifest, facts = stored
        files = self.known_files()
        if not files.issuperset(records) or manifest != self._manifest_hash():
            return None
        return facts if self._signature(settings, stored[1]) == signature else None

    def forget(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def remember(self, signature: tuple[str, list[str]], facts: LastBuildFacts) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with tmp.open("wb") as handle:
            pickle.dump((signature[0], signature[1], self._manifest_hash(), facts), handle)
        tmp.replace(self.path)
