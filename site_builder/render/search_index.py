"""The catalog's search and filter index: small static files a browser fetches per query.

Why not Pagefind: measured at 20,000 products (bench/search_weight.py), Pagefind's per-language
metadata file alone is 300 KB with our sort orders, 100 KB without, and a filter-only query
(no words) fetches every index chunk, 2.6 MB. This index keeps to what the catalog needs and
keeps every query's download small whatever the size of the catalog.

Products are numbered in the order of their Vietnamese names (then ids), which no status
changes: a certificate revoked or expired changes the files that say what each product's
status is, not every file that numbers products. A set of products is written as delta-coded
numbers ([3, 7, 8] as [3, 4, 1]) or, when it holds more than one product in sixteen, as a
bitset in base64 (2.5 KB for 20,000 products, however many it holds).

- ``f/<filter>/<value>.json``: the products having that value (``facets.py``).
- ``<lang>/w/<abc>.json``: the words starting with ``abc`` (shorter words: the word itself),
  each with its products. Words are folded: lower case, no diacritics, "đ" as "d", so "banh
  trang", "BÁNH TRÁNG" and "bánh tráng" are the same words, and "ca phe" finds "Cà phê" (the
  page folds what is typed the same way).
- ``<lang>/sort/ten.bin`` and ``sort/moi.bin``: the product numbers in name order and in
  newest-decision order, 2 bytes each (4 past 65,535 products), fetched only for that sort.
- ``state.bin``: each product's status and stars, a byte each (the stars shown as current
  times 16, plus the status's place in ``meta.json``'s ``statuses``): what the cards show of
  it, and the catalog's default order (certified products first, by stars, then by name).
- ``<lang>/c/<n>.json``: what a card shows besides, CARDS_PER_FILE products a file.
- ``<lang>/meta.json``: the number of products, the statuses and the layout.

A query fetches one word file per word typed, one file per filter value ticked, the state
file, a sort file if asked, and the card files of the cards shown (``catalog.js``).
"""

from __future__ import annotations

import base64
import json
import re
import sys
from array import array
from collections import defaultdict

from site_builder.domain.places import ascii_fold
from site_builder.domain.rules import Status
from site_builder.render.facets import values_of
from site_builder.render.views import ProductView

OUTPUT_DIR = "search/"
CARDS_PER_FILE = 32
SHARD_LETTERS = 3
_WORD = re.compile(r"[a-z0-9]+")


def fold_words(text: str) -> list[str]:
    """'Bánh tráng Trảng Bàng' -> ['banh', 'trang', 'trang', 'bang'] (as catalog.js folds)."""
    return _WORD.findall(ascii_fold(text))


def shard_of(word: str) -> str:
    """The word file a word lives in: its first three letters."""
    return word[:SHARD_LETTERS]


def product_set(positions: list[int], count: int) -> list[int] | str:
    """Ascending product numbers, as deltas ([3, 7, 8] -> [3, 4, 1]) or, for a set holding
    more than one product in sixteen, a base64 bitset (bit i of byte i // 8 is product i)."""
    if len(positions) * 16 <= count:
        return [b - a for a, b in zip([0, *positions], positions, strict=False)]
    bits = bytearray((count + 7) // 8)
    for i in positions:
        bits[i >> 3] |= 1 << (i & 7)
    return base64.b64encode(bytes(bits)).decode("ascii")


def _order(numbers: list[int], count: int) -> bytes:
    """Product numbers as little-endian integers of 2 bytes, or 4 past 65,535 products."""
    packed = array("H" if count <= 0xFFFF else "I", numbers)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def searchable_text(view: ProductView) -> str:
    """What a reader may search a product by, in the view's language (and its Vietnamese name)."""
    p, t = view.product, view.t
    # The sector's name: "chưa phân loại" finds the products not yet classified too.
    return " ".join((view.name, p.name.vi, p.producer.name, view.place,
                     t.name(p.product_set) if p.product_set else "", t.name(view.sector),
                     p.brand or "", p.id.replace("-", " ")))


def card(view: ProductView, photo: dict | None) -> list:
    """What a result card shows, in a fixed order (catalog.js reads it by position): the id
    (the page is the language's ``san-pham/<id>/``), name, its language if not the page's,
    producer, place, and the photo's file for phones (``san-pham/<id>/<file>.webp``) with its
    text. Not the status and stars, which change without the rest (``state.bin``)."""
    p, t = view.product, view.t
    image = [photo["small"].rpartition("/")[2].rpartition(".")[0], t.text(photo["alt"])] \
        if photo else ["", ""]
    return [p.id, view.name, "" if view.name_lang == view.lang else view.name_lang,
            p.producer.name, view.place, *image]


STATUSES = [status.value for status in Status]


def _state(view: ProductView) -> int:
    stars = view.status.stars if not view.lapsed and view.status.stars else 0
    return stars * 16 + STATUSES.index(view.status.status.value)


def number_order(view: ProductView) -> tuple[str, str]:
    """What products are numbered by: the Vietnamese name (as the catalog order breaks ties),
    then the id."""
    return view.product.name.vi.casefold(), view.product.id


def _decided(view: ProductView) -> str:
    current = view.status.current
    return current.certification.decision_date.isoformat() if current else ""


def build_search_index(languages: list[tuple[str, list[ProductView]]],
                       photos: dict[str, list]) -> dict[str, bytes]:
    """The index files, as site paths and contents, from each language's products (the same
    products in the same order in every language), numbered as ``number_order`` sorts them,
    so the filters and the newest-first order are shared."""
    files: dict[str, bytes] = {}
    numbered = sorted(range(len(languages[0][1])), key=lambda i: number_order(languages[0][1][i]))
    languages = [(lang, [views[i] for i in numbered]) for lang, views in languages]
    first = languages[0][1]
    count = len(first)
    files[f"{OUTPUT_DIR}state.bin"] = bytes(_state(view) for view in first)
    values: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, view in enumerate(first):
        for key, value in values_of(view).items():
            values[(key, value)].append(i)
    for (key, value), positions in sorted(values.items()):
        files[f"{OUTPUT_DIR}f/{key}/{value}.json"] = _json(product_set(positions, count))
    newest = sorted(range(count), key=lambda i: _decided(first[i]), reverse=True)
    files[f"{OUTPUT_DIR}sort/moi.bin"] = _order(newest, count)
    for lang, views in languages:
        base = f"{OUTPUT_DIR}{lang}/"
        words: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i, view in enumerate(views):
            for word in sorted(set(fold_words(searchable_text(view)))):
                words[shard_of(word)][word].append(i)
        for shard, entries in sorted(words.items()):
            files[f"{base}w/{shard}.json"] = _json(
                {word: product_set(positions, count) for word, positions in sorted(entries.items())})
        by_name = sorted(range(count), key=lambda i: (ascii_fold(views[i].name), i))
        files[f"{base}sort/ten.bin"] = _order(by_name, count)
        for start in range(0, count, CARDS_PER_FILE):
            files[f"{base}c/{start // CARDS_PER_FILE}.json"] = _json([
                card(view, (photos.get(view.product.id) or [None])[0])
                for view in views[start:start + CARDS_PER_FILE]])
        files[f"{base}meta.json"] = _json({
            "count": count, "cards_per_file": CARDS_PER_FILE, "shard_letters": SHARD_LETTERS,
            "order_bytes": 2 if count <= 0xFFFF else 4, "statuses": STATUSES})
    return files
