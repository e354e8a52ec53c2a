"""Validated records from earlier runs, so an unchanged record is not parsed and checked again.

An entry is reused only when the record's bytes (checked by size and modification time, then
by content hash), every file it refers to (photos, documents), the settings and the code
(``fingerprint``: every file of the package) are all as they were. Records with errors are
never cached: they are checked every time.

What a build needs of every record, to know what changed and what each page is keyed on, is
small: it is kept in one file (``meta.pickle``) read whole. A run that changed a few entries
writes only those, beside it (``meta-changes.pickle``, tied to the very ``meta.pickle`` it
amends by its size, time and inode: rewriting a national catalog's meta took a third of a
second); ``meta.pickle`` is written whole again when the changes grow. The products themselves are
larger and are needed only for what is rendered: each is kept apart (``products.sqlite``) and
read when asked for, so a build that re-renders one product reads one. Both are written
atomically (the products in one transaction); a damaged or foreign cache is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from site_builder.config import SiteConfig
from site_builder.domain.model import Product
from site_builder.domain.traceability import completeness
from site_builder.problems import Problem
from site_builder.records.fingerprint import code_fingerprint

CACHE_DIR = "records"
META = "meta.pickle"
CHANGES = "meta-changes.pickle"  # the entries changed since ``META`` was written
PRODUCTS = "products.sqlite"


def _stat(path: Path | str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def context_key(config: SiteConfig) -> str:
    """The code (every file of the package, with its data's versions) and the settings that
    decide what a record becomes: a change to any of them empties the cache. Not the day: a
    record's check depends on it only through its dates in the future (``Entry.dates``)."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(repr((config.rules, str(config.products_dir), config.languages)).encode())
    return digest.hexdigest()


def compared_dates(product: Product) -> tuple[date, ...]:
    """The days a record's check compares with the day it is checked on (a lot's production
    and its stages: warned of when still to come)."""
    return tuple(sorted({d for batch in product.batches
                         for d in (batch.produced, *(e.on for e in batch.events))}))


def packed_days(days: tuple[date, ...]) -> bytes:
    """Sorted days as their ordinals, 4 bytes each: a national catalog's lots compare tens of
    days a record, and as date objects they took most of the time the cache took to read."""
    return array("I", (day.toordinal() for day in days)).tobytes()


def day_between(days: bytes, one: date, other: date) -> bool:
    """Whether one of ``days`` (``packed_days``) is after the earlier of ``one`` and ``other``
    and not after the later."""
    ordinals = array("I")
    ordinals.frombytes(days)
    low, high = sorted((one.toordinal(), other.toordinal()))
    at = bisect_right(ordinals, low)
    return at < len(ordinals) and ordinals[at] <= high


def record_fingerprint(digest: str,
                       deps: tuple[tuple[str, tuple[int, int] | None, str], ...]) -> str:
    """What a record (its content hash ``digest``) and its files contain, as one digest (the
    same in any checkout: the files by name and content)."""
    contents = [(os.path.basename(path), content) for path, _, content in deps]
    return hashlib.sha256(repr((digest, contents)).encode()).hexdigest()


@dataclass
class Entry:
    """What is known of one valid record without reading its product."""

    stat: tuple[int, int]
    digest: str
    deps: tuple[tuple[str, tuple[int, int] | None, str], ...]  # path, stat, content hash
    problems: tuple[Problem, ...]
    id: str = ""
    summary: str = ""  # summary_digest(product)
    lots: bytes = b""  # lot_digests(product, deps), one per batch, packed (``packed``)
    traced: str = ""  # traced_digest(product)
    province: int = 0  # the producer's province code
    rows: tuple[int, int] = (0, 0)  # Circular 02/2024 rows (the product, each batch), complete
    checked_on: date | None = None  # the day it was checked
    dates: bytes = b""  # compared_dates(product), packed (``packed_days``)
    # record_fingerprint(digest, deps), kept: every build compares every record's.
    fingerprint: str = ""


def repr_with(item: Any, **changes: object) -> str:
    """``repr(replace(item, **changes))`` of a dataclass, the same text without the copy: a
    frozen dataclass's copy sets each field through ``object.__setattr__``, and the digests
    below copied every product and every batch of a first build."""
    values = (f"{f.name}={changes[f.name] if f.name in changes else getattr(item, f.name)!r}"
              for f in fields(item) if f.repr)
    return f"{type(item).__qualname__}({', '.join(values)})"


def summary_digest(product: Product) -> str:
    """What pages that list many products can show of one: everything but its story and its
    batches (and the record's file name). A story edit or a new lot then re-renders the
    product's own pages only, not the listings, open data and summaries that every product
    is part of. A batch's page shows this too (``lot_digests`` adds the batch)."""
    text = repr_with(product, story=None, batches=(), source=Path())
    # Photo and document paths are absolute: keep the digest the same in any checkout.
    text = text.replace(str(product.source.parent.parent), "")
    return hashlib.sha256(text.encode()).hexdigest()


def lot_digests(product: Product, files: dict[str, str] | None = None) -> tuple[str, ...]:
    """What each batch's own page shows of it: the batch (not where it starts in the record,
    so a lot added above does not change the others) and its documents' bytes (``files``:
    path -> content hash)."""
    root = str(product.source.parent.parent)
    found = []
    for batch in product.batches:
        text = repr_with(batch, line=0).replace(root, "")
        contents = [(files or {}).get(str(doc.source), "") for doc in batch.documents if doc.source]
        found.append(hashlib.sha256(repr((text, contents)).encode()).hexdigest())
    return tuple(found)


def packed(digests: tuple[str, ...]) -> bytes:
    """Hex digests (``lot_digests``) as their 32 bytes each, joined: a national catalog keeps
    one per lot, and each as text took 113 bytes of memory."""
    return b"".join(bytes.fromhex(d) for d in digests)


def unpacked(lots: bytes) -> tuple[str, ...]:
    """The hex digests of ``packed``."""
    return tuple(lots[i:i + 32].hex() for i in range(0, len(lots), 32))


def _rows(product: Product) -> list:
    return [completeness(product), *(completeness(product, b) for b in product.batches)]


def traced_digest(product: Product, rows: list | None = None) -> str:
    """What the staff pages of Circular 02/2024 items show of a product: its batches' lots and
    which items the product and each batch carry (``rows``: its ``_rows``, when worked out)."""
    marks = [(row.batch.lot if row.batch else "", row.marks)
             for row in (_rows(product) if rows is None else rows)]
    return hashlib.sha256(repr(marks).encode()).hexdigest()


# What a check read of each file (path -> its size and time, asked before it was read, and the
# hash of the bytes it read): the cache's entry is made of these, so that a file is read once,
# and an entry describes the very bytes that were checked, even if a file changes meanwhile.
FilesRead = dict[str, tuple[tuple[int, int], str]]


def file_read(status: os.stat_result, data: bytes) -> tuple[tuple[int, int], str]:
    """What ``FilesRead`` keeps of a file a check read whole: its size and time (``status``,
    asked before the read) and the hash of the bytes read (``data``)."""
    return (status.st_size, status.st_mtime_ns), hashlib.sha256(data).hexdigest()


def _file_read(path: Path, files: FilesRead) -> tuple[str, tuple[int, int] | None, str]:
    """A file's (path, size and time, content hash): as the check read it, else read now."""
    known = files.get(str(path))
    if known is not None:
        return str(path), known[0], known[1]
    return str(path), _stat(path), hashlib.sha256(path.read_bytes()).hexdigest()


def make_entry(record: Path, product: Product, problems: list[Problem],
               today: date | None = None, files: FilesRead | None = None) -> Entry | None:
    """What the cache keeps of a valid record checked on ``today``; None when it is gone.
    ``files``: what the check read of the record and its files (the others are read now)."""
    files = files or {}
    if str(record) in files:
        stat, digest = files[str(record)]
    else:
        found_stat = _stat(record)
        if found_stat is None:
            return None
        stat, digest = found_stat, hashlib.sha256(record.read_bytes()).hexdigest()
    deps = [photo.source for photo in product.photos]
    deps += [doc.source for batch in product.batches for doc in batch.documents if doc.source]
    found = tuple(_file_read(dep, files) for dep in deps)
    rows = _rows(product)
    return Entry(
        stat=stat, digest=digest, deps=found,
        problems=tuple(problems), id=product.id, summary=summary_digest(product),
        lots=packed(lot_digests(product, {path: digest for path, _, digest in found})),
        traced=traced_digest(product, rows), province=product.producer.province.code,
        rows=(len(rows), sum(row.complete for row in rows)), checked_on=today,
        dates=packed_days(compared_dates(product)),
        fingerprint=record_fingerprint(digest, found))


@dataclass
class RecordCache:
    path: Path | None  # the folder of the cache
    context: str
    entries: dict[str, Entry] = field(default_factory=dict)
    dirty: bool = False
    _products: dict[str, Product] = field(default_factory=dict)  # read or put in this run
    _written: set[str] = field(default_factory=set)  # put in this run, to store
    _db: sqlite3.Connection | None = None
    today: date | None = None  # the day records are checked on
    _pending: bool = False  # products written by ``_insert``, not yet committed
    _base: tuple[int, int, int] | None = None  # META as read: size, time, inode
    _amended: dict[str, Entry | None] = field(default_factory=dict)  # CHANGES as read
    _touched: set[str] = field(default_factory=set)  # records whose entries changed in this run

    @property
    def changed(self) -> bool:
        return self.dirty

    @classmethod
    def open(cls, config: SiteConfig) -> RecordCache:
        context = context_key(config)
        path = config.cache_dir / CACHE_DIR if config.cache_dir else None
        cache = cls(path, context, today=config.today())
        if path is None or not (path / META).is_file():
            return cache
        try:
            with (path / META).open("rb") as handle:
                stored_context, entries = pickle.load(handle)
                info = os.fstat(handle.fileno())
        except Exception:  # noqa: BLE001 - a damaged cache is only a slower build
            cache.dirty = True
            return cache
        if stored_context == context and isinstance(entries, dict):
            cache.entries = entries
            cache._base = (info.st_size, info.st_mtime_ns, info.st_ino)
            cache._amend(path / CHANGES)
        else:
            cache.dirty = True
        return cache

    def _amend(self, changes: Path) -> None:
        """The entries changed since META was written, when they amend this very META (any
        other changes are ignored: their records' entries are then older than the records,
        which are checked again)."""
        try:
            with changes.open("rb") as handle:
                context, base, amended = pickle.load(handle)
        except Exception:  # noqa: BLE001 - none, or damaged: the records are checked again
            return
        if context != self.context or base != self._base or not isinstance(amended, dict):
            return
        for record, entry in amended.items():
            if entry is None:
                self.entries.pop(record, None)
            else:
                self.entries[record] = entry
        self._amended = amended

    def get(self, record: str, seen: dict[str, tuple[int, int]] | None = None) -> Entry | None:
        """The entry of ``record`` if it and its files are as they were; ``seen``: sizes and
        times this build already looked at ((-1, -1): missing)."""
        entry = self.entries.get(record)
        if entry is None:
            return None
        seen = seen or {}

        def stat_of(path: str) -> tuple[int, int] | None:
            found = seen.get(path) or _stat(path)
            return None if found == (-1, -1) else found

        stat = stat_of(record)
        if stat is None:
            return None
        if stat != entry.stat:
            with open(record, "rb") as handle:
                content = handle.read()
            if hashlib.sha256(content).hexdigest() != entry.digest:
                return None
            entry.stat = stat
            self._touched.add(record)
            self.dirty = True
        if any(stat_of(dep) != dep_stat for dep, dep_stat, _ in entry.deps):
            return None
        if entry.checked_on != self.today:
            # Checked on another day: the same check if no date it compares with that day
            # falls between the two (a lot produced in between would have been "to come").
            before, now = entry.checked_on, self.today
            if before is None or now is None or day_between(entry.dates, before, now):
                return None
            entry.checked_on = now
            self._touched.add(record)
            self.dirty = True
        return entry

    def _connection(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._db is None:
            try:
                self.path.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path / PRODUCTS, timeout=30)
                self._db.execute("CREATE TABLE IF NOT EXISTS product "
                                 "(record TEXT PRIMARY KEY, context TEXT, data BLOB)")
            except sqlite3.Error:
                self.path = None
                return None
        return self._db

    def product(self, record: str, keep: bool = True) -> Product | None:
        """The product of a cached record, read when first asked for; None when the cache
        lost it (the record is then checked again). ``keep``: False reads it without keeping
        it for the next ask (a build that reads every product once)."""
        if record in self._products:
            return self._products[record]
        db = self._connection()
        if db is None:
            return None
        try:
            row = db.execute("SELECT data FROM product WHERE record = ? AND context = ?",
                             (record, self.context)).fetchone()
            product = pickle.loads(row[0]) if row else None
        except Exception:  # noqa: BLE001 - damaged: the record is checked again
            product = None
        if product is not None and keep:
            self._products[record] = product
        return product

    def products(self, records: list[str]) -> dict[str, Product]:
        """The products of many cached records at once (those the cache has)."""
        wanted = [r for r in records if r not in self._products]
        db = self._connection()
        if wanted and db is not None:
            if len(wanted) > 500:
                keep = set(wanted)
                rows = [(r, d) for r, d in db.execute(
                    "SELECT record, data FROM product WHERE context = ?", (self.context,))
                    if r in keep]
            else:
                rows = db.execute(f"SELECT record, data FROM product WHERE context = ? AND record IN "
                                  f"({','.join('?' * len(wanted))})", (self.context, *wanted)).fetchall()
            for record, data in rows:
                try:
                    self._products[record] = pickle.loads(data)
                except Exception:  # noqa: BLE001, S112 - damaged: checked again
                    continue
        return {r: self._products[r] for r in records if r in self._products}

    def put(self, record: Path, product: Product, problems: list[Problem],
            files: FilesRead | None = None) -> Entry | None:
        """``files``: what the check read of the record and its files (``make_entry``)."""
        entry = make_entry(record, product, problems, self.today, files)
        if entry is not None:
            self.add(str(record), entry, product)
        return entry

    def add(self, record: str, entry: Entry, product: Product, data: bytes = b"") -> None:
        """A record checked (perhaps by another process, ``make_entry``) kept for next time;
        ``data``: ``product`` pickled already, if it was (the process that checked it): it is
        then written to the products' table now, in the transaction ``save`` commits, rather
        than held until then beside the product."""
        self.entries[record] = entry
        self._products[record] = product
        if data and self._insert(record, data):
            self._written.discard(record)
        else:
            self._written.add(record)  # pickled and written by ``save``
        self._touched.add(record)
        self.dirty = True

    def store(self, record: str, entry: Entry, product: Product, data: bytes = b"") -> None:
        """``add`` without keeping the product in memory: it is written to the products'
        table now, in the transaction ``save`` commits (a first build of a national catalog
        checks every record, and holding them all until the end took hundreds of megabytes).
        ``data``: ``product`` pickled already, if it was (``validate._checked``). Without a
        table, ``add``."""
        if not self._insert(record, data or pickle.dumps(product, pickle.HIGHEST_PROTOCOL)):
            self.add(record, entry, product)
            return
        self.entries[record] = entry
        self._products.pop(record, None)
        self._written.discard(record)
        self._touched.add(record)
        self.dirty = True

    def _insert(self, record: str, data: bytes) -> bool:
        """A product's pickled ``data`` written to the table, to be committed by ``save``;
        False without a table."""
        db = self._connection()
        if db is None:
            return False
        try:
            db.execute("INSERT OR REPLACE INTO product (record, context, data) VALUES (?, ?, ?)",
                       (record, self.context, data))
        except sqlite3.Error:
            return False
        self._pending = True
        return True

    def stored(self) -> StoredProducts | None:
        """The products of this cache's table, read back by record in any process; None
        without a table."""
        if self.path is None or self._connection() is None:
            return None
        return StoredProducts(self.path / PRODUCTS, self.context)

    def keep_only(self, records: list[str]) -> None:
        wanted = set(records)
        for key in [k for k in self.entries if k not in wanted]:
            del self.entries[key]
            self._touched.add(key)
            self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        db = self._connection()
        if db is not None and (self._written or self._pending):
            try:
                with db:  # one transaction with what ``store`` wrote; pickled one at a time
                    db.executemany(
                        "INSERT OR REPLACE INTO product (record, context, data) VALUES (?, ?, ?)",
                        ((r, self.context, pickle.dumps(self._products[r], pickle.HIGHEST_PROTOCOL))
                         for r in sorted(self._written)))
            except sqlite3.Error:
                return  # the meta is not written either: the records are checked again
            self._written.clear()
            self._pending = False
        self.path.mkdir(parents=True, exist_ok=True)
        amended = {**self._amended, **{r: self.entries.get(r) for r in self._touched}}
        if self._base is not None and len(amended) <= max(100, len(self.entries) // 50):
            self._write(CHANGES, (self.context, self._base, amended))
            self._amended = amended
        else:
            self._base = self._write(META, (self.context, self.entries))
            self._amended = {}
            (self.path / CHANGES).unlink(missing_ok=True)
        self._touched.clear()
        self.dirty = False

    def _write(self, name: str, data: object) -> tuple[int, int, int]:
        """``data`` pickled into the cache's file ``name``, atomically; its size, time and
        inode as written."""
        assert self.path is not None
        tmp = self.path / f"{name}.{os.getpid()}.tmp"
        with tmp.open("wb") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            info = os.fstat(handle.fileno())
        tmp.replace(self.path / name)
        return (info.st_size, info.st_mtime_ns, info.st_ino)


class StoredProducts:
    """Products read back whole from the record cache's table, by record, in whichever process
    asks (each opens its own connection: a forked worker never uses its parent's). A build
    keeps its catalog's products without what only their own pages show (``lean``) and reads
    a product whole when one of those pages is rendered; the few last read are kept, as a
    product's units are rendered one after the other."""

    KEPT = 4

    def __init__(self, path: Path, context: str) -> None:
        self.path, self.context = path, context
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._kept: dict[str, Product] = {}

    def read(self, record: str) -> Product | None:
        """The product of ``record``, None when the table lost it."""
        if record in self._kept:
            return self._kept[record]
        if self._db is None or self._pid != os.getpid():
            self._db, self._pid, self._kept = sqlite3.connect(self.path, timeout=30), os.getpid(), {}
        try:
            row = self._db.execute("SELECT data FROM product WHERE record = ? AND context = ?",
                                   (record, self.context)).fetchone()
            product = pickle.loads(row[0]) if row else None
        except Exception:  # noqa: BLE001 - damaged or gone: the caller checks the record again
            return None
        if product is not None:
            if len(self._kept) >= self.KEPT:
                del self._kept[next(iter(self._kept))]
            self._kept[record] = product
        return product

    def __getstate__(self) -> dict:
        return {"path": self.path, "context": self.context, "_db": None, "_pid": 0, "_kept": {}}


def lean(product: Product) -> Product:
    """``product`` without what only its own pages, its lots' pages and the staff pages of
    Circular 02/2024 items show of its batches (their stages, areas, standards, quantities):
    each batch keeps its lot, dates, documents and line, which plan its units and name the
    files the record refers to. Listings, summaries, search and open data show no batch."""
    if not product.batches:
        return product
    return replace(product, batches=tuple(
        replace(b, quantity=None, events=(), areas=(), standards=()) for b in product.batches))
