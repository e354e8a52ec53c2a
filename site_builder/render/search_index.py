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
  then the id) and in newest-decision order, 2 bytes each (4 past 65,536 slots).
- ``<lang>/state.bin``: each product's status and stars, in name order, a byte each (the stars
  shown as current times 16, plus the status's place in ``meta.json``'s ``statuses``): what
  the cards show of it, and the catalog's default order (certified products first, by stars,
  then by name).
- ``<lang>/c/<slot>.json``: what the cards show besides, for products next to each other in
  name order, from the one at that slot (``card_files``: 12 to 32, cut by content), so the
  results of a word, often alike in name, come in few files.
- ``<lang>/meta.json``: the number of products and slots, the statuses, the layout and how
  many cards each card file holds, in name order.

A query fetches one word file per word typed, one file per filter value ticked, the meta, name
order and state files, the newest-first order if asked, and the card files of the cards shown
(``catalog.js``).
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
SHARD_LETTERS = 3
CARDS_MIN = 12  # a card file ends no earlier (see ``card_files``)
CARDS_MAX = 32  # and here even without a product that ends it
_CARDS_SPREAD = 8  # one product in 8 ends a card file: about 12 + 8 = 20 cards a file
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


def card_files(views: list[ProductView]) -> list[list[ProductView]]:
    """Products in name order cut into card files by content, as the listings' pages are
    (``output/listing_pages.py``): a file ends after a product whose id says so once it has
    CARDS_MIN cards, or at CARDS_MAX; a last file shorter than CARDS_MIN joins the one before.
    Results near each other by name share a file, and one product more or less changes its own
    file (and, when it ends one, the next)."""
    files: list[list[ProductView]] = []
    current: list[ProductView] = []
    for view in views:
        current.append(view)
        if len(current) >= CARDS_MAX or (len(current) >= CARDS_MIN
                                        and _ends_card_file(view.product.id)):
            files.append(current)
            current = []
    if current and files and len(current) < CARDS_MIN:
        files[-1].extend(current)
    elif current:
        files.append(current)
    return files


def _ends_card_file(product_id: str) -> bool:
    digest = hashlib.blake2b(product_id.encode(), digest_size=8, person=b"cards").digest()
    return int.from_bytes(digest, "big") % _CARDS_SPREAD == 0


def build_search_index(languages: list[tuple[str, list[ProductView]]],
                       photos: dict[str, list]) -> dict[str, bytes]:
    """The index files, as site paths and contents, from each language's products (the same
    products in every language), each at its slot (``product_slots``) in every language, so
    the filters and the newest-first order are shared."""
    files: dict[str, bytes] = {}
    first = languages[0][1]
    slot_of, count = product_slots({v.product.id: seniority(v) for v in first})
    values: dict[tuple[str, str], list[int]] = defaultdict(list)
    for view in sorted(first, key=lambda v: slot_of[v.product.id]):
        for key, value in values_of(view).items():
            values[(key, value)].append(slot_of[view.product.id])
    for (key, value), members in sorted(values.items()):
        files[f"{OUTPUT_DIR}f/{key}/{value}.json"] = _json(product_set(members, count))
    newest = sorted(first, key=lambda v: (_decided(v), v.product.id), reverse=True)
    files[f"{OUTPUT_DIR}sort/moi.bin"] = _order([slot_of[v.product.id] for v in newest], count)
    for lang, views in languages:
        _language_files(files, f"{OUTPUT_DIR}{lang}/", views, slot_of, count, photos)
    return files


def _language_files(files: dict[str, bytes], base: str, views: list[ProductView],
                    slot_of: dict[str, int], count: int, photos: dict[str, list]) -> None:
    """One language's words, name order, states, cards and meta."""
    words: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for view in sorted(views, key=lambda v: slot_of[v.product.id]):
        for word in sorted(set(fold_words(searchable_text(view)))):
            words[shard_of(word)][word].append(slot_of[view.product.id])
    for shard, entries in sorted(words.items()):
        files[f"{base}w/{shard}.json"] = _json(
            {word: product_set(members, count) for word, members in sorted(entries.items())})
    by_name = sorted(views, key=lambda v: (ascii_fold(v.name), v.product.id))
    files[f"{base}sort/ten.bin"] = _order([slot_of[v.product.id] for v in by_name], count)
    files[f"{base}state.bin"] = bytes(_state(view) for view in by_name)
    cut = card_files(by_name)
    for group in cut:
        files[f"{base}c/{slot_of[group[0].product.id]}.json"] = _json([
            card(view, (photos.get(view.product.id) or [None])[0]) for view in group])
    files[f"{base}meta.json"] = _json({
        "count": len(views), "slots": count, "shard_letters": SHARD_LETTERS,
        "order_bytes": 2 if count <= 0x10000 else 4, "statuses": STATUSES,
        "card_files": [len(group) for group in cut]})
