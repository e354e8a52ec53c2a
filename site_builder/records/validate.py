"""Load every record under ``products/``, check it against the OCOP rules, build the catalog.

Returns the catalog together with *all* problems found, never stopping at the first one.
"""

from __future__ import annotations

import difflib
import io
import os
import pickle
import re
import stat
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol

from PIL import Image, UnidentifiedImageError
from pydantic import ValidationError

from site_builder.config import SiteConfig
from site_builder.domain import places
from site_builder.domain.gtin import gln_problem, gtin_problem
from site_builder.domain.model import (
    Area,
    Batch,
    Catalog,
    Certification,
    Document,
    Event,
    Photo,
    Producer,
    Product,
    Revocation,
    Shop,
    Text,
    Withdrawal,
    photo_stem,
)
from site_builder.domain.rules import (
    default_valid_until,
    expected_issuer,
    is_ocop_rating,
    issuer_level,
    regimes_issued_by,
    stars_match_score,
    status_on,
)
from site_builder.domain.site_paths import control_character, reserved, shown
from site_builder.domain.stamp_codes import short_path
from site_builder.domain.taxonomy import PRODUCT_SETS, REGIMES, Regime
from site_builder.domain.traceability import all_completeness
from site_builder.problems import Message, Problem, Problems, catalogue
from site_builder.progress import Progress, Quiet
from site_builder.records.cache import Entry, FilesRead, RecordCache, file_read, make_entry
from site_builder.records.cache import lean as lean_product
from site_builder.records.parallel import check_all
from site_builder.records.paths import RECORD_NAME as RECORD_NAME  # noqa: PLC0414 - its old home
from site_builder.records.paths import record_paths as record_paths  # noqa: PLC0414
from site_builder.records.schema import (
    EXTRA_LANGUAGES,
    BatchRecord,
    CertificationRecord,
    LocalizedName,
    LocalizedStory,
    ProductRecord,
)
from site_builder.records.yaml_loader import FieldPath, LoadedYaml, field_path_text, load_yaml

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PHOTO_PIXELS = 40_000_000
MAX_PHOTO_BYTES = 15_000_000
ORIENTATION_TAG = 0x0112  # EXIF: 5-8 mean the picture is shown turned a quarter
MAX_DOCUMENT_BYTES = 10_000_000
# What a published document may be, recognised by its first bytes; its name must say the same.
DOCUMENT_SIGNATURES = {b"%PDF-": "PDF", b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}
# The extensions a document of each kind may be named with; the first is the one it is
# published with (the published name is the project's: ``render.views.document_names``).
DOCUMENT_EXTENSIONS = {"PDF": ("pdf",), "JPEG": ("jpg", "jpeg"), "PNG": ("png",)}

Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS  # larger images raise DecompressionBombError


class Report(Protocol):
    """Reports a problem with the field at a path of the record being read, by message code."""

    def __call__(self, at: FieldPath, code: str, /, **values: object) -> None: ...


