"""The generated-bytes cache: what is put is found again at once, written in one transaction
when enough has been put or the process flushes, and a forked worker never writes what its
parent put (the parent does)."""

from __future__ import annotations

import os
import sqlite3

import pytest

from site_builder.assets import blob_cache as blobs
from site_builder.assets.blob_cache import BlobCache


def stored(path) -> dict[str, bytes]:
    with sqlite3.connect(path) as db:
        return {key: bytes(data) for key, data in db.execute("SELECT key, data FROM blob")}


def test_what_is_put_is_found_before_and_after_it_is_written(tmp_path):
    path = tmp_path / "qr.sqlite"
    cache = BlobCache(path)
    cache.put("01/08936041010012", b"<svg>gao</svg>")
    assert cache.get("01/08936041010012") == b"<svg>gao</svg>"
    cache.flush()
    assert stored(path) == {"01/08936041010012": b"<svg>gao</svg>"}
    assert BlobCache(path).get("01/08936041010012") == b"<svg>gao</svg>"


def test_puts_are_written_together_once_enough_are_waiting(tmp_path, monkeypatch):
    monkeypatch.setattr(blobs, "FLUSH_AT", 3)
    path = tmp_path / "share.sqlite"
    cache = BlobCache(path)
    cache.put("card/a", b"a")
    cache.put("card/b", b"b")
    assert cache.get("card/z") is None  # opens the file
    assert stored(path) == {}
    cache.put("card/c", b"c")
    assert stored(path) == {"card/a": b"a", "card/b": b"b", "card/c": b"c"}


def test_flush_all_writes_every_open_cache(tmp_path):
    photos = blobs.blob_cache(tmp_path, "photos")
    share = blobs.blob_cache(tmp_path, "share")
    photos.put("abc/480.webp", b"RIFF")
    share.put("square/5/abc", b"\xff\xd8")
    blobs.flush_all()
    assert stored(tmp_path / "photos.sqlite") == {"abc/480.webp": b"RIFF"}
    assert stored(tmp_path / "share.sqlite") == {"square/5/abc": b"\xff\xd8"}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on Linux and macOS")
def test_a_forked_worker_writes_its_own_puts_not_its_parents(tmp_path):
    path = tmp_path / "qr.sqlite"
    cache = BlobCache(path)
    cache.put("parent", b"1")
    child = os.fork()
    if child == 0:  # the worker
        try:
            cache.put("worker", b"2")
            cache.flush()
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert stored(path) == {"worker": b"2"}
    cache.flush()
    assert stored(path) == {"parent": b"1", "worker": b"2"}


def test_a_cache_that_cannot_be_opened_keeps_nothing(tmp_path):
    (tmp_path / "taken").write_text("a file where the cache's folder should be")
    cache = BlobCache(tmp_path / "taken" / "qr.sqlite")
    cache.put("x", b"1")
    cache.flush()
    assert cache.get("x") is None


def test_close_all_writes_and_closes_every_cache_and_the_next_use_opens_it_again(tmp_path):
    """The end of a build: a process that builds many sites keeps no cache file open."""
    def open_files() -> int:
        return sum(1 for fd in os.listdir("/proc/self/fd")
                   if str(tmp_path) in os.path.realpath(f"/proc/self/fd/{fd}"))

    caches = [blobs.blob_cache(tmp_path / f"site{n}", "media") for n in range(3)]
    for n, cache in enumerate(caches):
        cache.put("k", b"v%d" % n)
        cache.flush()  # written: its file is open
    assert open_files() >= 3
    blobs.close_all()
    assert open_files() == 0
    assert [stored(cache.path) for cache in caches] == [{"k": b"v%d" % n} for n in range(3)]
    assert caches[1].get("k") == b"v1"  # opened again when used
    blobs.close_all()
