"""The catalog's search and filter index: small static files a browser fetches per query.

Why not Pagefind: measured at 20,000 products (bench/search_weight.py), Pagefind's per-language
metadata file alone is 300 KB with our sort orders, 100 KB without, and a filter-only query
(no words) fetches every index chunk, 2.6 MB. This index keeps to what the catalog needs and
keeps every query's download small whatever the size of the catalog.

Each product has a slot, a number worked out from its id alone (``product_slots``), so adding,
removing or editing one product changes the word and filter files that hold it, its card file
and the few files that list every product (state, sorts, meta), not the files of the products
after it, as numbering products by name did (about 800 of 1,000 files changed at 2,000
products, ``bench/search_churn.py``). Slots are at least twice as many as products, so a
product's first choice (a hash of its id) is mostly free. A set of products is written as
delta-coded slots ([3, 7, 8] as [3, 4, 1]) or, when it holds more than one slot in sixteen, as
a bitset in base64 (4 KB at 20,000 products, however many it holds).

- ``f/<filter>/<value>.json``: the products having that value (``facets.py``).
- ``<lang>/w/<abc>.json``: the words starting with ``abc`` (shorter words: the word itself),
  each with its products. Words are folded: lower case, no diacritics, "đ" as "d", so "banh
  trang", "BÁNH TRÁNG" and "bánh tráng" are the same words, and "ca phe" finds "Cà phê" (the
  page folds what is typed the same way).
- ``<lang>/sort/ten.bin`` and ``sort/moi.bin``: the slots in name order (the language's name,
  then the id) and in newest-decision order, 2 bytes each (4 past 65,536 slots): for those
  sorts, and ``ten.bin`` for the default order's names.
- ``state.bin``: each slot's product's status and stars, a byte a slot (the stars shown as
  current times 16, plus the status's place in ``meta.json``'s ``statuses``; EMPTY for a slot
  without a product): what the cards show of it, and the catalog's default order (certified
  products first, by stars, then by name).
- ``<lang>/c/<n>.json``: what a card shows besides, for SLOTS_PER_FILE slots a file (0 for an
  empty slot; a file without a product is not written).
- ``<lang>/meta.json``: the number of products and slots, the statuses and the layout.

A query fetches one word file per word typed, one file per filter value ticked, the state
file, a sort file (the name order for the default order), and the card files of the cards
shown (``catalog.js``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from array import array
from collections import defaultdict
from datetime import date

from site_builder.domain.places import ascii_fold
from site_builder.domain.rules import Status
from site_builder.render.facets import values_of
from site_builder.render.views import ProductView

OUTPUT_DIR = "search/"
SLOTS_PER_FILE = 64
SHARD_LETTERS = 3
EMPTY = 0xFF  # state.bin's byte for a slot without a product
_WORD = re.compile(r"[a-z0-9]+")
_FIRST_SLOTS = 64
_HASHED_ROUNDS = 32


def fold_words(text: str) -> list[str]:
    """'Bánh tráng Trảng Bàng' -> ['banh', 'trang', 'trang', 'bang'] (as catalog.js folds)."""
    return _WORD.findall(ascii_fold(text))


def shard_of(word: str) -> str:
    """The word file a word lives in: its first three letters."""
    return word[:SHARD_LETTERS]


def slot_count(products: int) -> int:
    """How many slots ``products`` products are given: the first of 64, 96, 128, 192, 256, 384 ...
    (powers of two and one and a half times them) that is at least twice as many. It changes
    only when the catalog grows or shrinks by a third or a half: then every product moves."""
    slots = _FIRST_SLOTS
    while slots < 2 * products:
        slots = slots * 3 // 2 if slots & (slots - 1) == 0 else slots * 4 // 3
    return slots


def _choice(product_id: str, round_: int, slots: int) -> int:
    """The slot a product asks for in a round: a hash of its id and the round."""
    hashed = hashlib.blake2b(f"{product_id}/{round_}".encode(), digest_size=8).digest()
    return int.from_bytes(hashed, "little") % slots


def product_slots(seniority: dict[str, tuple]) -> tuple[dict[str, int], int]:
    """Each product's slot, by id, and the number of slots, from the products' ids and
    seniority (lower first) alone.

    In each round, every product not yet placed asks for the slot its id hashes to in that
    round; a free slot goes to the most senior of those asking, the others ask again in the
    next round. So a product keeps its slot whatever other products come and go, unless one
    more senior asks for the same slot first; and a product removed frees its slot for the
    one that lost it to it, if any. Seniority is the first certification's date: a product new
    to the catalog is the youngest and takes no one's slot."""
    slots = slot_count(len(seniority))
    taken: dict[int, str] = {}
    waiting = sorted(seniority, key=lambda product_id: (seniority[product_id], product_id))
    for round_ in range(_HASHED_ROUNDS):
        losers = []
        for product_id in waiting:  # most senior first
            choice = _choice(product_id, round_, slots)
            if choice in taken:
                losers.append(product_id)
            else:
                taken[choice] = product_id
        waiting = losers
        if not waiting:
            break
    for product_id in waiting:  # past the hashed rounds (never seen): the next free slot
        choice = _choice(product_id, _HASHED_ROUNDS, slots)
        while choice in taken:
            choice = (choice + 1) % slots
        taken[choice] = product_id
    return {product_id: slot for slot, product_id in taken.items()}, slots