def load_catalog(config: SiteConfig, progress: Progress | None = None,
                 traceability_notes: bool = True,
                 paths: list[str] | None = None, lean: bool = False,
                 seen: dict[str, tuple[int, int]] | None = None) -> tuple[Catalog, Problems]:
    """``traceability_notes`` adds the Circular 02/2024 gaps as notes (``ocop check`` prints
    them; a build does not need them). ``lean``: the catalog's products without what only
    their own pages show of their batches (``cache.lean``), each read whole again when asked
    (``Catalog.whole``), as a build of a national catalog does: its lots by the hundred
    thousand held whole took gigabytes. ``seen``: the sizes and times of files this build has
    already looked at (``RecordCache.get``)."""
    problems = Problems()
    products_dir = config.products_dir
    if not products_dir.is_dir():
        problems.error(products_dir, 1, "", "products_folder_missing")
        return Catalog(), problems
    catalog = Catalog()
    cache = RecordCache.open(config)
    paths = record_paths(products_dir) if paths is None else paths
    progress = progress or Quiet()
    progress.start("validate", len(paths))
    entries = {path: cache.get(path, seen) for path in paths}
    if lean:
        cached = _read_lean(cache, [path for path, entry in entries.items() if entry is not None])
    else:
        cached = cache.products([path for path, entry in entries.items() if entry is not None])
    progress.advance(len(cached))
    unchecked = [path for path in paths if path not in cached]
    # Taken as they come: a first build checks every record, and holds none whole when lean.
    _resolved.cache_clear()  # before the workers are forked
    checked = check_all(unchecked, partial(_checked, config=config), progress, _sent)
    records: dict[str, str] = {}  # product id -> record, for ``Catalog.whole``
    for path in paths:
        entry = entries[path] if path in cached else None
        if entry is None:
            product, found, entry, data = next(checked)
            problems.extend(found)
            if product is None and data:  # from a worker process (``_sent``)
                product = pickle.loads(data)
            if product is None:
                continue
            if found.errors or entry is None:
                catalog.products.append(product)
                continue
            if lean:
                cache.store(path, entry, product, data)
                product = lean_product(product)
            else:
                cache.add(path, entry, product, data)
            catalog.products.append(product)
        else:
            catalog.products.append(cached[path])
            problems.items.extend(entry.problems)
        records[entry.id] = path
        catalog.digests[entry.id] = entry.fingerprint
        catalog.summaries[entry.id] = entry.summary or entry.fingerprint
        catalog.lots[entry.id] = entry.lots
        catalog.traced[entry.id] = entry.traced
        if entry.rows != (0, 0):  # (0, 0): an entry of a cache from before rows were kept
            catalog.rows[entry.id] = entry.rows
    next(checked, None)  # its last step: the worker processes end before the cache is saved
    progress.done()
    cache.keep_only(paths)
    cache.save()
    if lean:
        catalog.whole = _whole(cache, records, config)
    _check_catalog(catalog, problems, config.short_addresses)
    catalog.products.sort(key=lambda p: p.id)
    if traceability_notes:
        _note_missing_content(catalog, problems)
        _note_traceability_gaps(catalog, problems)
    return catalog, problems


def _read_lean(cache: RecordCache, records: list[str]) -> dict[str, Product]:
    """The cached products of ``records``, each made lean as soon as it is read."""
    found = {}
    for record in records:
        product = cache.product(record, keep=False)
        if product is not None:
            found[record] = lean_product(product)
    return found


def _whole(cache: RecordCache, records: dict[str, str], config: SiteConfig
           ) -> Callable[[Product], Product]:
    """What reads a lean product whole again (``Catalog.whole``): from the record cache's
    table, or, should it lose the product, from its record, checked again."""
    stored = cache.stored()

    def whole(product: Product) -> Product:
        record = records.get(product.id)
        if record is None:  # a record with errors: never made lean
            return product
        found = stored.read(record) if stored is not None else None
        if found is None:
            found, _ = check_record(Path(record), config)
        if found is None:
            raise RecordChanged(record)
        return found

    return whole


class RecordChanged(Exception):
    """A record that was valid when the build read it no longer is (edited while it ran, and
    the record cache lost what the build had read)."""

    def __init__(self, record: str) -> None:
        super().__init__(record)  # picklable: raised in worker processes too
        self.record = record

    def __str__(self) -> str:
        return catalogue().message("record_changed_in_build", record=self.record).both()


# Codes of the kinds of problem `ocop check` counts and groups (Problem.code).
UNTRANSLATED_CODE, TO_CONFIRM_CODE, MISSING_CODE, TRACEABILITY_CODE = (
    "untranslated", "to_confirm", "missing", "traceability")


def note_kind(note: Problem) -> str:
    """'to_confirm', 'missing' or 'traceability': the heading `ocop check` lists a note under
    (a product's gaps and a lot's, ``traceability`` and ``traceability_lot``, share one)."""
    return note.code if note.code in (TO_CONFIRM_CODE, MISSING_CODE) else TRACEABILITY_CODE


def missing_content(product: Product) -> list[tuple[str, str]]:
    """What a published product still lacks that its producer or the office should supply,
    as (Vietnamese, English) words; nothing here stops a build."""
    producer = product.producer
    checks = (
        (product.story is None, "word_story"),
        (not product.photos, "word_photos"),
        (not (producer.phone or producer.email or producer.zalo), "word_phone"),
        (not product.gtin, "word_gtin"),
        (product.product_set is None, "word_product_set"),
        (producer.commune is None, "word_commune"),
        (producer.type_key is None, "word_producer_type"),
    )
    words = [catalogue().message(code) for absent, code in checks if absent]
    return [(word.vi, word.en) for word in words]


def _note_missing_content(catalog: Catalog, problems: Problems) -> None:
    """One terse note per product listing what it lacks (code ``missing``)."""
    for product in catalog.products:
        missing = missing_content(product)
        if missing:
            items = Message(", ".join(vi for vi, _ in missing), ", ".join(en for _, en in missing))
            problems.note(product.source, 1, "", MISSING_CODE, items=items)


