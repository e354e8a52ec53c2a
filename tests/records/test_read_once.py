"""A record's check reads each of its files once, and the record cache keeps what that check
read: the photo decoded to its last byte is the photo hashed, so a photo replaced after a
cached check is checked again, and a build's records checked in worker processes give the
products and entries a check in this process gives."""

from __future__ import annotations

import io
import os
import pickle
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from support.records import record, write_record

import site_builder.records.parallel as parallel
from site_builder.records import validate
from site_builder.records.cache import make_entry, repr_with
from site_builder.records.validate import check_record, load_catalog

REPORT = b"%PDF-1.4\n% a test report\n%%EOF\n"
LOT = {"lot": "L1", "produced": "2026-10-02",
       "documents": [{"title": "Phiếu kiểm nghiệm", "file": "kiem-nghiem.pdf"}]}


def _cut_jpeg() -> bytes:
    """A JPEG whose header is whole and whose picture is cut short, as by an interrupted copy."""
    buffer = io.BytesIO()
    Image.effect_noise((300, 200), 60).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()[:len(buffer.getvalue()) * 2 // 3]


def _later(path: Path) -> None:
    """Give ``path`` a modification time a second later, as a copy made after a build has."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def test_a_photo_cut_short_after_a_cached_check_fails_with_its_line(site_config, products,
                                                                     tmp_path):
    config = replace(site_config, cache_dir=tmp_path / "cache")
    path = write_record(products, record())
    _, problems = load_catalog(config, lean=True)
    assert not problems.errors
    photo = path.parent / "anh-1.jpg"
    photo.write_bytes(_cut_jpeg())
    _later(photo)
    _, problems = load_catalog(config, lean=True)
    [error] = problems.errors
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "anh-1.jpg" in text)
    assert (error.path, error.line, error.field, error.code) == (
        path, line, "photos[0].file", "photo_truncated")


def test_a_check_reads_the_record_its_photo_and_its_document_once_each(site_config, products,
                                                                       monkeypatch):
    path = write_record(products, record(batches=[LOT]))
    (path.parent / "kiem-nghiem.pdf").write_bytes(REPORT)
    opened: Counter[str] = Counter()
    real_open = io.open

    def counting_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(file, (str, Path)) and str(file).startswith(str(products)):
            opened[Path(file).name] += 1
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", counting_open)  # pathlib's
    monkeypatch.setattr("builtins.open", counting_open)  # Pillow's, and any other
    product, problems, entry, data = validate._checked(str(path), site_config)
    assert not problems.errors and entry is not None and data
    assert opened == {"product.yml": 1, "anh-1.jpg": 1, "kiem-nghiem.pdf": 1}


def test_an_entry_describes_the_files_as_a_fresh_read_of_them_does(site_config, products):
    """The sizes, times and hashes a check gathered while reading are those the cache would
    ask the files for afresh: the same entry, fingerprint and digests."""
    path = write_record(products, record(batches=[LOT]))
    (path.parent / "kiem-nghiem.pdf").write_bytes(REPORT)
    checked = validate._checked(str(path), site_config)
    product, found, entry, data = checked
    assert product is not None and entry is not None
    assert validate._sent(checked) == (None, found, entry, data)  # a worker sends it pickled
    assert pickle.loads(data) == product
    assert entry == make_entry(path, product, found.items, site_config.today())
    assert [Path(dep).name for dep, _, _ in entry.deps] == ["anh-1.jpg", "kiem-nghiem.pdf"]


def test_a_loop_of_links_named_as_a_photo_is_a_photo_not_found(site_config, products):
    path = write_record(products, record(), photo=False)
    os.symlink(path.parent / "vong.jpg", path.parent / "anh-1.jpg")
    os.symlink(path.parent / "anh-1.jpg", path.parent / "vong.jpg")
    _, problems = check_record(path, site_config)
    [error] = problems.errors
    assert (error.field, error.code) == ("photos[0].file", "photo_not_found")


def test_a_digest_text_is_the_text_of_the_changed_copy(site_config, products):
    path = write_record(products, record(batches=[LOT]))
    (path.parent / "kiem-nghiem.pdf").write_bytes(REPORT)
    product, _ = check_record(path, site_config)
    assert product is not None
    assert repr_with(product, story=None, batches=(), source=Path()) == repr(
        replace(product, story=None, batches=(), source=Path()))
    [batch] = product.batches
    assert repr_with(batch, line=0) == repr(replace(batch, line=0))
    assert repr_with(batch) == repr(batch)


@pytest.mark.parametrize("lean", [False, True])
def test_records_checked_in_worker_processes_give_what_this_process_gives(
        site_config, products, tmp_path, monkeypatch, lean):
    for n in range(4):
        write_record(products, record(id=f"nho-say-{n}", batches=[LOT]))
        (products / f"nho-say-{n}" / "kiem-nghiem.pdf").write_bytes(REPORT)
    monkeypatch.setenv("OCOP_WORKERS", "1")
    here, _ = load_catalog(replace(site_config, cache_dir=tmp_path / "here"), lean=lean)
    monkeypatch.setenv("OCOP_WORKERS", "2")
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    config = replace(site_config, cache_dir=tmp_path / "workers")
    for _ in ("checked in workers", "read from the cache"):
        there, problems = load_catalog(config, lean=lean)
        assert not problems.errors
        assert there.products == here.products
        assert there.digests == here.digests and there.summaries == here.summaries
        assert [there.whole_product(p) for p in there.products] == [
            check_record(p.source, site_config)[0] for p in there.products]



def test_a_products_folder_that_is_a_link_moved_between_checks_is_followed(site_config,
                                                                          tmp_path):
    """A long-running process (the editor) checks records one at a time: the folder a link
    named as the products folder leads to is asked each time, not remembered."""
    for name in ("a", "b"):
        write_record(tmp_path / name, record())
    link = tmp_path / "products-link"
    config = replace(site_config, products_dir=link)
    for name in ("a", "b"):
        link.unlink(missing_ok=True)
        link.symlink_to(tmp_path / name, target_is_directory=True)
        product, problems = check_record(link / "nho-say-nhon-son" / "product.yml", config)
        assert not problems.errors, [p.code for p in problems.errors]
        assert product is not None and product.photos[0].source.parent.parent == tmp_path / name
