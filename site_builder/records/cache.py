"""Validated records from earlier runs, so an unchanged record is not parsed and checked again.

An entry is reused only when the record's bytes (checked by size and modification time, then
by content hash), every file it refers to (photos, documents), the settings and the code
(``fingerprint``: every file of the package) are all as they were. Records with errors are
never cached: they are checked every time.
The cache is 64 pickle files (shards by record path), so a build that changed one record
rewrites one small file; each is written atomically, and a damaged or foreign one is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.domain.model import Product
from site_builder.problems import Problem
from site_builder.records.fingerprint import code_fingerprint

CACHE_DIR = "records"
SHARDS = 64


def _stat(path: Path | str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def context_key(config: SiteConfig) -> str:
    """The code (every file of the package, with its data's versions) and the settings that
    decide what a record becomes: a change to any of them empties the cache."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(repr((config.rules, config.today(), str(config.products_dir),
                        config.languages)).encode())
    return digest.hexdigest()


@dataclass
class Entry:
    stat: tuple[int, int]
    digest: str
    deps: tuple[tuple[str, tuple[int, int] | None, str], ...]  # path, stat, content hash
    product: Product
    problems: tuple[Problem, ...]
    summary: str = ""  # summary_digest(product)

    @property
    def fingerprint(self) -> str:
        """What the record and its files contain, as one digest (the same in any checkout)."""
        contents = [(os.path.basename(path), digest) for path, _, digest in self.deps]
        return hashlib.sha256(repr((self.digest, contents)).encode()).hexdigest()


def summary_digest(product: Product) -> str:
    """What pages that list many products can show of one: everything but its story (and the
    record's file name). A story edit then re-renders the product's own pages only, not the
    listings, open data and summaries that every product is part of."""
    text = repr(replace(product, story=None, source=Path()))
    # Photo and document paths are absolute: keep the digest the same in any checkout.
    text = text.replace(str(product.source.parent.parent), "")
    return hashlib.sha256(text.encode()).hexdigest()


def _shard(record: str) -> int:
    return int(hashlib.md5(record.encode(), usedforsecurity=False).hexdigest()[:4], 16) % SHARDS


@dataclass
class RecordCache:
    path: Path | None  # the folder of shards
    context: str
    entries: dict[str, Entry] = field(default_factory=dict)
    dirty: set[int] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.dirty)

    @classmethod
    def open(cls, config: SiteConfig) -> RecordCache:
        context = context_key(config)
        path = config.cache_dir / CACHE_DIR if config.cache_dir else None
        cache = cls(path, context)
        if path is None or not path.is_dir():
            return cache
        for shard in range(SHARDS):
            file = path / f"{shard:02d}.pickle"
            try:
                with file.open("rb") as handle:
                    stored_context, entries = pickle.load(handle)
            except FileNotFoundError:
                continue
            except Exception:  # noqa: BLE001 - a damaged shard is only a slower build
                cache.dirty.add(shard)
                continue
            if stored_context == context:
                cache.entries.update(entries)
            else:
                cache.dirty.add(shard)
        return cache

    def get(self, record: str) -> Entry | None:
        entry = self.entries.get(record)
        if entry is None:
            return None
        stat = _stat(record)
        if stat is None:
            return None
        if stat != entry.stat:
            with open(record, "rb") as handle:
                content = handle.read()
            if hashlib.sha256(content).hexdigest() != entry.digest:
                return None
            entry.stat = stat
            self.dirty.add(_shard(record))
        if any(_stat(dep) != dep_stat for dep, dep_stat, _ in entry.deps):
            return None
        return entry

    def put(self, record: Path, product: Product, problems: list[Problem]) -> Entry | None:
        stat = _stat(record)
        if stat is None:
            return None
        deps = [photo.source for photo in product.photos]
        deps += [doc.source for batch in product.batches for doc in batch.documents if doc.source]
        self.entries[str(record)] = Entry(
            stat=stat, digest=hashlib.sha256(record.read_bytes()).hexdigest(),
            deps=tuple((str(dep), _stat(dep), hashlib.sha256(dep.read_bytes()).hexdigest())
                       for dep in deps), product=product,
            problems=tuple(problems), summary=summary_digest(product))
        self.dirty.add(_shard(str(record)))
        return self.entries[str(record)]

    def keep_only(self, records: list[str]) -> None:
        wanted = set(records)
        for key in [k for k in self.entries if k not in wanted]:
            del self.entries[key]
            self.dirty.add(_shard(key))

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        self.path.mkdir(parents=True, exist_ok=True)
        shards: dict[int, dict[str, Entry]] = {shard: {} for shard in self.dirty}
        for key, entry in self.entries.items():
            shard = _shard(key)
            if shard in shards:
                shards[shard][key] = entry
        for shard, entries in shards.items():
            file = self.path / f"{shard:02d}.pickle"
            tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
            with tmp.open("wb") as handle:
                pickle.dump((self.context, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(file)
        self.dirty.clear()