def _note_traceability_gaps(catalog: Catalog, problems: Problems) -> None:
    for row in all_completeness(catalog.products):
        if row.complete:
            continue
        items = Message(", ".join(f"{item.number} ({item.short_vi})" for item in row.missing),
                        ", ".join(f"{item.number} ({item.short_en})" for item in row.missing))
        if row.batch is None:
            problems.note(row.product.source, 1, "", TRACEABILITY_CODE, items=items)
        else:
            index = row.product.batches.index(row.batch)
            problems.note(row.product.source, row.batch.line, field_path_text(("batches", index)),
                          "traceability_lot", lot=row.batch.lot, items=items)


# --- one record -----------------------------------------------------------------------------


# A record checked: its product, its problems, and when it is valid what the cache keeps of
# it, its entry and its product pickled.
Checked = tuple[Product | None, Problems, Entry | None, bytes]


def _checked(path: str, config: SiteConfig) -> Checked:
    """A record checked, in a worker process when there are many. A valid record's product is
    pickled once, here, for the cache's table (``RecordCache.store``): a worker sends only these
    bytes (``_sent``), which the build's process unpickles once (sent as an object, it was
    unpickled there, then pickled again for the table)."""
    found = Problems()
    files: FilesRead = {}
    product = _load_product(Path(path), config, found, files)
    if product is None or found.errors:
        return product, found, None, b""
    entry = make_entry(Path(path), product, found.items, config.today(), files)
    if entry is None:
        return product, found, None, b""
    return product, found, entry, pickle.dumps(product, pickle.HIGHEST_PROTOCOL)


def _sent(checked: Checked) -> Checked:
    """What a worker process sends of a checked record: a valid one's product only pickled."""
    product, found, entry, data = checked
    return (None if data else product), found, entry, data


def check_record(path: Path, config: SiteConfig, files: FilesRead | None = None
                 ) -> tuple[Product | None, Problems]:
    """One record read and checked on its own (the checks across records, such as duplicate
    GTINs, are ``load_catalog``'s). ``files``: what the check read of each file is added to
    it, for the record cache (``RecordCache.put``)."""
    problems = Problems()
    _resolved.cache_clear()  # a long-running process (the editor) may find the folder moved
    return _load_product(path, config, problems, files), problems


def _load_product(path: Path, config: SiteConfig, problems: Problems,
                  files: FilesRead | None = None) -> Product | None:
    """``files``: what the check read of each file is added to it (``cache.FilesRead``)."""
    if path.is_symlink():
        problems.error(path, 1, "", "record_symlink")
        return None
    loaded = load_yaml(path, problems)
    if loaded is None:
        return None
    if files is not None:
        files[str(path)] = (loaded.stat, loaded.digest)
    if not isinstance(loaded.data, dict):
        problems.error(path, 1, "", "record_not_mapping")
        return None
    try:
        record = ProductRecord.model_validate(loaded.data)
    except ValidationError as exc:
        for error in exc.errors():
            _report_pydantic(loaded, error, problems)
        return None
    return _build_product(record, loaded, config, problems, {} if files is None else files)


def _report_pydantic(loaded: LoadedYaml, error: Any, problems: Problems) -> None:
    loc: FieldPath = tuple(error["loc"])
    code, values = _explain(error, loc)
    problems.error(loaded.path, loaded.line_of(loc), field_path_text(loc), code, **values)


Explained = tuple[str, dict[str, object]]  # a message code and the values that fill it


def _because(code: str, **values: object) -> Explained:
    return code, values


def _reason(reason: Explained) -> Message:
    """A GS1 number's reason (domain/gtin.py), in both languages, to fill gtin_invalid and the like."""
    code, values = reason
    return catalogue().message(code, **values)


# Pydantic error kinds, by the message code that explains each in plain words.
_KIND_CODES = {
    "missing": "field_missing", "literal_error": "value_not_allowed",
    "string_type": "text_expected", "int_type": "whole_number_expected",
    "int_parsing": "whole_number_expected", "int_from_float": "whole_number_expected",
    "float_type": "number_expected", "float_parsing": "number_expected",
    "string_too_short": "empty", "string_too_long": "too_long", "too_short": "list_empty",
    "model_type": "mapping_expected", "dict_type": "mapping_expected",
    "model_attributes_type": "mapping_expected", "list_type": "list_expected",
}
_RANGE_KINDS = ("greater_than_equal", "less_than_equal", "greater_than", "less_than")
_BOUNDS = {"product_set": (1, 26), "score": (0, 100)}


