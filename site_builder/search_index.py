"""The catalog's search and filter index: small static files a browser fetches per query.

Why not Pagefind: measured at 20,000 products (bench/search_weight.py), Pagefind's per-language
metadata file alone is 300 KB with our sort orders, 100 KB without, and a filter-only query
(no words) fetches every index chunk, 2.6 MB. This index keeps to what the catalog needs and
keeps every query's download small whatever the size of the catalog:

- ``f/<filter>/<value>.json``: the products having that value (``facets.py``), as delta-coded
  positions in the catalog order (certified first, stars, name), which is also the default sort.
- ``<lang>/w/<xy>.json``: the words starting with ``xy``, each with its products. Words are
  folded: lower case, no diacritics, "đ" as "d", so "banh trang", "BÁNH TRÁNG" and "bánh tráng"
  are the same words, and "ca phe" finds "Cà phê" (the page folds what is typed the same way).
- ``<lang>/sort/ten.json`` and ``sort/moi.json``: the catalog positions in name order and in
  newest-decision order, fetched only when the reader sorts so.
- ``<lang>/c/<n>.json``: what a card shows, CARDS_PER_FILE products a file.
- ``<lang>/meta.json``: the number of products and the layout.

A query fetches one word file per word typed, one file per filter value ticked, a sort file if
asked, and the card files of the cards shown (``catalog.js``).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from .facets import values_of
from .places import ascii_fold
from .views import ProductView, Urls

OUTPUT_DIR = "search/"
CARDS_PER_FILE = 64
_WORD = re.compile(r"[a-z0-9]+")


def fold_words(text: str) -> list[str]:
    """'Bánh tráng Trảng Bàng' -> ['banh', 'trang', 'trang', 'bang'] (as catalog.js folds)."""
    return _WORD.findall(ascii_fold(text))


def shard_of(word: str) -> str:
    """The word file a word lives in: its first two letters."""
    return word[:2]


def _deltas(positions: list[int]) -> list[int]:
    """[3, 7, 8] -> [3, 4, 1]: small numbers, a small file."""
    return [b - a for a, b in zip([0, *positions], positions, strict=False)]


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def searchable_text(view: ProductView) -> str:
    """What a reader may search a product by, in the view's language (and its Vietnamese name)."""
    p, t = view.product, view.t
    return " ".join((view.name, p.name.vi, p.producer.name, p.producer.commune.name,
                     p.producer.province.name, t.name(p.product_set), t.name(p.product_set.sector),
                     p.brand or "", p.id.replace("-", " ")))


def card(view: ProductView, urls: Urls, photo: dict | None) -> list:
    """What a result card shows, in a fixed order (catalog.js reads it by position)."""
    p, t = view.product, view.t
    stars = view.status.stars if not view.lapsed and view.status.stars else 0
    image = [photo["small_webp"], photo["small"], t.text(photo["alt"])] if photo else ["", "", ""]
    return [urls.product(p), view.name, view.name_lang, p.producer.name,
            f"{p.producer.commune.name}, {p.producer.province.name}", stars,
            view.status.status.value, view.status_short, *image]


def search_key_parts(view: ProductView, photo: dict | None) -> tuple:
    """Everything the index holds of a product (its story is not indexed): the index is built
    again only when one of these changes."""
    return (view.product.id, searchable_text(view), card(view, view.urls, photo),
            sorted(values_of(view).items()), _decided(view))


def _decided(view: ProductView) -> str:
    current = view.status.current
    return current.certification.decision_date.isoformat() if current else ""


def build_search_index(languages: list[tuple[str, list[ProductView], Urls]],
                       photos: dict[str, list]) -> dict[str, bytes]:
    """The index files, as site paths and contents, from each language's products and page
    addresses. Every language lists the products in the same order (the catalog order), so
    the filters and the newest-first order are shared."""
    files: dict[str, bytes] = {}
    first = languages[0][1]
    values: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, view in enumerate(first):
        for key, value in values_of(view).items():
            values[(key, value)].append(i)
    for (key, value), positions in sorted(values.items()):
        files[f"{OUTPUT_DIR}f/{key}/{value}.json"] = _json(_deltas(positions))
    newest = sorted(range(len(first)), key=lambda i: _decided(first[i]), reverse=True)
    files[f"{OUTPUT_DIR}sort/moi.json"] = _json(newest)
    for lang, views, urls in languages:
        base = f"{OUTPUT_DIR}{lang}/"
        words: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i, view in enumerate(views):
            for word in sorted(set(fold_words(searchable_text(view)))):
                words[shard_of(word)][word].append(i)
        for shard, entries in sorted(words.items()):
            files[f"{base}w/{shard}.json"] = _json(
                {word: _deltas(positions) for word, positions in sorted(entries.items())})
        by_name = sorted(range(len(views)), key=lambda i: (ascii_fold(views[i].name), i))
        files[f"{base}sort/ten.json"] = _json(by_name)
        for start in range(0, len(views), CARDS_PER_FILE):
            files[f"{base}c/{start // CARDS_PER_FILE}.json"] = _json([
                card(view, urls, (photos.get(view.product.id) or [None])[0])
                for view in views[start:start + CARDS_PER_FILE]])
        files[f"{base}meta.json"] = _json({"count": len(views), "cards_per_file": CARDS_PER_FILE})
    return files
