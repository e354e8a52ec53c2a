"""The shape of a product record (``products/<id>/product.yml``), declared once.

Pydantic checks types, required fields and unknown fields, and gives each error a field path
that the loader maps back to a line. It also yields the JSON Schema editors use to autocomplete
records. Rules that relate several fields live in ``validate.py``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"
# A lot code (GS1 AI 10 allows up to 20 characters) restricted to characters that need no
# escaping in a URL or a file name, so the batch page lives at a predictable address.
LOT_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,18}[A-Za-z0-9])?$"
HTTPS_URL = r"^https://[^\s<>\"']+$"
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _parse_date(value: object) -> object:
    """Accept only ISO dates written as text (YYYY-MM-DD); the loader keeps dates as text."""
    if isinstance(value, date):
        return value
    found = _DATE.match(value.strip()) if isinstance(value, str) else None
    if found is None:
        raise ValueError("date_format")
    year, month, day = (int(x) for x in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("date_impossible") from None


def _regime_text(value: object) -> object:
    return str(value).strip().replace(" ", "") if isinstance(value, (int, str)) else value


# Characters no one means to publish in a text: control characters (NUL, BEL, ESC...; line
# breaks and tabs are layout) and the bidirectional embeddings, overrides and isolates, which
# show a name reversed on the page ("Mật ong\u202e gnôm").
_HIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(value: str) -> str:
    if match := _HIDDEN.search(value):
        raise ValueError(f"text_hidden_character {ord(match.group()):04X}")
    if not any(char.isprintable() and not char.isspace() for char in value):
        raise ValueError("text_invisible")  # only zero-width spaces or marks: shows as nothing
    return value


IsoDate = Annotated[date, BeforeValidator(_parse_date)]
Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_visible)]
LongText = Annotated[str, Field(min_length=1, max_length=20000), AfterValidator(_visible)]
FileName = Annotated[str, Field(min_length=1, max_length=2000)]  # validate.py names its problems


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# Languages a record may give its texts in besides Vietnamese (manual/site.md, "Languages").
EXTRA_LANGUAGES = ("en", "zh", "ko", "ja")


class LocalizedName(Record):
    vi: Text
    en: Text | None = None
    zh: Text | None = None
    ko: Text | None = None
    ja: Text | None = None


class LocalizedStory(Record):
    vi: LongText
    en: LongText | None = None
    zh: LongText | None = None
    ko: LongText | None = None
    ja: LongText | None = None


class RevocationRecord(Record):
    date: IsoDate
    decision: Text
    reason: Text


class CertificationRecord(Record):
    stars: StrictInt
    score: float | None = Field(default=None, ge=0, le=100)
    regime: Annotated[Literal["1048", "148", "148+1489", "26"], BeforeValidator(_regime_text)]
    decision: Text
    decision_date: IsoDate
    authority: Text
    valid_until: IsoDate | None = None
    kind: Literal["first", "upgrade", "re-evaluation"] = "first"
    ocop_code: Text | None = None
    renewal_filed: IsoDate | None = None
    revocation: RevocationRecord | None = None


class LocationRecord(Record):
    """A point in WGS 84 degrees, as a map application gives it (lat: 11.73, lon: 108.82).
    The bounds hold the mainland and the islands (Phú Quốc, Côn Đảo, Hoàng Sa, Trường Sa)."""

    lat: float = Field(ge=8.0, le=24.0)
    lon: float = Field(ge=102.0, le=118.0)


class ProducerRecord(Record):
    name: Text
    # Optional: a list may name a person, which does not tell the type (see to_confirm).
    type: Literal["cooperative", "cooperative_group", "enterprise", "household", "farm",
                  "association"] | None = None
    address_on_certificate: Text
    province: Text
    # Optional: an imported annex may name a pre-2025 commune that was split between new ones,
    # which a person has to settle (see ProductRecord.to_confirm).
    commune: Text | None = None
    representative: Text | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 .()-]{6,20}$")] | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")] | None = None
    website: Annotated[str, Field(pattern=r"^https?://[^\s<>\"']+$")] | None = None
    zalo: Annotated[str, Field(pattern=r"^[0-9]{9,11}$")] | None = None
    location: LocationRecord | None = None


class PhotoRecord(Record):
    file: FileName
    alt: LocalizedName | None = None


class ShopRecord(Record):
    kind: Literal["shopee", "lazada", "tiki", "postmart", "voso", "tiktok", "zalo", "facebook",
                  "website", "store"]
    name: Text | None = None
    url: Annotated[str, Field(pattern=HTTPS_URL)] | None = None
    address: Text | None = None
    location: LocationRecord | None = None


class EventRecord(Record):
    """One production or business stage of a batch (Circular 02/2024: what, where, when)."""

    step: Text
    date: IsoDate
    place: Text
    gln: str | None = None
    location_code: Text | None = None
    actor: Text | None = None


class AreaRecord(Record):
    """A raw-material area; ``code`` is a planting-area code (mã số vùng trồng), verbatim."""

    name: Text
    code: Text | None = None
    gln: str | None = None


class DocumentRecord(Record):
    title: Text
    file: FileName | None = None
    url: Annotated[str, Field(pattern=HTTPS_URL)] | None = None


class BatchRecord(Record):
    lot: Annotated[str, Field(pattern=LOT_PATTERN)]
    produced: IsoDate
    expires: IsoDate | None = None
    best_before: IsoDate | None = None
    quantity: Text | None = None
    events: list[EventRecord] = Field(default_factory=list)
    areas: list[AreaRecord] = Field(default_factory=list)
    standards: list[Text] = Field(default_factory=list)
    documents: list[DocumentRecord] = Field(default_factory=list)


class WithdrawalRecord(Record):
    date: IsoDate
    reason: Text


# ``to_confirm``: a field path ("producer.commune") and what is still to be decided about it.
FieldPathText = Annotated[str, Field(min_length=1, max_length=100)]
ConfirmText = Annotated[str, Field(min_length=1, max_length=500)]


class ProductRecord(Record):
    """A product. Only what decides its certification status is required beyond its name and
    producer: a product listed in a decision annex can be published before its producer sends
    a story or photos, before its product set is known, and before its commune is settled."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: LocalizedName
    product_set: Annotated[StrictInt, Field(ge=1, le=26)] | None = None
    story: LocalizedStory | None = None
    producer: ProducerRecord
    certifications: list[CertificationRecord] = Field(min_length=1)
    gtin: str | None = None
    photos: list[PhotoRecord] = Field(default_factory=list)
    standards: list[Text] = Field(default_factory=list)
    where_to_buy: list[ShopRecord] = Field(default_factory=list)
    brand: Text | None = None
    shelf_life: Text | None = None
    batches: list[BatchRecord] = Field(default_factory=list)
    withdrawn: WithdrawalRecord | None = None
    # Where an imported value came from or what is still to be decided, by field path; a person
    # deletes an entry once confirmed. `ocop check` lists each as a note; pages never show it.
    to_confirm: dict[FieldPathText, ConfirmText] = Field(
        default_factory=dict,
        description="Giá trị cần người xác nhận, theo đường dẫn trường (ví dụ producer.commune); "
                    "xóa mục khi đã xác nhận. / Values a person has to confirm, by field path; "
                    "delete an entry once confirmed.")


def json_schema() -> dict:
    """The JSON Schema of a record, for editors (yaml-language-server) and open data."""
    schema = ProductRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Hồ sơ sản phẩm OCOP / OCOP product record"
    return schema