def _explain(error: Any, loc: FieldPath) -> Explained:
    """Plain-words messages for the pydantic error kinds a person can make in a record."""
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    last = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        return _unknown_field(str(last), _known_fields(loc[:-1]))
    if kind == "value_error" and "date_impossible" in error["msg"]:
        return _because("date_impossible", value=value)
    if kind == "value_error" and (hidden := re.search(r"text_hidden_character (\w+)", error["msg"])):
        return _because("text_hidden_character", char=f"U+{hidden.group(1)}")
    if kind == "value_error" and "text_invisible" in error["msg"]:
        return _because("text_invisible")
    if kind == "value_error" and "date_format" in error["msg"]:
        return _because("date_format", value=value)
    if kind in _RANGE_KINDS:
        low, high = _BOUNDS.get(str(last), (None, None))
        if low is None:
            return _because("out_of_range", value=value)
        return _because("out_of_range_bounds", value=value, low=low, high=high)
    if kind == "string_pattern_mismatch":
        return _because(_PATTERN_CODES.get(str(last), "value_form"), value=value)
    if kind in _KIND_CODES:
        return _because(_KIND_CODES[kind], value=value, expected=ctx.get("expected"),
                        max_length=ctx.get("max_length"))
    return _because("value_invalid", detail=error["msg"])


def _unknown_field(field: str, known: list[str]) -> Explained:
    close = difflib.get_close_matches(field, known, n=1)
    if close:
        return _because("field_unknown_suggest", field=field, close=close[0])
    return _because("field_unknown", field=field, known=", ".join(known))


# Fields with a pattern, by the message code that says what the pattern wants.
_PATTERN_CODES = {
    "id": "id_form", "phone": "phone_form", "zalo": "zalo_form", "email": "email_form",
    "website": "website_form", "url": "url_form", "lot": "lot_form",
}


def _known_fields(parent: FieldPath) -> list[str]:
    model: Any = ProductRecord
    for part in parent:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return []
        annotation = info.annotation
        args = getattr(annotation, "__args__", ()) or (annotation,)
        nested = [a for a in args if isinstance(a, type) and hasattr(a, "model_fields")]
        if not nested:
            return []
        model = nested[0]
    return list(model.model_fields)


def _build_product(
    record: ProductRecord, loaded: LoadedYaml, config: SiteConfig, problems: Problems,
    files: FilesRead,
) -> Product | None:
    path, errors_before = loaded.path, len(problems.errors)

    def error(at: FieldPath, code: str, /, **values: object) -> None:
        problems.error(path, loaded.line_of(at), field_path_text(at), code, **values)

    def warn(at: FieldPath, code: str, /, **values: object) -> None:
        problems.warn(path, loaded.line_of(at), field_path_text(at), code, **values)

    if not any(ch.isalpha() for ch in record.id):
        # Listing pages are numbered ('san-pham/2/'); an id of digits only could collide.
        error(("id",), "id_needs_letter", id=record.id)
    if path.parent.name != record.id:
        error(("id",), "id_folder_mismatch", id=record.id, folder=path.parent.name)
    if record.gtin is not None and (reason := gtin_problem(record.gtin)):
        error(("gtin",), "gtin_invalid", reason=_reason(reason))

    certifications = _build_certifications(record.certifications, config, error, warn)
    producer = _build_producer(record, error, warn)
    photos = _build_photos(record, path.parent, config.products_dir, error, files)
    batches = _build_batches(record.batches, loaded, config, error, warn, files)
    withdrawn = None
    if record.withdrawn:
        withdrawn = Withdrawal(record.withdrawn.date, record.withdrawn.reason)
        if certifications and withdrawn.on < certifications[0].decision_date:
            error(("withdrawn", "date"), "withdrawn_before_certified")

    _warn_untranslated(record, config, warn)
    for key, text in record.to_confirm.items():
        problems.note(path, loaded.line_of(("to_confirm", key)), "to_confirm",
                      TO_CONFIRM_CODE, key=key, text=text)

    if len(problems.errors) > errors_before or producer is None:
        return None
    product = Product(
        id=record.id,
        name=_text(record.name),
        product_set=PRODUCT_SETS[record.product_set] if record.product_set else None,
        story=_text(record.story) if record.story else None,
        producer=producer,
        certifications=tuple(certifications),
        source=path,
        gtin=record.gtin,
        photos=tuple(photos),
        standards=tuple(record.standards),
        shops=tuple(Shop(s.kind, s.name, s.url, s.address, _point(s.location))
                    for s in record.where_to_buy),
        brand=record.brand,
        shelf_life=record.shelf_life,
        batches=tuple(batches),
        withdrawn=withdrawn,
    )
    for i, batch in enumerate(product.batches):
        if not status_on(product, batch.produced, config.rules).status.shows_mark:
            warn(("batches", i, "produced"), "lot_without_mark", lot=batch.lot,
                 produced=batch.produced)
    return product


