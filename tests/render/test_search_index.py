"""The search index's files (render/search_index.py): each product at a slot of its own, so adding
or removing one changes the files that hold it and a few that list every product, not every
file after it; and what the files say, read back as catalog.js reads them."""

from __future__ import annotations

import base64
import json
import random
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from support.sites import AS_OF, REPO

from site_builder.config import SiteConfig
from site_builder.domain.places import ascii_fold
from site_builder.records.validate import load_catalog
from site_builder.render.facets import values_of
from site_builder.render.search_index import (
    CARDS_MAX,
    CARDS_MIN,
    OUTPUT_DIR,
    STATUSES,
    _choice,
    build_search_index,
    card,
    card_files,
    fold_words,
    product_slots,
    searchable_text,
    seniority,
    shard_of,
    slot_count,
)
from site_builder.render.templates import Languages
from site_builder.render.views import product_view

# Files every product is in: what changes with any product added or removed.
EVERY_PRODUCT = {"sort/moi.bin", *(f"{lang}/{name}" for lang in ("vi", "en")
                                   for name in ("sort/ten.bin", "state.bin", "meta.json"))}


@pytest.fixture(scope="module")
def worded():
    """The sample products in both languages, in the same order."""
    config = SiteConfig(products_dir=REPO / "products", as_of=AS_OF)
    catalog, _ = load_catalog(config, traceability_notes=False)
    languages = Languages(config, REPO / "theme" / "ocop", icon="")
    first = languages.first
    views = [product_view(p, AS_OF, config, first.t) for p in catalog.products]
    return [(r.lang, views if r is first else [v.in_language(r.t, r.urls) for v in views])
            for r in languages.renderers]


def index_of(worded, leaving: str | None = None) -> dict[str, bytes]:
    kept = [(lang, [v for v in views if v.product.id != leaving]) for lang, views in worded]
    return {path.removeprefix(OUTPUT_DIR): data
            for path, data in build_search_index(kept, {}).items()}


def members(value: list[int] | str) -> list[int]:
    """A product set as catalog.js reads it: deltas, or a base64 bitset."""
    if isinstance(value, str):
        bits = base64.b64decode(value)
        return [i for i in range(len(bits) * 8) if bits[i >> 3] & (1 << (i & 7))]
    found, at = [], 0
    for delta in value:
        at += delta
        found.append(at)
    return found


def files_of(worded, product_id: str) -> set[str]:
    """The word and filter files that hold a product."""
    files = set()
    for lang, views in worded:
        view = next(v for v in views if v.product.id == product_id)
        files |= {f"{lang}/w/{shard_of(w)}.json" for w in fold_words(searchable_text(view))}
        if lang == worded[0][0]:
            files |= {f"f/{key}/{value}.json" for key, value in values_of(view).items()}
    return files


def test_slots_are_the_set_s_alone_and_twice_as_many_as_products():
    rng = random.Random(7)
    ages = {f"sp-{i}": (date(2020, 1, 1) + timedelta(days=rng.randrange(2000)), f"sp-{i}")
            for i in range(500)}
    slots, count = product_slots(ages)
    assert product_slots(dict(reversed(ages.items()))) == (slots, count)
    assert len(set(slots.values())) == 500 and all(0 <= s < count for s in slots.values())
    assert count == slot_count(500) == 1024
    assert [slot_count(n) for n in (0, 32, 33, 48, 49, 20_000)] == [64, 64, 96, 96, 128, 49_152]
    assert all(2 * n <= slot_count(n) <= 3 * n for n in range(32, 5000, 37))


def test_a_product_newer_than_all_takes_no_product_s_first_choice():
    rng = random.Random(11)
    ages = {f"sp-{i}": (date(2020, 1, 1) + timedelta(days=rng.randrange(2000)), f"sp-{i}")
            for i in range(600)}
    slots, count = product_slots(ages)
    first_choices = {k for k, slot in slots.items() if slot == _choice(k, 0, count)}
    assert len(first_choices) > 400
    for n in range(50):
        with_new, _ = product_slots({**ages, f"moi-{n}": (date(2026, 11, 1), f"moi-{n}")})
        assert all(with_new[k] == slots[k] for k in first_choices)
        assert sum(with_new[k] != slots[k] for k in slots) <= 3