def seniority(view: ProductView) -> tuple[date, str]:
    """Which of two products asking for the same slot gets it: the one certified first."""
    certifications = view.product.certifications
    first = min((c.decision_date for c in certifications), default=date.max)
    return first, view.product.id


def product_set(slots: list[int], count: int) -> list[int] | str:
    """Ascending slots (of ``count``), as deltas ([3, 7, 8] -> [3, 4, 1]) or, for a set holding
    more than one slot in sixteen, a base64 bitset (bit i of byte i // 8 is slot i)."""
    if len(slots) * 16 <= count:
        return [b - a for a, b in zip([0, *slots], slots, strict=False)]
    bits = bytearray((count + 7) // 8)
    for i in slots:
        bits[i >> 3] |= 1 << (i & 7)
    return base64.b64encode(bytes(bits)).decode("ascii")


def _order(numbers: list[int], slots: int) -> bytes:
    """Slots as little-endian integers of 2 bytes, or 4 past 65,536 slots."""
    packed = array("H" if slots <= 0x10000 else "I", numbers)
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


def _decided(view: ProductView) -> str:
    current = view.status.current
    return current.certification.decision_date.isoformat() if current else ""


def build_search_index(languages: list[tuple[str, list[ProductView]]],
                       photos: dict[str, list]) -> dict[str, bytes]:
    """The index files, as site paths and contents, from each language's products (the same
    products in the same order in every language), each at its slot (``product_slots``) in
    every language, so the filters and the newest-first order are shared."""
    files: dict[str, bytes] = {}
    first = languages[0][1]
    slot_of, count = product_slots({v.product.id: seniority(v) for v in first})
    by_slot = sorted(range(len(first)), key=lambda i: slot_of[first[i].product.id])
    languages = [(lang, [views[i] for i in by_slot]) for lang, views in languages]
    first = languages[0][1]
    slots = [slot_of[view.product.id] for view in first]
    state = bytearray([EMPTY]) * count
    for slot, view in zip(slots, first, strict=True):
        state[slot] = _state(view)
    files[f"{OUTPUT_DIR}state.bin"] = bytes(state)
    values: dict[tuple[str, str], list[int]] = defaultdict(list)
    for slot, view in zip(slots, first, strict=True):
        for key, value in values_of(view).items():
            values[(key, value)].append(slot)
    for (key, value), members in sorted(values.items()):
        files[f"{OUTPUT_DIR}f/{key}/{value}.json"] = _json(product_set(members, count))
    newest = sorted(range(len(first)), key=lambda i: (_decided(first[i]), first[i].product.id),
                    reverse=True)
    files[f"{OUTPUT_DIR}sort/moi.bin"] = _order([slots[i] for i in newest], count)
    for lang, views in languages:
        _language_files(files, f"{OUTPUT_DIR}{lang}/", views, slots, count, photos)
    return files


def _language_files(files: dict[str, bytes], base: str, views: list[ProductView],
                    slots: list[int], count: int, photos: dict[str, list]) -> None:
    """One language's words, name order, cards and meta, for ``views`` at ``slots``."""
    words: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for slot, view in zip(slots, views, strict=True):
        for word in sorted(set(fold_words(searchable_text(view)))):
            words[shard_of(word)][word].append(slot)
    for shard, entries in sorted(words.items()):
        files[f"{base}w/{shard}.json"] = _json(
            {word: product_set(members, count) for word, members in sorted(entries.items())})
    by_name = sorted(range(len(views)), key=lambda i: (ascii_fold(views[i].name),
                                                        views[i].product.id))
    files[f"{base}sort/ten.bin"] = _order([slots[i] for i in by_name], count)
    cards: dict[int, list] = defaultdict(lambda: [0] * SLOTS_PER_FILE)
    for slot, view in zip(slots, views, strict=True):
        cards[slot // SLOTS_PER_FILE][slot % SLOTS_PER_FILE] = card(
            view, (photos.get(view.product.id) or [None])[0])
    for n, group in sorted(cards.items()):
        while group[-1] == 0:
            group.pop()
        files[f"{base}c/{n}.json"] = _json(group)
    files[f"{base}meta.json"] = _json({
        "count": len(views), "slots": count, "slots_per_file": SLOTS_PER_FILE,
        "shard_letters": SHARD_LETTERS, "order_bytes": 2 if count <= 0x10000 else 4,
        "empty": EMPTY, "statuses": STATUSES})