def _build_certifications(
    records: list[CertificationRecord], config: SiteConfig, error: Report, warn: Report
) -> list[Certification]:
    result: list[Certification] = []
    for i, c in enumerate(records):
        at: FieldPath = ("certifications", i)
        regime = REGIMES[c.regime]
        _check_stars(regime, c, at, error)
        valid_until = c.valid_until or default_valid_until(c.decision_date, config.rules)
        if valid_until <= c.decision_date:
            error(at + ("valid_until",), "valid_until_order")
        if c.revocation and c.revocation.date < c.decision_date:
            error(at + ("revocation", "date"), "revocation_order")
        if c.renewal_filed and c.renewal_filed < c.decision_date:
            error(at + ("renewal_filed",), "renewal_order")
        if result and c.decision_date <= result[-1].decision_date:
            error(at + ("decision_date",), "certification_order")
        if c.decision_date > date.today() + timedelta(days=1):  # a day for the machines' zones
            error(at + ("decision_date",), "decision_date_future", decided=c.decision_date,
                  today=date.today())
        _warn_regime_period(regime, c.decision_date, at, warn)
        _warn_issuer(regime, c, at, warn)
        result.append(Certification(
            stars=c.stars, score=c.score, regime_key=c.regime, decision=c.decision,
            decision_date=c.decision_date, authority=c.authority, valid_until=valid_until,
            kind=c.kind, ocop_code=c.ocop_code, renewal_filed=c.renewal_filed,
            revocation=Revocation(c.revocation.date, c.revocation.decision, c.revocation.reason)
            if c.revocation else None,
        ))
    return result


def _check_stars(regime: Regime, c: CertificationRecord, at: FieldPath, error: Report) -> None:
    if not is_ocop_rating(c.stars):
        error(at + ("stars",), "stars_not_ocop", stars=c.stars)
    elif c.stars > 5:
        error(at + ("stars",), "stars_range", stars=c.stars)
    elif c.score is not None and not stars_match_score(regime, c.stars, c.score):
        band, actual = regime.band_of(c.stars), regime.stars_for(c.score)
        assert band is not None  # stars are 3, 4 or 5 here, each a band of every regime
        error(at + ("stars",), "stars_score", stars=c.stars, score=c.score,
              regime=Message(regime.name_vi, regime.key), actual=actual,
              low=band.min_score, high=band.max_score)


def _warn_regime_period(regime: Regime, decided: date, at: FieldPath, warn: Report) -> None:
    until = regime.in_force_until
    if decided < regime.in_force_from or (until and decided > until):
        warn(at + ("regime",), "regime_period" if until else "regime_period_open",
             decided=decided, regime=Message(regime.name_vi, regime.key),
             start=regime.in_force_from, until=until)


def _warn_issuer(regime: Regime, c: CertificationRecord, at: FieldPath, warn: Report) -> None:
    """The authority against the level that recognises this star level under the regime: a
    warning, as parts of ``taxonomy.ISSUER_LEVELS`` are uncertain; an authority written in a
    way not recognised is left alone."""
    expected = expected_issuer(regime, c.stars)
    actual = issuer_level(c.authority, c.decision_date)
    if expected is None or actual is None or actual == expected:
        return
    # e.g. a 3-star "148" decision by the province after 1489 moved 3 stars there
    others = [r.key for r in regimes_issued_by(actual, c.stars, c.decision_date)]
    warn(at + ("authority",), "authority_level_regimes" if others else "authority_level",
         stars=c.stars, regime=Message(regime.name_vi, regime.name_en), authority=c.authority,
         expected=Message(expected.name_vi, expected.name_en),
         actual=Message(actual.name_vi, actual.name_en),
         others=catalogue().message("word_or").join(others))


