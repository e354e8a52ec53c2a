"""The record cache across days: a record is checked again on a new day only when one of its
dates the check compares with the day (a lot's production, its stages) falls in between, so a
daily build of a national catalog does not check every record again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from support.records import record, write_record

import site_builder.records.validate as validate
from site_builder.records.validate import load_catalog


def _counting(monkeypatch) -> list[str]:
    checked: list[str] = []
    real = validate._load_product

    def load(path, config, problems, files=None):  # type: ignore[no-untyped-def]
        checked.append(path.parent.name)
        return real(path, config, problems, files)

    monkeypatch.setattr(validate, "_load_product", load)
    return checked


def test_a_new_day_checks_again_only_the_records_whose_dates_it_passes(site_config, products,
                                                                       tmp_path, monkeypatch):
    config = replace(site_config, cache_dir=tmp_path / "cache", as_of=date(2026, 11, 22))
    write_record(products, record(batches=[{"lot": "L1", "produced": "2026-10-02"}]))
    write_record(products, record(id="tao-xanh-my-son",
                                  batches=[{"lot": "L2", "produced": "2026-11-24"}]))
    checked = _counting(monkeypatch)
    _, problems = load_catalog(config)
    assert sorted(checked) == ["nho-say-nhon-son", "tao-xanh-my-son"]
    assert [p.code for p in problems.warnings].count("produced_future") == 1
    checked.clear()
    load_catalog(replace(config, as_of=date(2026, 11, 23)))  # L2 still to come: the same check
    assert checked == []
    _, problems = load_catalog(replace(config, as_of=date(2026, 11, 25)))  # L2 produced since
    assert checked == ["tao-xanh-my-son"]
    assert "produced_future" not in [p.code for p in problems.warnings]
    checked.clear()
    load_catalog(replace(config, as_of=date(2026, 11, 22)))  # back: L2 is to come again
    assert checked == ["tao-xanh-my-son"]


LOTS = [{"lot": f"L{n}", "produced": "2026-10-02", "quantity": "300 hộp",
         "areas": [{"name": "Vùng nguyên liệu thôn 2"}],
         "events": [{"step": "Thu hoạch", "date": "2026-10-01", "place": "Vườn của hợp tác xã"}]}
        for n in range(3)]


def test_a_lean_catalog_holds_lots_without_their_stages_and_reads_each_product_whole(
        site_config, products, tmp_path):
    """What a build holds of a product with lots (``lean``): each lot's code, dates, documents
    and line, not its stages, areas and quantity; read whole again, it is the product a whole
    load gives, whether the records were checked in this run or read from the cache."""
    config = replace(site_config, cache_dir=tmp_path / "cache", as_of=date(2026, 11, 22))
    write_record(products, record(batches=LOTS))
    whole, _ = load_catalog(config)
    for _ in ("read from the cache", "checked now"):
        catalog, problems = load_catalog(config, lean=True)
        assert not problems.errors
        [held] = catalog.products
        assert [(b.lot, b.produced, b.events, b.areas, b.quantity) for b in held.batches] == [
            (f"L{n}", date(2026, 10, 2), (), (), None) for n in range(3)]
        assert catalog.whole_product(held) == whole.products[0]
        assert catalog.rows == {held.id: (4, sum(r.complete for r in _rows(whole.products[0])))}
        (tmp_path / "cache" / "records" / "meta.pickle").unlink()


def test_a_product_the_cache_lost_is_read_whole_from_its_record(site_config, products,
                                                                tmp_path):
    config = replace(site_config, cache_dir=tmp_path / "cache", as_of=date(2026, 11, 22))
    write_record(products, record(batches=LOTS))
    catalog, _ = load_catalog(config, lean=True)
    (tmp_path / "cache" / "records" / "products.sqlite").unlink()
    whole = catalog.whole_product(catalog.products[0])
    assert [b.events[0].step for b in whole.batches] == ["Thu hoạch"] * 3


def _rows(product):  # type: ignore[no-untyped-def]
    from site_builder.domain.traceability import all_completeness

    return all_completeness([product])


def test_a_record_broken_while_the_build_ran_is_named_in_both_languages(site_config, products,
                                                                        tmp_path):
    """Read whole from its record (the cache lost it) after an edit that broke it: the build
    stops with the record named, never a traceback."""
    config = replace(site_config, cache_dir=tmp_path / "cache", as_of=date(2026, 11, 22))
    path = write_record(products, record(batches=LOTS))
    catalog, _ = load_catalog(config, lean=True)
    (tmp_path / "cache" / "records" / "products.sqlite").unlink()
    path.write_text("id: [", encoding="utf-8")
    with pytest.raises(validate.RecordChanged) as raised:
        catalog.whole_product(catalog.products[0])
    assert str(raised.value).startswith(f"{path}: hồ sơ đã bị sửa")
    assert "/ " + str(path) + ": the record was changed" in str(raised.value)


def test_a_run_that_changed_a_few_records_writes_only_their_entries(site_config, products,
                                                                   tmp_path, monkeypatch):
    """The cache's meta of every record is written whole once; a run that changed a few
    records writes theirs beside it (a national catalog's meta took a third of a second), which
    the next run reads, and ignores once the meta they amend is written again."""
    from site_builder.records.cache import CHANGES, META, RecordCache

    config = replace(site_config, cache_dir=tmp_path / "cache", as_of=date(2026, 11, 22))
    folder = tmp_path / "cache" / "records"
    write_record(products, record(batches=[{"lot": "L1", "produced": "2026-10-02"}]))
    write_record(products, record(id="tao-xanh-my-son"))
    other = write_record(products, record(id="mut-gung-dai-loc"))
    checked = _counting(monkeypatch)
    load_catalog(config)
    meta = (folder / META).stat()
    assert not (folder / CHANGES).exists()
    write_record(products, record(batches=[{"lot": "L2", "produced": "2026-10-03"}]))
    other.unlink()
    checked.clear()
    load_catalog(config)
    assert checked == ["nho-say-nhon-son"]
    assert (folder / META).stat().st_ino == meta.st_ino
    assert (folder / META).stat().st_mtime_ns == meta.st_mtime_ns
    assert (folder / CHANGES).is_file()
    checked.clear()
    catalog, _ = load_catalog(config)
    assert checked == []
    assert [b.lot for p in catalog.products for b in p.batches] == ["L2"]
    assert sorted(RecordCache.open(config).entries) == sorted(
        str(p.source) for p in catalog.products)
    # The meta written again by another run: the changes are not of it, the record is checked.
    (folder / "copy").write_bytes((folder / META).read_bytes())
    (folder / "copy").replace(folder / META)
    load_catalog(config)
    assert checked == ["nho-say-nhon-son"]
