"""The domain: products, producers and their certification history, parsed once from records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from site_builder.domain.places import Commune, Province
from site_builder.domain.site_paths import slug
from site_builder.domain.taxonomy import (
    PRODUCER_TYPES,
    REGIMES,
    UNCLASSIFIED,
    UNDETERMINED_TYPE,
    ProducerType,
    ProductSet,
    Regime,
    Sector,
)


@dataclass(frozen=True)
class Text:
    """A text given in Vietnamese and optionally in other languages."""

    vi: str
    en: str | None = None
    more: tuple[tuple[str, str], ...] = ()  # (language, text) for languages beyond English

    @classmethod
    def of(cls, vi: str, translations: dict[str, str | None]) -> Text:
        more = tuple(sorted((lang, text) for lang, text in translations.items()
                            if text and lang not in ("vi", "en")))
        return cls(vi, translations.get("en") or None, more)

    def given(self, lang: str) -> str | None:
        """The text in ``lang`` if the record gives it."""
        if lang == "vi":
            return self.vi
        if lang == "en":
            return self.en
        return dict(self.more).get(lang)

    def get(self, lang: str) -> str:
        """The text in ``lang``, or the Vietnamese text when there is no translation."""
        return self.given(lang) or self.vi


@dataclass(frozen=True)
class Revocation:
    on: date
    decision: str
    reason: str


@dataclass(frozen=True)
class Certification:
    stars: int
    score: float | None
    regime_key: str
    decision: str
    decision_date: date
    authority: str
    valid_until: date
    kind: str  # first | upgrade | re-evaluation
    ocop_code: str | None = None
    revocation: Revocation | None = None
    renewal_filed: date | None = None

    @property
    def regime(self) -> Regime:
        return REGIMES[self.regime_key]


@dataclass(frozen=True)
class Producer:
    name: str
    type_key: str | None  # None until a person settles it (a list may give only a person's name)
    address_on_certificate: str
    province: Province
    commune: Commune | None  # None until a person settles it (an old commune split in 2025)
    representative: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    zalo: str | None = None
    location: tuple[float, float] | None = None  # (latitude, longitude), WGS 84

    @property
    def type(self) -> ProducerType:
        return PRODUCER_TYPES.get(self.type_key or "", UNDETERMINED_TYPE)


@dataclass(frozen=True)
class Photo:
    source: Path  # absolute, checked to lie inside products/
    name: str  # file name inside the product folder
    alt: Text
    width: int = 0  # as displayed, after EXIF rotation
    height: int = 0

    @property
    def stem(self) -> str:
        """What its published files are named after ('Ảnh túi 200g.JPG' -> 'anh-tui-200g'): made
        by the project, never the file's own name, so no dot-file, space or control character
        from a phone's file name reaches the site."""
        return photo_stem(self.name)


def photo_stem(file_name: str) -> str:
    """The published stem of a photo file named ``file_name`` (``Photo.stem``)."""
    return slug(Path(file_name).stem) or "anh"


@dataclass(frozen=True)
class Shop:
    kind: str
    name: str | None
    url: str | None
    address: str | None
    location: tuple[float, float] | None = None  # (latitude, longitude) of a shop one can visit


@dataclass(frozen=True)
class Event:
    """A production or business stage of a batch: what happened, where, when and by whom."""

    step: str
    on: date
    place: str
    gln: str | None = None
    location_code: str | None = None
    actor: str | None = None

    @property
    def location_trace_code(self) -> str | None:
        """The location's trace code (Circular 02/2024 item 5): its GLN, else its own code."""
        return self.gln or self.location_code


@dataclass(frozen=True)
class Area:
    name: str
    code: str | None = None  # planting-area code, kept exactly as issued
    gln: str | None = None


@dataclass(frozen=True)
class Document:
    """A test report, certificate or other paper: a file published with the site, or a link."""

    title: str
    source: Path | None = None  # absolute, checked to lie inside products/
    url: str | None = None
    extension: str = ""  # of a published file, from its checked content: 'pdf', 'jpg', 'png'


@dataclass(frozen=True)
class Batch:
    lot: str
    produced: date
    expires: date | None = None
    best_before: date | None = None
    quantity: str | None = None
    events: tuple[Event, ...] = ()
    areas: tuple[Area, ...] = ()
    standards: tuple[str, ...] = ()
    documents: tuple[Document, ...] = ()
    line: int = 1  # where the batch starts in its record, for messages

    @property
    def use_by(self) -> date | None:
        """The date after which the batch should not be sold or eaten, whichever is given."""
        return self.expires or self.best_before


@dataclass(frozen=True)
class Withdrawal:
    on: date
    reason: str


@dataclass(frozen=True)
class Product:
    id: str
    name: Text
    product_set: ProductSet | None  # None: not yet classified
    story: Text | None  # None: the producer has not provided one yet
    producer: Producer
    certifications: tuple[Certification, ...]  # oldest first
    source: Path  # the record file
    gtin: str | None = None
    photos: tuple[Photo, ...] = ()
    standards: tuple[str, ...] = ()
    shops: tuple[Shop, ...] = ()
    brand: str | None = None
    shelf_life: str | None = None
    batches: tuple[Batch, ...] = ()
    withdrawn: Withdrawal | None = None

    @property
    def latest(self) -> Certification:
        return self.certifications[-1]

    @property
    def sector(self) -> Sector:
        """The product's sector, or ``UNCLASSIFIED`` while its product set is not known."""
        return self.product_set.sector if self.product_set else UNCLASSIFIED


@dataclass
class Catalog:
    products: list[Product] = field(default_factory=list)
    # A digest of each product's record and the files it refers to, for incremental builds.
    digests: dict[str, str] = field(default_factory=dict)
    # The same without the story and batches (records.cache.summary_digest): what listings
    # depend on; each batch's own (lot_digests); the Circular 02/2024 items (traced_digest).
    summaries: dict[str, str] = field(default_factory=dict)
    lots: dict[str, bytes] = field(default_factory=dict)  # packed (records.cache.packed)
    traced: dict[str, str] = field(default_factory=dict)
    # Rows of the Circular 02/2024 table (the product, each batch), and how many are complete.
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Reads a product whole again when ``products`` hold it lean (``records.cache.lean``:
    # its batches without what only its own pages show); None: they are whole.
    whole: Callable[[Product], Product] | None = None

    def by_id(self) -> dict[str, Product]:
        return {p.id: p for p in self.products}

    def whole_product(self, product: Product) -> Product:
        """``product`` with everything its record holds, for the pages that show its batches."""
        return self.whole(product) if self.whole is not None else product