def _build_producer(record: ProductRecord, error: Report, warn: Report) -> Producer | None:
    p = record.producer
    province = places.find_province(p.province)
    if province is None:
        merged = places.merged_into(p.province)
        if merged:
            error(("producer", "province"), "province_merged", province=p.province,
                  current=merged.short_name)
        else:
            error(("producer", "province"), "province_unknown", province=p.province)
        return None
    commune = places.find_commune(province, p.commune) if p.commune is not None else None
    if p.commune is not None and commune is None:
        hints = places.suggest_communes(province, p.commune)
        error(("producer", "commune"), "commune_unknown_suggest" if hints else "commune_unknown",
              commune=p.commune, province=province.name, hints=", ".join(hints))
        return None
    from site_builder.domain.place_history import old_provinces_mentioned  # loaded when needed

    for old in old_provinces_mentioned(p.address_on_certificate):
        now = places.merged_into(old)
        if now and now.code != province.code:
            warn(("producer", "address_on_certificate"), "address_province", old=old,
                 now=now.short_name, province=province.short_name)
    return Producer(
        name=p.name, type_key=p.type, address_on_certificate=p.address_on_certificate,
        province=province, commune=commune, representative=p.representative, phone=p.phone,
        email=p.email, website=p.website, zalo=p.zalo, location=_point(p.location),
    )


def _point(location: Any) -> tuple[float, float] | None:
    return (location.lat, location.lon) if location is not None else None


def _build_batches(records: list[BatchRecord], loaded: LoadedYaml, config: SiteConfig,
                   error: Report, warn: Report, files: FilesRead) -> list[Batch]:
    folder = loaded.path.parent
    batches: list[Batch] = []
    seen: dict[str, str] = {}
    today = config.today()
    for i, b in enumerate(records):
        at: FieldPath = ("batches", i)
        if b.lot.casefold() in seen:
            error(at + ("lot",), "lot_duplicate", lot=b.lot, first=seen[b.lot.casefold()])
        if reserved(b.lot):  # its page would be 'p/<id>/index.html' on a flat layout
            error(at + ("lot",), "lot_reserved", lot=b.lot)
        seen.setdefault(b.lot.casefold(), b.lot)
        if b.expires and b.best_before:
            error(at + ("best_before",), "use_by_both")
        use_by = b.expires or b.best_before
        use_by_field = "expires" if b.expires else "best_before"
        if use_by and use_by <= b.produced:
            use_by = None  # one mistake, one message: do not also judge the stages against it
            given = b.expires or b.best_before
            error(at + (use_by_field,), "use_by_order", use_by=given, produced=b.produced)
        if b.produced > today:
            warn(at + ("produced",), "produced_future", produced=b.produced)
        events: list[Event] = []
        for j, e in enumerate(b.events):
            where: FieldPath = at + ("events", j)
            if e.gln is not None and (reason := gln_problem(e.gln)):
                error(where + ("gln",), "gln_invalid", reason=_reason(reason))
            if use_by and e.date > use_by:
                error(where + ("date",), "stage_after_use_by", date=e.date, use_by=use_by)
            elif e.date > today:
                warn(where + ("date",), "stage_future", date=e.date)
            if events and e.date < events[-1].on:
                warn(where + ("date",), "stage_order")
            events.append(Event(e.step, e.date, e.place, e.gln, e.location_code, e.actor))
        for j, a in enumerate(b.areas):
            if a.gln is not None and (reason := gln_problem(a.gln)):
                error(at + ("areas", j, "gln"), "gln_invalid", reason=_reason(reason))
        documents = [d for j, doc in enumerate(b.documents)
                     if (d := _build_document(doc, at + ("documents", j), folder, config, error,
                                              files))]
        batches.append(Batch(
            lot=b.lot, produced=b.produced, expires=b.expires, best_before=b.best_before,
            quantity=b.quantity, events=tuple(events),
            areas=tuple(Area(a.name, a.code, a.gln) for a in b.areas),
            standards=tuple(b.standards), documents=tuple(documents), line=loaded.line_of(at)))
    return batches


