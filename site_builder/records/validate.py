"""Load every record under ``products/``, check it against the OCOP rules, build the catalog.

Returns the catalog together with *all* problems found, never stopping at the first one.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

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
from site_builder.domain.taxonomy import PRODUCT_SETS, REGIMES, Regime
from site_builder.domain.traceability import all_completeness
from site_builder.problems import Problem, Problems
from site_builder.progress import Progress, Quiet
from site_builder.records.cache import RecordCache
from site_builder.records.schema import (
    EXTRA_LANGUAGES,
    BatchRecord,
    CertificationRecord,
    LocalizedName,
    LocalizedStory,
    ProductRecord,
)
from site_builder.records.yaml_loader import FieldPath, LoadedYaml, field_path_text, load_yaml

RECORD_NAME = "product.yml"
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PHOTO_PIXELS = 40_000_000
MAX_PHOTO_BYTES = 15_000_000
ORIENTATION_TAG = 0x0112  # EXIF: 5-8 mean the picture is shown turned a quarter
MAX_DOCUMENT_BYTES = 10_000_000
# What a published document may be, recognised by its first bytes rather than its name.
DOCUMENT_SIGNATURES = {b"%PDF-": "PDF", b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}

Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS  # larger images raise DecompressionBombError


def record_paths(products_dir: Path) -> list[str]:
    """Every ``<id>/product.yml`` below ``products_dir``, in a stable order (as text: a national
    catalog has tens of thousands, and most are only looked up in the record cache)."""
    found = []
    with os.scandir(products_dir) as entries:
        for entry in entries:
            record = os.path.join(entry.path, RECORD_NAME)
            if entry.is_dir() and os.path.lexists(record):
                found.append(record)
    return sorted(found)


def load_catalog(config: SiteConfig, progress: Progress | None = None,
                 traceability_notes: bool = True,
                 paths: list[str] | None = None) -> tuple[Catalog, Problems]:
    """``traceability_notes`` adds the Circular 02/2024 gaps as notes (``ocop check`` prints
    them; a build does not need them)."""
    problems = Problems()
    products_dir = config.products_dir
    if not products_dir.is_dir():
        problems.error(products_dir, 1, "", "không tìm thấy thư mục hồ sơ sản phẩm",
                       "the products folder does not exist")
        return Catalog(), problems
    catalog = Catalog()
    cache = RecordCache.open(config)
    paths = record_paths(products_dir) if paths is None else paths
    progress = progress or Quiet()
    progress.start("validate", len(paths))
    for path in paths:
        progress.advance()
        entry = cache.get(path)
        if entry is None:
            found = Problems()
            product = _load_product(Path(path), config, found)
            problems.extend(found)
            if product is None:
                continue
            catalog.products.append(product)
            if found.errors:
                continue
            entry = cache.put(Path(path), product, found.items)
        else:
            catalog.products.append(entry.product)
            problems.items.extend(entry.problems)
        if entry is not None:
            catalog.digests[entry.product.id] = entry.fingerprint
            catalog.summaries[entry.product.id] = entry.summary or entry.fingerprint
    progress.done()
    cache.keep_only(paths)
    cache.save()
    _check_catalog(catalog, problems)
    catalog.products.sort(key=lambda p: p.id)
    if traceability_notes:
        _note_missing_content(catalog, problems)
        _note_traceability_gaps(catalog, problems)
    return catalog, problems


# The first words of the notes `ocop check` groups and counts (see ``note_kind``).
TO_CONFIRM = ("cần xác nhận", "to confirm")
MISSING = ("còn thiếu", "missing")


# Codes of the kinds of problem `ocop check` counts and groups (Problem.code).
UNTRANSLATED_CODE, TO_CONFIRM_CODE, MISSING_CODE, TRACEABILITY_CODE = (
    "untranslated", "to_confirm", "missing", "traceability")


def note_kind(note: Problem) -> str:
    """'to_confirm', 'missing' or 'traceability': the heading `ocop check` lists a note under."""
    return note.code if note.code in (TO_CONFIRM_CODE, MISSING_CODE) else TRACEABILITY_CODE


def missing_content(product: Product) -> list[tuple[str, str]]:
    """What a published product still lacks that its producer or the office should supply,
    as (Vietnamese, English) words; nothing here stops a build."""
    producer = product.producer
    checks = (
        (product.story is None, "câu chuyện", "story"),
        (not product.photos, "ảnh", "photos"),
        (not (producer.phone or producer.email or producer.zalo), "số điện thoại", "phone"),
        (not product.gtin, "GTIN", "GTIN"),
        (product.product_set is None, "bộ sản phẩm", "product set"),
        (producer.commune is None, "xã/phường hiện nay", "current commune"),
        (producer.type_key is None, "loại hình chủ thể", "producer type"),
    )
    return [(vi, en) for absent, vi, en in checks if absent]


def _note_missing_content(catalog: Catalog, problems: Problems) -> None:
    """One terse note per product listing what it lacks ("còn thiếu: câu chuyện, ảnh")."""
    for product in catalog.products:
        missing = missing_content(product)
        if missing:
            problems.note(product.source, 1, "",
                          f"{MISSING[0]}: {', '.join(vi for vi, _ in missing)}",
                          f"{MISSING[1]}: {', '.join(en for _, en in missing)}", MISSING_CODE)


def _note_traceability_gaps(catalog: Catalog, problems: Problems) -> None:
    for row in all_completeness(catalog.products):
        if row.complete:
            continue
        vi = ", ".join(f"{item.number} ({item.short_vi})" for item in row.missing)
        en = ", ".join(f"{item.number} ({item.short_en})" for item in row.missing)
        if row.batch is None:
            problems.note(row.product.source, 1, "", f"sản phẩm thiếu mục {vi} theo Thông tư "
                          "02/2024/TT-BKHCN", f"the product lacks Circular 02/2024 item(s) {en}",
                          TRACEABILITY_CODE)
        else:
            index = row.product.batches.index(row.batch)
            problems.note(row.product.source, row.batch.line, field_path_text(("batches", index)),
                          f"lô {row.batch.lot} thiếu mục {vi} theo Thông tư 02/2024/TT-BKHCN",
                          f"lot {row.batch.lot} lacks Circular 02/2024 item(s) {en}",
                          TRACEABILITY_CODE)


# --- one record -----------------------------------------------------------------------------


def _load_product(path: Path, config: SiteConfig, problems: Problems) -> Product | None:
    if path.is_symlink():
        problems.error(path, 1, "", "hồ sơ không được là liên kết tượng trưng (symlink)",
                       "a record must not be a symbolic link")
        return None
    loaded = load_yaml(path, problems)
    if loaded is None:
        return None
    if not isinstance(loaded.data, dict):
        problems.error(path, 1, "", "hồ sơ phải là một bảng các trường (id, name, ...)",
                       "a record must be a mapping of fields (id, name, ...)")
        return None
    try:
        record = ProductRecord.model_validate(loaded.data)
    except ValidationError as exc:
        for error in exc.errors():
            _report_pydantic(loaded, error, problems)
        return None
    return _build_product(record, loaded, config, problems)


def _report_pydantic(loaded: LoadedYaml, error: Any, problems: Problems) -> None:
    loc: FieldPath = tuple(error["loc"])
    field = field_path_text(loc)
    vi, en = _explain(error, loc)
    problems.error(loaded.path, loaded.line_of(loc), field, vi, en)


def _explain(error: Any, loc: FieldPath) -> tuple[str, str]:
    """Plain-words messages for the pydantic error kinds a person can make in a record."""
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    last = loc[-1] if loc else ""
    if kind == "missing":
        return "thiếu trường bắt buộc", "this required field is missing"
    if kind == "extra_forbidden":
        known = _known_fields(loc[:-1])
        close = difflib.get_close_matches(str(last), known, n=1)
        hint_vi = f"; có phải '{close[0]}'?" if close else f"; các trường hợp lệ: {', '.join(known)}"
        hint_en = f"; did you mean '{close[0]}'?" if close else f"; valid fields: {', '.join(known)}"
        return f"trường '{last}' không được hỗ trợ{hint_vi}", f"unknown field '{last}'{hint_en}"
    if kind == "value_error" and "date_impossible" in error["msg"]:
        return (f"ngày '{value}' không có thật trên lịch", f"'{value}' is not a real calendar date")
    if kind == "value_error" and "date_format" in error["msg"]:
        return (f"ngày phải viết dạng NĂM-THÁNG-NGÀY, ví dụ 2026-03-05 (đang là '{value}')",
                f"write dates as YEAR-MONTH-DAY, e.g. 2026-03-05 (got '{value}')")
    if kind == "literal_error":
        return (f"giá trị '{value}' không hợp lệ; chọn một trong: {ctx.get('expected')}",
                f"'{value}' is not allowed; choose one of: {ctx.get('expected')}")
    if kind == "string_type":
        return ("phải là chữ; số điện thoại, mã số hãy đặt trong ngoặc kép, ví dụ \"0259 3851 234\"",
                "must be text; put phone numbers and codes in quotes, e.g. \"0259 3851 234\"")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"phải là số nguyên (đang là '{value}')", f"must be a whole number (got '{value}')"
    if kind in ("float_type", "float_parsing"):
        return f"phải là một số (đang là '{value}')", f"must be a number (got '{value}')"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bounds = {"product_set": "1 đến 26", "score": "0 đến 100"}.get(str(last), "")
        return (f"giá trị {value} nằm ngoài khoảng cho phép {bounds}".strip(),
                f"{value} is out of range {bounds.replace('đến', 'to')}".strip())
    if kind == "string_too_short":
        return "không được để trống", "must not be empty"
    if kind == "string_too_long":
        n = ctx.get("max_length")
        return f"quá dài (tối đa {n} ký tự)", f"too long (at most {n} characters)"
    if kind == "too_short":
        return "cần ít nhất một mục", "needs at least one entry"
    if kind == "string_pattern_mismatch":
        return _pattern_message(str(last), value)
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "phải là một bảng gồm các trường con", "must be a mapping of sub-fields"
    if kind == "list_type":
        return "phải là một danh sách (mỗi mục bắt đầu bằng '- ')", "must be a list ('- ' items)"
    return f"giá trị không hợp lệ: {error['msg']}", f"invalid value: {error['msg']}"


def _pattern_message(field: str, value: object) -> tuple[str, str]:
    messages = {
        "id": ("mã sản phẩm chỉ gồm chữ thường không dấu, chữ số và dấu '-', dài 1-40 ký tự, "
               f"ví dụ 'nho-thach-ba' (đang là '{value}')",
               "a product id has lower-case ASCII letters, digits and '-', 1-40 characters, "
               f"e.g. 'nho-thach-ba' (got '{value}')"),
        "phone": (f"số điện thoại '{value}' không hợp lệ", f"'{value}' is not a phone number"),
        "zalo": (f"số Zalo '{value}' phải gồm 9-11 chữ số", f"Zalo '{value}' needs 9-11 digits"),
        "email": (f"thư điện tử '{value}' không hợp lệ", f"'{value}' is not an email address"),
        "website": (f"địa chỉ web phải bắt đầu bằng http:// hoặc https:// (đang là '{value}')",
                    f"a web address starts with http:// or https:// (got '{value}')"),
        "url": (f"đường dẫn phải bắt đầu bằng https:// (đang là '{value}')",
                f"a link must start with https:// (got '{value}')"),
        "lot": (f"số lô '{value}' chỉ được gồm chữ cái không dấu, chữ số và các dấu '-', '.', '_' "
                "(không có dấu cách hay '/'), tối đa 20 ký tự, bắt đầu và kết thúc bằng chữ hoặc số",
                f"lot '{value}' may only contain ASCII letters, digits, '-', '.' and '_' (no spaces "
                "or '/'), at most 20 characters, starting and ending with a letter or digit"),
    }
    return messages.get(field, (f"giá trị '{value}' sai định dạng", f"'{value}' has the wrong form"))


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
    record: ProductRecord, loaded: LoadedYaml, config: SiteConfig, problems: Problems
) -> Product | None:
    path, errors_before = loaded.path, len(problems.errors)

    def error(at: FieldPath, vi: str, en: str) -> None:
        problems.error(path, loaded.line_of(at), field_path_text(at), vi, en)

    def warn(at: FieldPath, vi: str, en: str, code: str = "") -> None:
        problems.warn(path, loaded.line_of(at), field_path_text(at), vi, en, code)

    if not any(ch.isalpha() for ch in record.id):
        # Listing pages are numbered ('san-pham/2/'); an id of digits only could collide.
        error(("id",), f"mã '{record.id}' cần có ít nhất một chữ cái, ví dụ 'sp-{record.id}'",
              f"id '{record.id}' needs at least one letter, e.g. 'sp-{record.id}'")
    if path.parent.name != record.id:
        error(("id",), f"mã '{record.id}' phải trùng tên thư mục '{path.parent.name}'",
              f"id '{record.id}' must equal its folder name '{path.parent.name}'")
    if record.gtin is not None and (reason := gtin_problem(record.gtin)):
        error(("gtin",), *reason)

    certifications = _build_certifications(record.certifications, config, error, warn)
    producer = _build_producer(record, error, warn)
    photos = _build_photos(record, path.parent, config.products_dir, error)
    batches = _build_batches(record.batches, loaded, config, error, warn)
    withdrawn = None
    if record.withdrawn:
        withdrawn = Withdrawal(record.withdrawn.date, record.withdrawn.reason)
        if certifications and withdrawn.on < certifications[0].decision_date:
            error(("withdrawn", "date"), "ngày rút khỏi danh mục trước ngày được công nhận",
                  "the withdrawal date is before the first certification")

    _warn_untranslated(record, config, warn)
    for key, text in record.to_confirm.items():
        problems.note(path, loaded.line_of(("to_confirm", key)), "to_confirm",
                      f"{TO_CONFIRM[0]}: {key}: {text}", f"{TO_CONFIRM[1]}: {key}: {text}",
                      TO_CONFIRM_CODE)

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
            warn(("batches", i, "produced"),
                 f"lô {batch.lot} sản xuất ngày {batch.produced:%d/%m/%Y}, khi sản phẩm không có "
                 "chứng nhận OCOP còn hiệu lực: bao bì lô này không được mang nhãn OCOP",
                 f"lot {batch.lot} was produced on {batch.produced:%d/%m/%Y}, when the product "
                 "held no valid OCOP certificate: its packs may not carry the OCOP mark")
    return product


def _build_certifications(
    records: list[CertificationRecord], config: SiteConfig, error: Any, warn: Any
) -> list[Certification]:
    result: list[Certification] = []
    for i, c in enumerate(records):
        at: FieldPath = ("certifications", i)
        regime = REGIMES[c.regime]
        if not is_ocop_rating(c.stars):
            error(at + ("stars",),
                  f"{c.stars} sao không phải sản phẩm OCOP: chỉ hạng 3, 4 và 5 sao được công nhận",
                  f"{c.stars} stars is not an OCOP product: only 3, 4 and 5 stars are certified")
        elif c.stars > 5:
            error(at + ("stars",), f"số sao phải là 3, 4 hoặc 5 (đang là {c.stars})",
                  f"stars must be 3, 4 or 5 (got {c.stars})")
        elif c.score is not None and not stars_match_score(regime, c.stars, c.score):
            band, actual = regime.band_of(c.stars), regime.stars_for(c.score)
            assert band is not None  # stars are 3, 4 or 5 here, each a band of every regime
            error(at + ("stars",),
                  f"{c.stars} sao không khớp {c.score:g} điểm theo {regime.name_vi}: {c.score:g} "
                  f"điểm là hạng {actual} sao; hạng {c.stars} sao cần từ {band.min_score:g} đến "
                  f"dưới {band.max_score:g} điểm",
                  f"{c.stars} stars does not match a score of {c.score:g} under regime "
                  f"{regime.key}: {c.score:g} points is {actual} stars; {c.stars} stars needs "
                  f"{band.min_score:g} to under {band.max_score:g} points")
        valid_until = c.valid_until or default_valid_until(c.decision_date, config.rules)
        if valid_until <= c.decision_date:
            error(at + ("valid_until",), "ngày hết hiệu lực phải sau ngày quyết định",
                  "valid_until must be after the decision date")
        if c.revocation and c.revocation.date < c.decision_date:
            error(at + ("revocation", "date"), "ngày thu hồi trước ngày quyết định công nhận",
                  "the revocation date is before the decision date")
        if c.renewal_filed and c.renewal_filed < c.decision_date:
            error(at + ("renewal_filed",), "ngày nộp hồ sơ đánh giá lại trước ngày quyết định",
                  "the renewal filing date is before the decision date")
        if result and c.decision_date <= result[-1].decision_date:
            error(at + ("decision_date",),
                  "các lần công nhận phải xếp theo thời gian, cũ trước mới sau",
                  "list certifications oldest first, each after the one before")
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


def _warn_regime_period(regime: Any, decided: date, at: FieldPath, warn: Any) -> None:
    if decided < regime.in_force_from or (regime.in_force_until and decided > regime.in_force_until):
        until = regime.in_force_until.strftime("%d/%m/%Y") if regime.in_force_until else "nay"
        warn(at + ("regime",),
             f"quyết định ngày {decided:%d/%m/%Y} nằm ngoài thời gian áp dụng {regime.name_vi} "
             f"({regime.in_force_from:%d/%m/%Y} - {until}); kiểm tra lại căn cứ đánh giá",
             f"decision dated {decided:%d/%m/%Y} falls outside the period of regime {regime.key}")


def _warn_issuer(regime: Regime, c: CertificationRecord, at: FieldPath, warn: Any) -> None:
    """The authority against the level that recognises this star level under the regime: a
    warning, as parts of ``taxonomy.ISSUER_LEVELS`` are uncertain; an authority written in a
    way not recognised is left alone."""
    expected = expected_issuer(regime, c.stars)
    actual = issuer_level(c.authority, c.decision_date)
    if expected is None or actual is None or actual == expected:
        return
    others = [r.key for r in regimes_issued_by(actual, c.stars, c.decision_date)]
    hint_vi = hint_en = ""
    if others:  # e.g. a 3-star "148" decision by the province after 1489 moved 3 stars there
        hint_vi = f"; nếu quyết định theo quy định khác, ghi regime: {' hoặc '.join(others)}"
        hint_en = f"; if the decision applied another regime, write regime: {' or '.join(others)}"
    warn(at + ("authority",),
         f"{c.stars} sao theo {regime.name_vi} do {expected.name_vi} công nhận; cơ quan ghi là "
         f"'{c.authority}' ({actual.name_vi}){hint_vi}",
         f"{c.stars} stars under {regime.name_en} are recognised by {expected.name_en}; the "
         f"authority given is '{c.authority}' ({actual.name_en}){hint_en}")


def _build_producer(record: ProductRecord, error: Any, warn: Any) -> Producer | None:
    p = record.producer
    province = places.find_province(p.province)
    if province is None:
        merged = places.merged_into(p.province)
        if merged:
            error(("producer", "province"),
                  f"tỉnh '{p.province}' đã sáp nhập từ 01/07/2025; ghi tỉnh hiện nay: "
                  f"'{merged.short_name}' (địa chỉ cũ giữ ở address_on_certificate)",
                  f"'{p.province}' was merged on 1 July 2025; write the current province "
                  f"'{merged.short_name}' (keep the old address in address_on_certificate)")
        else:
            error(("producer", "province"),
                  f"không có tỉnh/thành '{p.province}' trong 34 đơn vị sau sắp xếp 2025",
                  f"'{p.province}' is not one of the 34 provinces after the 2025 reform")
        return None
    commune = places.find_commune(province, p.commune) if p.commune is not None else None
    if p.commune is not None and commune is None:
        hints = places.suggest_communes(province, p.commune)
        hint_vi = f"; có phải: {', '.join(hints)}?" if hints else ""
        hint_en = f"; did you mean: {', '.join(hints)}?" if hints else ""
        error(("producer", "commune"),
              f"'{p.commune}' không phải xã/phường hiện nay của {province.name}{hint_vi}",
              f"'{p.commune}' is not a current commune or ward of {province.name}{hint_en}")
        return None
    for old in places.old_provinces_mentioned(p.address_on_certificate):
        now = places.merged_into(old)
        if now and now.code != province.code:
            warn(("producer", "address_on_certificate"),
                 f"địa chỉ ghi tỉnh {old} (nay thuộc {now.short_name}) nhưng tỉnh khai báo là "
                 f"{province.short_name}",
                 f"the address names {old} (now {now.short_name}) but the province given is "
                 f"{province.short_name}")
    return Producer(
        name=p.name, type_key=p.type, address_on_certificate=p.address_on_certificate,
        province=province, commune=commune, representative=p.representative, phone=p.phone,
        email=p.email, website=p.website, zalo=p.zalo, location=_point(p.location),
    )


def _point(location: Any) -> tuple[float, float] | None:
    return (location.lat, location.lon) if location is not None else None


def _build_batches(records: list[BatchRecord], loaded: LoadedYaml, config: SiteConfig,
                   error: Any, warn: Any) -> list[Batch]:
    folder = loaded.path.parent
    batches: list[Batch] = []
    seen: dict[str, str] = {}
    today = config.today()
    for i, b in enumerate(records):
        at: FieldPath = ("batches", i)
        if b.lot.casefold() in seen:
            error(at + ("lot",), f"số lô '{b.lot}' trùng với lô '{seen[b.lot.casefold()]}' đã khai "
                  "báo (không phân biệt chữ hoa, chữ thường)",
                  f"lot '{b.lot}' repeats lot '{seen[b.lot.casefold()]}' (ignoring case)")
        seen.setdefault(b.lot.casefold(), b.lot)
        if b.expires and b.best_before:
            error(at + ("best_before",), "chỉ ghi một trong hai: expires (hạn sử dụng) hoặc "
                  "best_before (sử dụng tốt nhất trước)", "give either expires or best_before, not both")
        use_by = b.expires or b.best_before
        use_by_field = "expires" if b.expires else "best_before"
        if use_by and use_by <= b.produced:
            use_by = None  # one mistake, one message: do not also judge the stages against it
            given = b.expires or b.best_before
            error(at + (use_by_field,), f"hạn dùng {given:%d/%m/%Y} phải sau ngày sản xuất "
                  f"{b.produced:%d/%m/%Y}", f"the use-by date {given:%d/%m/%Y} must come after "
                  f"the production date {b.produced:%d/%m/%Y}")
        if b.produced > today:
            warn(at + ("produced",), f"ngày sản xuất {b.produced:%d/%m/%Y} ở tương lai",
                 f"the production date {b.produced:%d/%m/%Y} is in the future")
        events: list[Event] = []
        for j, e in enumerate(b.events):
            where: FieldPath = at + ("events", j)
            if e.gln is not None and (reason := gln_problem(e.gln)):
                error(where + ("gln",), *reason)
            if use_by and e.date > use_by:
                error(where + ("date",), f"công đoạn ngày {e.date:%d/%m/%Y} sau hạn dùng của lô "
                      f"({use_by:%d/%m/%Y})", f"the stage dated {e.date:%d/%m/%Y} is after the "
                      f"lot's use-by date ({use_by:%d/%m/%Y})")
            elif e.date > today:
                warn(where + ("date",), f"công đoạn ngày {e.date:%d/%m/%Y} chưa diễn ra",
                     f"the stage dated {e.date:%d/%m/%Y} has not happened yet")
            if events and e.date < events[-1].on:
                warn(where + ("date",), "các công đoạn nên xếp theo thời gian, cũ trước mới sau",
                     "list stages oldest first")
            events.append(Event(e.step, e.date, e.place, e.gln, e.location_code, e.actor))
        for j, a in enumerate(b.areas):
            if a.gln is not None and (reason := gln_problem(a.gln)):
                error(at + ("areas", j, "gln"), *reason)
        documents = [d for j, doc in enumerate(b.documents)
                     if (d := _build_document(doc, at + ("documents", j), folder, config, error))]
        batches.append(Batch(
            lot=b.lot, produced=b.produced, expires=b.expires, best_before=b.best_before,
            quantity=b.quantity, events=tuple(events),
            areas=tuple(Area(a.name, a.code, a.gln) for a in b.areas),
            standards=tuple(b.standards), documents=tuple(documents), line=loaded.line_of(at)))
    return batches


def _build_document(doc: Any, at: FieldPath, folder: Path, config: SiteConfig,
                    error: Any) -> Document | None:
    if (doc.file is None) == (doc.url is None):
        error(at, "mỗi tài liệu cần đúng một trong hai: file (tệp trong thư mục sản phẩm) hoặc url",
              "each document needs exactly one of file (inside the product folder) or url")
        return None
    if doc.url is not None:
        return Document(doc.title, url=doc.url)
    source = _inside(folder, doc.file, config.products_dir.resolve())
    if source is None:
        error(at + ("file",), f"tài liệu '{doc.file}' phải nằm trong thư mục products/",
              f"document '{doc.file}' must lie inside products/")
    elif not source.is_file():
        error(at + ("file",), f"không tìm thấy tệp tài liệu '{doc.file}'",
              f"document file '{doc.file}' not found")
    elif source.stat().st_size > MAX_DOCUMENT_BYTES:
        error(at + ("file",), "tài liệu lớn hơn 10 MB", "the document is over 10 MB")
    else:
        with source.open("rb") as handle:
            head = handle.read(8)
        if not any(head.startswith(sig) for sig in DOCUMENT_SIGNATURES):
            error(at + ("file",), f"tài liệu '{doc.file}' phải là tệp PDF, JPEG hoặc PNG",
                  f"document '{doc.file}' must be a PDF, JPEG or PNG file")
        else:
            return Document(doc.title, source=source)
    return None


def _build_photos(record: ProductRecord, folder: Path, products_dir: Path, error: Any) -> list[Photo]:
    photos = []
    root = products_dir.resolve()
    for i, photo in enumerate(record.photos):
        at: FieldPath = ("photos", i, "file")
        source = _inside(folder, photo.file, root)
        if source is None:
            error(at, f"ảnh '{photo.file}' phải nằm trong thư mục products/ (không dùng '..', "
                      "đường dẫn tuyệt đối hay liên kết ra ngoài)",
                  f"photo '{photo.file}' must lie inside products/ (no '..', absolute paths or "
                  "links that leave it)")
            continue
        if not source.exists():
            error(at, f"không tìm thấy tệp ảnh '{photo.file}'", f"photo '{photo.file}' not found")
            continue
        if not source.is_file():
            error(at, f"'{photo.file}' là thư mục, không phải tệp ảnh",
                  f"'{photo.file}' is a folder, not an image file")
            continue
        reason, size = _inspect_image(source)
        if reason:
            error(at, *reason)
            continue
        alt = _text(photo.alt) if photo.alt else _text(record.name)
        photos.append(Photo(source=source, name=source.name, alt=alt, width=size[0], height=size[1]))
    return photos


UNTRANSLATED = "thiếu bản dịch"  # the words every missing-translation warning begins with


def _warn_untranslated(record: ProductRecord, config: SiteConfig, warn: Callable) -> None:
    """Pages in a language the record lacks show its Vietnamese with a notice; say which."""
    for lang in config.languages[1:]:
        for field in ("name", "story"):
            given = getattr(record, field)
            if given is not None and getattr(given, lang, None) is None:
                warn((field,), f"{UNTRANSLATED} '{field}' sang '{lang}': trang {lang} sẽ hiện "
                     f"tiếng Việt", f"no '{lang}' translation of '{field}': the {lang} pages "
                     f"show the Vietnamese text", UNTRANSLATED_CODE)


def _text(given: LocalizedName | LocalizedStory) -> Text:
    return Text.of(given.vi, {lang: getattr(given, lang) for lang in EXTRA_LANGUAGES})


def _inside(folder: Path, relative: str, root: Path) -> Path | None:
    """``folder/relative`` resolved, or None when it is absolute or leaves ``root``."""
    if os.path.isabs(relative) or relative.startswith(("/", "\\")) or ":" in relative:
        return None
    resolved = (folder / relative).resolve()
    if not resolved.is_relative_to(root) or resolved == root:
        return None
    return resolved


def _inspect_image(source: Path) -> tuple[tuple[str, str] | None, tuple[int, int]]:
    """Why ``source`` cannot be a photo (or None), and its size as displayed (EXIF-rotated).

    The photo is decoded to its last byte, as the build will decode it: reading the header
    alone passes a JPEG that an interrupted copy cut short. A validated record is cached with
    its photos' size and time (``records.cache``), so a photo is decoded again only when it
    changes."""
    if source.stat().st_size > MAX_PHOTO_BYTES:
        return ("ảnh lớn hơn 15 MB; hãy thu nhỏ trước khi đưa vào", "the photo is over 15 MB"), (0, 0)
    try:
        with Image.open(source) as image:
            if image.format not in PHOTO_FORMATS:
                return (f"ảnh phải là JPEG, PNG hoặc WebP (đang là {image.format})",
                        f"photos must be JPEG, PNG or WebP (got {image.format})"), (0, 0)
            width, height = image.size
            if image.getexif().get(ORIENTATION_TAG, 1) in (5, 6, 7, 8):
                width, height = height, width
            reason = _decode_whole(image)
            if reason:
                return reason, (0, 0)
    except Image.DecompressionBombError:
        return ("ảnh có kích thước điểm ảnh quá lớn", "the image has too many pixels"), (0, 0)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return ("tệp không phải ảnh hoặc đã hỏng", "the file is not an image or is damaged"), (0, 0)
    return None, (width, height)


def _decode_whole(image: Image.Image) -> tuple[str, str] | None:
    """Why the pixel data of ``image`` cannot be decoded to its end, or None.

    A JPEG is decoded at its smallest scale: every byte of the compressed data is still read
    and decoded, so a cut or damaged file fails exactly as at full size, in 40% of the time."""
    if image.format == "JPEG":
        image.draft(image.mode, (1, 1))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError):
        return ("ảnh bị cắt cụt hoặc hỏng: không giải mã được đến hết tệp (thường do sao chép bị "
                "ngắt giữa chừng); hãy chép lại ảnh gốc",
                "the photo is cut short or damaged: it cannot be decoded to its end (often an "
                "interrupted copy); copy the original photo again")
    return None


# --- the whole catalog ----------------------------------------------------------------------


def _check_catalog(catalog: Catalog, problems: Problems) -> None:
    """Rules across records. Ids need no check here: each equals its folder's name, is
    lower-case ASCII only, and two folders cannot share a name."""
    by_gtin: dict[str, Product] = {}
    for product in catalog.products:
        if product.gtin:
            key = product.gtin.zfill(14)
            if key in by_gtin:
                problems.error(product.source, _line_in(product.source, ("gtin",)), "gtin",
                               f"GTIN {product.gtin} đã dùng cho sản phẩm '{by_gtin[key].id}'",
                               f"GTIN {product.gtin} is already used by '{by_gtin[key].id}'")
            by_gtin[key] = product


def _line_in(record: Path, at: FieldPath) -> int:
    """The line of field ``at`` in ``record``, read again: products from the record cache
    keep no YAML, and a problem across records is rare."""
    loaded = load_yaml(record, Problems())
    return loaded.line_of(at) if loaded is not None else 1