def test_removing_a_product_changes_its_files_and_the_files_of_every_product(worded):
    whole = index_of(worded)
    slots, _ = product_slots({v.product.id: seniority(v) for v in worded[0][1]})
    unmoved = 0
    for view in worded[0][1]:
        gone = view.product.id
        smaller = index_of(worded, leaving=gone)
        now, _ = product_slots({v.product.id: seniority(v) for v in worded[0][1]
                                if v.product.id != gone})
        moved = [k for k in now if now[k] != slots[k]]
        unmoved += not moved
        expected = files_of(worded, gone) | EVERY_PRODUCT
        for other in moved:
            expected |= files_of(worded, other)
        changed = {p for p in whole.keys() | smaller.keys() if whole.get(p) != smaller.get(p)}
        cards = {p for p in changed if "/c/" in p}
        assert changed - cards <= expected, gone
        assert EVERY_PRODUCT <= changed
        # Its card file, and the next when it ended one, in each language (renamed when the
        # product first in it goes or moves).
        assert 2 <= len(cards) <= 2 * (2 + len(moved)), (gone, cards)
    # A product moves when it had lost a slot to the one removed: about one removal in three.
    assert unmoved >= len(worded[0][1]) // 2


def test_card_files_are_cut_by_content():
    ids = [f"sp-{i:04d}" for i in range(2000)]
    views = [SimpleNamespace(product=SimpleNamespace(id=i)) for i in ids]
    cut = card_files(views)
    assert [v.product.id for group in cut for v in group] == ids
    assert all(CARDS_MIN <= len(group) <= CARDS_MAX for group in cut)
    assert 17 <= len(ids) / len(cut) <= 23
    # One product fewer: the files before it and after the next are the same files.
    smaller = card_files(views[:1000] + views[1001:])
    before = {tuple(v.product.id for v in g) for g in cut}
    after = {tuple(v.product.id for v in g) for g in smaller}
    assert len(before - after) <= 3 and len(after - before) <= 2


def test_every_file_read_back_says_what_the_products_are(worded):
    index = index_of(worded)
    slots, count = product_slots({v.product.id: seniority(v) for v in worded[0][1]})
    for lang, views in worded:
        meta = json.loads(index[f"{lang}/meta.json"])
        assert meta["count"] == len(slots) == sum(meta["card_files"]) and meta["slots"] == count
        ten = index[f"{lang}/sort/ten.bin"]
        by_name = [int.from_bytes(ten[i:i + 2], "little") for i in range(0, len(ten), 2)]
        by_slot = {slots[v.product.id]: v for v in views}
        named = sorted(views, key=lambda v: (ascii_fold(v.name), v.product.id))
        assert [by_slot[s].product.id for s in by_name] == [v.product.id for v in named]
        assert list(index[f"{lang}/state.bin"]) == [
            (v.status.stars if not v.lapsed and v.status.stars else 0) * 16
            + STATUSES.index(v.status.status.value) for v in named]
        rank = 0
        for size in meta["card_files"]:
            cards = json.loads(index[f"{lang}/c/{by_name[rank]}.json"])
            assert cards == [card(v, None) for v in named[rank:rank + size]]
            rank += size
        words: dict[str, set[int]] = {}
        for view in views:
            for word in fold_words(searchable_text(view)):
                words.setdefault(word, set()).add(slots[view.product.id])
        for word, holding in words.items():
            assert set(members(json.loads(index[f"{lang}/w/{shard_of(word)}.json"])[word])) == holding
    stars = {slots[v.product.id] for v in worded[0][1] if values_of(v).get("sao") == "4"}
    assert set(members(json.loads(index["f/sao/4.json"]))) == stars and stars