def _build_document(doc: Any, at: FieldPath, folder: Path, config: SiteConfig,
                    error: Report, files: FilesRead) -> Document | None:
    if (doc.file is None) == (doc.url is None):
        error(at, "document_source")
        return None
    if doc.url is not None:
        return Document(doc.title, url=doc.url)
    if _unprinted_name(doc.file, at + ("file",), error):
        return None
    source = _inside(folder, doc.file, _resolved(config.products_dir))
    status = _stat_of(source) if source is not None else None
    if source is None:
        error(at + ("file",), "document_outside", file=doc.file)
    elif status is None:
        error(at + ("file",), "document_not_found", file=doc.file)
    elif not stat.S_ISREG(status.st_mode):  # never opened: a named pipe would wait for ever
        error(at + ("file",), "document_is_folder" if stat.S_ISDIR(status.st_mode)
              else "document_not_regular", file=doc.file)
    elif status.st_size > MAX_DOCUMENT_BYTES:
        error(at + ("file",), "document_too_large")
    else:
        data = source.read_bytes()
        extension = _document_extension(data[:8], doc.file, at + ("file",), error)
        if extension:
            # Read once: the record cache keeps these bytes' hash (``cache.FilesRead``).
            files[str(source)] = file_read(status, data)
            return Document(doc.title, source=source, extension=extension)
    return None


def _document_extension(head: bytes, file: str, at: FieldPath, error: Report) -> str | None:
    """The extension a document is published with, once its name and its first bytes
    (``head``) agree on a PDF, JPEG or PNG file: a file named '.html' that starts like a PDF
    would otherwise be served as a page of the site, and run its scripts there."""
    named = Path(file).suffix.lower().lstrip(".")
    kind = next((k for sig, k in DOCUMENT_SIGNATURES.items() if head.startswith(sig)), None)
    if not any(named in names for names in DOCUMENT_EXTENSIONS.values()):
        error(at, "document_extension", file=file)
    elif kind is None:
        error(at, "document_format", file=file)
    elif named not in DOCUMENT_EXTENSIONS[kind]:
        error(at, "document_mismatch", file=file, ext=named, format=kind)
    else:
        return DOCUMENT_EXTENSIONS[kind][0]
    return None


def _unprinted_name(file: str, at: FieldPath, error: Report) -> bool:
    """Report a file name with a character that is not printed (a line break, a tab, a
    bidirectional override): such a name is refused before it is looked up or shown."""
    char = control_character(file)
    if char is not None:
        error(at, "file_control_character", file=shown(file), char=shown(char))
    return char is not None


def _build_photos(record: ProductRecord, folder: Path, products_dir: Path,
                  error: Report, files: FilesRead) -> list[Photo]:
    """The record's photos, each read once: the bytes checked are the bytes hashed for the
    record cache (``files``)."""
    photos = []
    root = _resolved(products_dir)
    stems: dict[str, str] = {}  # published stem -> the file first published under it
    for i, photo in enumerate(record.photos):
        at: FieldPath = ("photos", i, "file")
        if _unprinted_name(photo.file, at, error):
            continue
        source = _inside(folder, photo.file, root)
        if source is None:
            error(at, "photo_outside", file=photo.file)
            continue
        status = _stat_of(source)
        if status is None:
            error(at, "photo_not_found", file=photo.file)
            continue
        if not stat.S_ISREG(status.st_mode):
            # Never opened: a named pipe would wait for a writer for ever.
            error(at, "photo_is_folder" if stat.S_ISDIR(status.st_mode) else "photo_not_regular",
                  file=photo.file)
            continue
        reason, size = _inspect_image(source, status, files)
        if reason:
            error(at, reason[0], **reason[1])
            continue
        stem = photo_stem(source.name)  # what Photo.stem publishes it as
        if stem in stems:
            error(at, "photo_name_duplicate", file=photo.file, other=stems[stem], stem=stem)
            continue
        stems[stem] = photo.file
        alt = _text(photo.alt) if photo.alt else _text(record.name)
        photos.append(Photo(source=source, name=source.name, alt=alt, width=size[0], height=size[1]))
    return photos


def _warn_untranslated(record: ProductRecord, config: SiteConfig, warn: Report) -> None:
    """Pages in a language the record lacks show its Vietnamese with a notice; say which."""
    for lang in config.languages[1:]:
        for field in ("name", "story"):
            given = getattr(record, field)
            if given is not None and getattr(given, lang, None) is None:
                warn((field,), UNTRANSLATED_CODE, field=field, lang=lang)


def _text(given: LocalizedName | LocalizedStory) -> Text:
    return Text.of(given.vi, {lang: getattr(given, lang) for lang in EXTRA_LANGUAGES})


def _stat_of(path: Path) -> os.stat_result | None:
    """The status of ``path`` (its target's), or None when there is none to ask."""
    try:
        return path.stat()
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=8)
def _resolved(products_dir: Path) -> Path:
    """The products folder resolved, once per ``load_catalog`` rather than once per record
    (``load_catalog`` and ``check_record`` forget it first: the folder may be a link that a
    later run finds moved, and what is inside it is judged by where it leads)."""
    return products_dir.resolve()


