"""Which product a lot-log row names. People name a product by its record id, its OCOP code, its
GTIN (13 digits, or 14 with the leading zero, or a number Excel made of it) or its name, with the
producer where two products share a name; any of these may stand in any product column. A name
that fits several products is a question listing them; a name that fits none is a problem with
the closest names. A name the sheet writes shorter or with a slip ("Mật ong hoa nhãn" for "Mật
ong hoa nhãn Mỹ Sơn") is matched when it fits one product only, and the review says so."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from site_builder.problems import Message
from site_builder.sheets import texts
from site_builder.sheets.drafts import name_key

NEAR_RATIO = 0.85  # a name this close to one product's (and to no other) is taken for it
SUGGEST_RATIO = 0.45


@dataclass(frozen=True)
class Known:
    """What identifies a product of the catalog (or one a product sheet is about to add)."""

    id: str
    name: str
    producer: str
    gtin: str | None = None  # as 14 digits
    ocop_codes: tuple[str, ...] = ()
    lots: tuple[str, ...] = ()  # the lot codes its record holds

    def shown(self) -> str:
        return f"{self.id} ({self.name} — {self.producer})"


@dataclass
class Found:
    """The product a row names (``id``), or why none: ``code`` names the problem in the
    importer's catalogue and ``candidates`` lists the products it could be."""

    id: str | None
    how: Message | None = None  # how it was found, where the review should say
    code: str = ""
    candidates: list[Known] = field(default_factory=list)
    text: str = ""  # what the row wrote

    @property
    def question(self) -> bool:
        return self.code == "product_ambiguous"


def gtin14(text: str) -> str | None:
    digits = re.sub(r"[\s.-]", "", text)
    return digits.zfill(14) if re.fullmatch(r"\d{8}|\d{12,14}", digits) else None


class ProductFinder:
    """Looks products up by every way a row may name them; answers are remembered per text
    (a log of 10,000 lots names a few hundred products)."""

    def __init__(self, known: list[Known], broken: set[str] | frozenset[str] = frozenset()) -> None:
        self.known = {k.id: k for k in known}
        self.broken = broken  # ids whose record ocop check refuses: named so, never "unknown"
        self.by_gtin = {k.gtin: k.id for k in known if k.gtin}
        self.by_code = {_code_key(c): k.id for k in known for c in k.ocop_codes}
        self.by_name: dict[str, list[str]] = {}
        for k in known:
            self.by_name.setdefault(name_key(k.name), []).append(k.id)
        self.by_lot: dict[str, list[str]] = {}
        for k in known:
            for lot in k.lots:
                self.by_lot.setdefault(lot.casefold(), []).append(k.id)
        self._names = list(self.by_name)
        self._cache: dict[tuple[tuple[str, ...], str], Found] = {}

    def find(self, given: list[str], producer: str = "") -> Found:
        """The product named by the texts of a row's product columns (id, code, GTIN or name, in
        that order of trust) and its producer."""
        given = [g for g in (" ".join(str(t).split()) for t in given) if g]
        key = (tuple(given), producer)
        if key not in self._cache:
            self._cache[key] = self._find(given, producer)
        return self._cache[key]

    def _find(self, given: list[str], producer: str) -> Found:
        exact = [(text, found) for text in given if (found := self._exact(text))]
        named = [(text, self._by_name(text, producer)) for text in given if not self._exact(text)]
        if exact:
            text, product_id = exact[0]
            for _, other in exact[1:] + [(t, f.id) for t, f in named
                                                   if f.id and f.how is None]:
                if other and other != product_id:
                    return Found(None, code="product_conflict", text=text,
                                 candidates=[self.known[product_id], self.known[other]])
            return Found(product_id, text=text)
        if broken := next((t for t in given if t in self.broken), None):
            return Found(None, code="product_record_broken", text=broken)  # never a near name
        if not named:
            return Found(None, code="product_missing")
        return named[0][1]

    def _exact(self, text: str) -> str | None:
        """The id a text names outright: a record id, an OCOP code or a GTIN."""
        if text in self.known:
            return text
        if (found := self.by_code.get(_code_key(text))) is not None:
            return found
        gtin = gtin14(text)
        return self.by_gtin.get(gtin) if gtin else None

    def _by_name(self, text: str, producer: str) -> Found:
        key = name_key(text)
        ids = self.by_name.get(key, [])
        if len(ids) > 1 and producer:
            ids = self._of_producer(ids, producer) or ids
        if len(ids) == 1:
            return Found(ids[0], text=text)
        if ids:
            return Found(None, code="product_ambiguous", text=text,
                         candidates=[self.known[i] for i in ids])
        near = self._near(key)
        if producer and len(near) > 1:
            near = self._of_producer(near, producer) or near
        if len(near) == 1:
            known = self.known[near[0]]
            return Found(known.id, texts.message("product_near", text=text, name=known.name),
                         text=text)
        if near:
            return Found(None, code="product_ambiguous", text=text,
                         candidates=[self.known[i] for i in near])
        closest = difflib.get_close_matches(key, self._names, n=3, cutoff=SUGGEST_RATIO)
        return Found(None, code="product_unknown", text=text,
                     candidates=[self.known[i] for k in closest for i in self.by_name[k]][:3])

    def _near(self, key: str) -> list[str]:
        """Products whose name holds the written words in order, or differs by a slip."""
        if len(key) < 4:
            return []
        padded = f" {key} "
        ids = [i for name, found in self.by_name.items() if padded in f" {name} " for i in found]
        if not ids:
            close = difflib.get_close_matches(key, self._names, n=5, cutoff=NEAR_RATIO)
            ids = [i for name in close for i in self.by_name[name]]
        return list(dict.fromkeys(ids))

    def _of_producer(self, ids: list[str], producer: str) -> list[str]:
        """The products of ``ids`` whose producer's name holds every word written ("HTX Mỹ Sơn"
        for "HTX Nông nghiệp Mỹ Sơn"), or is held by it."""
        wanted = set(name_key(producer).split())
        return [i for i in ids if wanted and (wanted <= set(name_key(self.known[i].producer).split())
                                              or set(name_key(self.known[i].producer).split())
                                              <= wanted)]

    def in_title(self, lines: list[str]) -> Found | None:
        """The one product a title row names ("SỔ THEO DÕI LÔ - MẬT ONG HOA NHÃN MỸ SƠN"), or
        None when the titles name none or several."""
        keys = [f" {name_key(line)} " for line in lines]
        hits = {i for name, found in self.by_name.items() if len(name) >= 6
                for i in found if any(f" {name} " in k for k in keys)}
        if len(hits) != 1:
            return None
        return Found(hits.pop())

    def lot_owners(self, lot: str) -> list[str]:
        """The products whose records already hold this lot code."""
        return self.by_lot.get(lot.casefold(), [])


def _code_key(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()