def _inside(folder: Path, relative: str, root: Path) -> Path | None:
    """``folder/relative`` resolved, or None when it is absolute or leaves ``root``."""
    if os.path.isabs(relative) or relative.startswith(("/", "\\")) or ":" in relative:
        return None
    # Not Path.resolve: it asks the file's status again, to raise on a loop of links (a loop
    # is then a file not found).
    resolved = os.path.realpath(os.path.join(folder, relative))
    # Both are resolved: inside ``root`` is below it, as text (Path.is_relative_to parses both).
    if not resolved.startswith(os.path.join(str(root), "")):
        return None
    return Path(resolved)


def _inspect_image(source: Path, status: os.stat_result, files: FilesRead
                   ) -> tuple[Explained | None, tuple[int, int]]:
    """Why ``source`` cannot be a photo (or None), and its size as displayed (EXIF-rotated).

    The photo is decoded to its last byte, as the build will decode it: reading the header
    alone passes a JPEG that an interrupted copy cut short. A validated record is cached with
    its photos' size and time (``records.cache``), so a photo is decoded again only when it
    changes. The file is read once: its bytes are decoded and hashed for the cache (``files``,
    with ``status``, asked before they were read)."""
    if status.st_size > MAX_PHOTO_BYTES:
        return _because("photo_too_large"), (0, 0)
    try:
        data = source.read_bytes()
        files[str(source)] = file_read(status, data)
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in PHOTO_FORMATS:
                return _because("photo_format", format=image.format), (0, 0)
            width, height = image.size
            if image.getexif().get(ORIENTATION_TAG, 1) in (5, 6, 7, 8):
                width, height = height, width
            reason = _decode_whole(image)
            if reason:
                return reason, (0, 0)
    except Image.DecompressionBombError:
        return _because("photo_too_many_pixels"), (0, 0)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return _because("photo_damaged"), (0, 0)
    return None, (width, height)


def _decode_whole(image: Image.Image) -> Explained | None:
    """Why the pixel data of ``image`` cannot be decoded to its end, or None.

    A JPEG is decoded at its smallest scale: every byte of the compressed data is still read
    and decoded, so a cut or damaged file fails exactly as at full size, in 40% of the time."""
    if image.format == "JPEG":
        image.draft(image.mode, (1, 1))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError):
        return _because("photo_truncated")
    return None


# --- the whole catalog ----------------------------------------------------------------------


def _check_catalog(catalog: Catalog, problems: Problems, short_length: int) -> None:
    """Rules across records. Ids need no check here: each equals its folder's name, is
    lower-case ASCII only, and two folders cannot share a name."""
    by_gtin: dict[str, Product] = {}
    for product in catalog.products:
        if product.gtin:
            key = product.gtin.zfill(14)
            if key in by_gtin:
                problems.error(product.source, _line_in(product.source, ("gtin",)), "gtin",
                               "gtin_duplicate", gtin=product.gtin, other=by_gtin[key].id)
            by_gtin[key] = product
    if short_length:
        _check_short_codes(catalog, problems, short_length)


def _check_short_codes(catalog: Catalog, problems: Problems, length: int) -> None:
    """Two traceability pages whose short addresses (``short_addresses``) would be the same:
    each is reported at the record that takes the address second, in id order, so the office
    sees which lot to give another code (a longer code would change every printed one)."""
    owners: dict[str, str] = {}
    for product in sorted(catalog.products, key=lambda p: p.id):
        pages: list[tuple[str | None, FieldPath]] = [(None, ("id",))]
        pages += [(batch.lot, ("batches", i, "lot")) for i, batch in enumerate(product.batches)]
        for lot, at in pages:
            page = product.id if lot is None else f"{product.id}/{lot}"
            path = short_path(product.id, lot, length)
            if path in owners:
                problems.error(product.source, _line_in(product.source, at), field_path_text(at),
                               "short_address_clash", page=page, other=owners[path],
                               address=f"/{path}", length=length + 1)
            else:
                owners[path] = page


def _line_in(record: Path, at: FieldPath) -> int:
    """The line of field ``at`` in ``record``, read again: products from the record cache
    keep no YAML, and a problem across records is rare."""
    loaded = load_yaml(record, Problems())
    return loaded.line_of(at) if loaded is not None else 1
