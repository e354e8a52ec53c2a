"""``ocop import``: a spreadsheet of OCOP products becomes records under ``products/``.

The pipeline: read the file and find its lists (sources.py, tables.py, annex.py), group rows
into products (drafts.py), turn cells into record values (columns.py), merge them into
the existing record when updating, then check every resulting record with exactly the rules
of ``ocop check`` by loading them from a scratch folder. Problems are mapped back to the
sheet's row and column. Nothing is written unless every product passes (or ``--skip-invalid``
leaves the failing ones out), and an existing record changes only with ``--update``.

Records are written with ruamel.yaml in round-trip mode, so an update keeps the record's
comments, key order and formatting, and changes only the fields the sheet gives.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from site_builder.config import SiteConfig
from site_builder.problems import Message
from site_builder.records.paths import RECORD_NAME
from site_builder.records.validate import UNTRANSLATED_CODE, load_catalog
from site_builder.records.writing import (
    SCHEMA_COMMENT,
    StagedRecord,
    dump_plain,
    dump_round_trip,
    plain,
    round_trip,
    staged_catalog,
    write_file,
    yaml_value,
)
from site_builder.sheets import texts
from site_builder.sheets.annex import (
    FROM_COMMAND_LINE,
    At,
    Layout,
    SheetFacts,
    Skipped,
    sheet_facts,
    split_decision,
    unused_columns,
)
from site_builder.sheets.columns import COLUMNS, Column
from site_builder.sheets.drafts import (
    COLUMNS_BY_PATH,
    Draft,
    Existing,
    SheetProblem,
    SheetReader,
    Worked,
    name_key,
)
from site_builder.sheets.sources import ListSheet, PassedSheet, Source, read_source
from site_builder.sheets.tables import Table

# The order of fields in a new record, as in the sample records.
KEY_ORDER = ("id", "name", "product_set", "story", "producer", "certifications", "gtin", "brand",
             "shelf_life", "standards", "where_to_buy", "withdrawn", "to_confirm")


@dataclass
class Change:
    id: str
    action: str  # new, update, add (certifications only), same, exists (kept: no --update), invalid
    path: Path
    rows: list[At]
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (field, old, new)
    text: str = ""  # the record as it would be written
    worked: list[Worked] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what the list could not give (keys)
    matched: tuple[str, str] | None = None
    held_back: list[tuple[str, Any, Any]] = field(default_factory=list)  # differences not applied
    summary: dict[str, Any] = field(default_factory=dict)  # name, producer, stars, for the review
    left_out: list[At] = field(default_factory=list)  # its rows with errors, not in ``text``


@dataclass
class ImportOptions:
    """What the command line says about the whole sheet and how to import it."""

    update: bool = False
    sheet: str | None = None
    decision: str | None = None
    decision_date: date | None = None
    authority: str | None = None
    province: str | None = None
    regime: str | None = None
    stars: int | None = None


@dataclass
class SheetPlan:
    """One sheet read as a list: where its table is, what its title says, its rows passed over."""

    table: Table
    layout: Layout
    facts: SheetFacts
    skipped: list[Skipped] = field(default_factory=list)
    unused: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0  # product rows

    @property
    def name(self) -> str:
        return self.table.sheet


@dataclass
class ImportPlan:
    source: Path
    changes: list[Change]
    problems: list[SheetProblem]
    sheets: list[SheetPlan] = field(default_factory=list)
    passed: list[PassedSheet] = field(default_factory=list)

    @property
    def errors(self) -> list[SheetProblem]:
        return [p for p in self.problems if p.error]

    @property
    def skipped(self) -> list[Skipped]:
        return [s for sheet in self.sheets for s in sheet.skipped]

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sheets)

    def row_numbers(self, rows: list[At]) -> str:
        """'11, 12', or '«3 sao» 11, 12; «4 sao» 3' when several sheets were read."""
        by_sheet: dict[int, list[str]] = {}
        for at in sorted(rows):
            by_sheet.setdefault(at.sheet, []).append(str(at.row))
        if len(self.sheets) < 2:
            return ", ".join(n for numbers in by_sheet.values() for n in numbers)
        return "; ".join(f"«{self.sheets[i].name}» {', '.join(n)}" for i, n in by_sheet.items())


# --- reading the sheets ---------------------------------------------------------------------


def find_table(path: Path, sheet: str | None = None) -> tuple[Table, Layout]:
    """The first sheet (or the one named) that holds a list of products, and where its table
    is. Raises TableError when none does."""
    first = read_source(path, sheet).sheets[0]
    return first.table, first.layout


def plan_source(path: Path, config: SiteConfig, options: ImportOptions | None = None) -> ImportPlan:
    """What importing ``path`` would do: the one entry of ``ocop import``. Raises TableError."""
    options = options or ImportOptions()
    return plan_import(read_source(path, options.sheet), config, options)


def _facts(index: int, sheet: ListSheet, covers: list[SheetFacts], options: ImportOptions,
           problems: list[SheetProblem]) -> SheetFacts:
    """Title facts; what the title does not say, from a cover sheet (never the star level);
    the command line's where it gives them (said when they differ)."""
    facts = sheet_facts(sheet.table, sheet.layout)
    for name in ("decision", "decision_date", "authority", "province"):
        cover = next((c for c in covers if getattr(c, name) is not None), None)
        if getattr(facts, name) is None and cover is not None:
            setattr(facts, name, getattr(cover, name))
            facts.rows[name] = cover.rows[name]
            facts.from_sheet[name] = cover.from_sheet["sheet"]
    if options.decision:
        number, day = split_decision(options.decision)
        options = replace(options, decision=number or options.decision.strip(),
                          decision_date=options.decision_date or day)
    for name in ("decision", "decision_date", "authority", "province", "regime", "stars"):
        given = getattr(options, name)
        if given is None:
            continue
        read = getattr(facts, name)
        if read is not None and read != given and facts.rows.get(name, 0) > 0 \
                and name not in facts.from_sheet:
            problems.append(SheetProblem.of(At(index, facts.rows[name]), None, "",
                                            "title_overridden", read=short(read),
                                            given=short(given), error=False))
        setattr(facts, name, given)
        facts.rows[name] = FROM_COMMAND_LINE
        facts.from_sheet.pop(name, None)
    return facts


def _cover_facts(source: Source) -> list[SheetFacts]:
    """What the sheets without a list (a cover sheet) state for the whole workbook."""
    found = []
    for table in source.covers:
        facts = sheet_facts(table, None)
        facts.from_sheet["sheet"] = table.sheet
        found.append(facts)
    return found


def _existing(catalog: Any) -> list[Existing]:
    return [Existing(p.id, p.name.vi, p.producer.name,
                     tuple(c.ocop_code for c in p.certifications if c.ocop_code),
                     tuple(c.decision.casefold() for c in p.certifications), p.latest.stars)
            for p in catalog.products]


# --- merging into a record ------------------------------------------------------------------


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return old.strip() == new.strip()
    return old == new


def _assign(doc: CommentedMap, path: str, value: Any, changed: list[tuple[str, Any, Any]],
            shown: str | None = None) -> None:
    parts = path.split(".")
    target = doc
    for part in parts[:-1]:
        if not isinstance(target.get(part), dict):
            target[part] = CommentedMap()
        target = target[part]
    old = target.get(parts[-1])
    if old is not None and _same(old, value):
        return
    target[parts[-1]] = yaml_value(value)
    changed.append((shown or path, plain(old), value))


def _flatten(data: dict, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, path + "."))
        else:
            out.append((path, value))
    return out


def merge(doc: CommentedMap, draft: Draft, product_fields: bool = True
          ) -> tuple[list[tuple[str, Any, Any]], dict[str, tuple[At, int]]]:
    """Writes the sheet's values into ``doc``: only fields the sheet gives (product fields only
    when ``product_fields``), certifications matched by decision number (a new one is always
    added), storefronts replaced per kind given, worked-out values noted in ``to_confirm``.
    Returns what changed and where each field of the merged record came from in the sheet."""
    changed: list[tuple[str, Any, Any]] = []
    cells = {k: v for k, v in draft.cells.items()
             if not k.startswith(("certifications[", "where_to_buy["))}
    data = draft.data
    if product_fields:
        for path, value in _flatten({k: v for k, v in data.items()
                                     if k not in ("certifications", "where_to_buy")}):
            _assign(doc, path, value, changed)
    certs = doc.setdefault("certifications", CommentedSeq())
    moved: dict[int, int] = {}
    for i, cert in enumerate(data.get("certifications", [])):
        number = str(cert.get("decision", "")).strip().casefold()
        found = next((j for j, c in enumerate(certs)
                      if number and str(c.get("decision", "")).strip().casefold() == number), None)
        added = found is None
        at = len(certs) if found is None else found
        if added:
            certs.append(CommentedMap())
            changed.append((f"certifications[{at}]", None, cert.get("decision")))
        moved[i] = at
        if added or product_fields:
            for path, value in _flatten(cert):
                _assign(certs[at], path, value, [] if added else changed,
                        f"certifications[{at}].{path}")
        for key, where in draft.cells.items():
            if key.startswith(f"certifications[{i}]"):
                cells[key.replace(f"certifications[{i}]", f"certifications[{at}]", 1)] = where
    if product_fields and draft.shop_kinds:
        _merge_shops(doc, draft, changed, cells)
    if not certs:
        del doc["certifications"]
    _note_worked(doc, draft, moved, product_fields)
    return changed, cells


def _merge_shops(doc: CommentedMap, draft: Draft, changed: list, cells: dict) -> None:
    old_shops = [plain(s) for s in doc.get("where_to_buy") or []]
    kept = [s for s in old_shops if s.get("kind") not in draft.shop_kinds]
    given = draft.data.get("where_to_buy", [])
    new_shops = kept + given
    if new_shops != old_shops:
        doc["where_to_buy"] = yaml_value(new_shops)
        changed.append(("where_to_buy", old_shops, new_shops))
    for i in range(len(given)):
        if (where := draft.cells.get(f"where_to_buy[{i}]")):
            cells[f"where_to_buy[{len(kept) + i}]"] = where


def _note_worked(doc: CommentedMap, draft: Draft, moved: dict[int, int], product_fields: bool) -> None:
    """Each value worked out rather than read is named in ``to_confirm`` with where it came
    from, for a person to confirm (and delete the line); a value the sheet now gives outright
    is confirmed by it."""
    notes = doc.get("to_confirm")
    notes = notes if isinstance(notes, dict) else CommentedMap()
    for path in list(notes):
        if path in draft.cells and path not in {w.field for w in draft.worked}:
            del notes[path]  # given by the sheet: a person stated it
    for worked in draft.worked:
        path = worked.field
        if match := re.match(r"certifications\[(\d+)\]", path):
            at = moved.get(int(match.group(1)))
            if at is None:
                continue
            path = f"certifications[{at}]" + path[match.end():]
        elif not product_fields:
            continue
        text = worked.vi if worked.question else f"{worked.shown} ({worked.vi})"
        text = ("cần quyết định: " if worked.question else "suy ra: ") + text
        notes[path] = text if len(text) <= 500 else text[:499] + "…"  # the record's limit
    if notes:
        doc["to_confirm"] = notes


def _ordered(doc: CommentedMap) -> CommentedMap:
    out = CommentedMap()
    for key in sorted(doc, key=lambda k: KEY_ORDER.index(k) if k in KEY_ORDER else len(KEY_ORDER)):
        out[key] = doc[key]
    return out


def _dump_new(doc: CommentedMap) -> str:
    """A new record, as ruamel would lay it out (same key order, block style, 100 columns)."""
    return SCHEMA_COMMENT + dump_plain(doc)


# --- planning, checking, writing ------------------------------------------------------------


def plan_import(source: Source, config: SiteConfig, options: ImportOptions | None = None
                ) -> ImportPlan:
    """What importing the lists of ``source`` would do, with every problem found; writes
    nothing. A product some of whose rows have errors is planned from its other rows (written
    with --skip-invalid), its rows with errors named as left out."""
    options = options or ImportOptions()
    existing_catalog, _ = load_catalog(config, traceability_notes=False)
    existing = _existing(existing_catalog)
    problems: list[SheetProblem] = []
    covers = _cover_facts(source)
    sheets = [SheetPlan(s.table, s.layout, _facts(i, s, covers, options, problems))
              for i, s in enumerate(source.sheets)]
    plan = _plan_rows(sheets, existing, existing_catalog, config, options, set())
    refused = _refused_rows(plan)
    if refused:  # once more without them: the product's other rows stand on their own
        again = _plan_rows(sheets, existing, existing_catalog, config, options, refused)
        kept = [p for p in plan.problems if p.at in refused]
        again.problems = kept + [p for p in again.problems if p not in kept]
        for change in again.changes:
            change.left_out = sorted(refused.intersection(_rows_of(plan, change.id)))
        plan = again
    plan.problems = _grouped(problems + plan.problems, options)
    plan.passed = list(source.passed)
    return plan


def _rows_of(plan: ImportPlan, product_id: str) -> list[At]:
    return next((c.rows for c in plan.changes if c.id == product_id), [])


def _refused_rows(plan: ImportPlan) -> set[At]:
    """Rows with errors of products that have other rows without any."""
    failing = {p.at for p in plan.problems if p.error}
    refused: set[At] = set()
    for change in plan.changes:
        bad = failing.intersection(change.rows)
        if bad and len(bad) < len(change.rows):
            refused |= bad
    return refused


def _plan_rows(sheets: list[SheetPlan], existing: list[Existing], existing_catalog: Any,
               config: SiteConfig, options: ImportOptions, leave_out: set[At]) -> ImportPlan:
    reader = SheetReader(existing, tuple(s.name for s in sheets), leave_out)
    for index, sheet in enumerate(sheets):
        reader.read_sheet(index, sheet.table, sheet.layout, sheet.facts)
    read = reader.read()
    for index, sheet in enumerate(sheets):
        sheet.skipped = [s for s in read.skipped if s.sheet == index]
        sheet.unused = unused_columns(sheet.layout)
        sheet.rows = len(read.product_rows.get(index, ()))
    problems = list(read.problems)
    changes: list[Change] = []
    cell_maps: dict[str, dict[str, tuple[At, int]]] = {}
    for draft in read.drafts:
        change, cells = _change_for(draft, config, options.update, problems)
        changes.append(change)
        if cells is not None:
            cell_maps[draft.id] = cells
    incomplete: set[At] = set()  # rows of a sheet that lacks a required value for every row
    for index, missing in read.missing.items():
        if missing:
            incomplete |= set(read.product_rows.get(index, ()))
    for draft in read.drafts:  # reported once for the sheet, not again per row
        missing = set().union(*(read.missing.get(at.sheet, set()) for at in draft.rows))
        for at in range(len(draft.data.get("certifications", []))):
            draft.unreadable.update(f"certifications[{at}].{p}" for p in missing)
        draft.unreadable.update(p for p in missing if not p.startswith(("stars", "decision",
                                                                         "authority")))
    unreadable = {d.id: d.unreadable for d in read.drafts}
    layouts = {i: s.layout for i, s in enumerate(sheets)}
    problems.extend(_check(changes, cell_maps, unreadable, layouts, config, existing_catalog))
    failing = {p.at for p in problems if p.error} | read.blocked | incomplete
    for change in changes:
        if failing.intersection(change.rows):
            change.action = "invalid"
    return ImportPlan(sheets[0].table.path, changes, problems, sheets)


GROUP_AFTER = 3  # the same problem on more rows than this is said once, with the rows


def _grouped(problems: list[SheetProblem], options: ImportOptions) -> list[SheetProblem]:
    """The same problem in the same column of a sheet on many rows (a value the whole list
    lacks) is one line naming the rows, with a hint where the command line can give the value
    (unless it did)."""
    groups: dict[tuple, list[SheetProblem]] = {}
    for problem in problems:
        groups.setdefault((problem.sheet, problem.column, problem.header, problem.vi,
                           problem.error), []).append(problem)
    out = []
    for same in groups.values():
        if len(same) <= GROUP_AFTER:
            out.extend(same)
            continue
        same.sort(key=lambda p: p.at)
        rows = [p.row for p in same]
        shown = ", ".join(str(r) for r in rows[:8]) + (", …" if len(rows) > 8 else "")
        listed = texts.message("rows_listed", count=len(rows), rows=shown)
        out.append(replace(same[0], message=_joined(same[0].message, listed), grouped=True))
    return [_with_hint(p) if options.province is None else p for p in out]


def _joined(first: Message, then: Message) -> Message:
    return Message(first.vi + then.vi, first.en + then.en)


def _with_hint(problem: SheetProblem) -> SheetProblem:
    """A required value the sheet lacks, with where the command line can give it."""
    hint = _HINTS.get(problem.header) if problem.code == REQUIRED_CODE else None
    return replace(problem, message=_joined(problem.message, texts.message(hint))) if hint else problem


REQUIRED_CODE = "field_missing"  # the records' code for a required field left out
_HINTS = {"Tỉnh/thành phố": "hint_province"}  # header -> the hint's code


def _change_for(draft: Draft, config: SiteConfig, update: bool, problems: list[SheetProblem]
                ) -> tuple[Change, dict[str, tuple[At, int]] | None]:
    target = config.products_dir / draft.id / RECORD_NAME
    change = Change(draft.id, "new", target, draft.rows, worked=draft.worked, matched=draft.matched,
                    summary=_summary(draft.data))
    if not target.exists():
        doc = CommentedMap()
        change.fields, cells = merge(doc, draft)
        change.text = _dump_new(_ordered(doc))
        change.missing = _missing(doc)
        return change, cells
    try:
        doc = round_trip().load(target.read_text(encoding="utf-8")) or CommentedMap()
    except Exception as exc:  # noqa: BLE001 - any unreadable record is reported alike
        problems.append(SheetProblem.of(draft.rows[0], None, "", "record_unreadable",
                                        target=target, exc=exc))
        change.action = "invalid"
        return change, None
    if not isinstance(doc, CommentedMap):
        doc = CommentedMap()
    _drop_shorter_address(doc, draft)
    if not update:
        # What --update would change, worked out on a copy (the record is read once).
        change.held_back = [f for f in merge(copy.deepcopy(doc), draft)[0]
                            if not re.match(r"certifications\[\d+\]$", f[0])]
    change.fields, cells = merge(doc, draft, product_fields=update)
    change.worked = [w for w in draft.worked if update or w.field.startswith("certifications[")]
    change.missing = _missing(doc)
    if change.fields:
        change.action = "update" if update else "add"
        change.text = dump_round_trip(doc)
    else:
        change.action = "exists" if change.held_back else "same"
    return change, cells


def _drop_shorter_address(doc: Any, draft: Draft) -> None:
    """A list that writes less of the address than the record holds ("xã Mỹ Sơn" against
    "..., xã Mỹ Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận") is not a different address."""
    given = (draft.data.get("producer") or {}).get("address_on_certificate")
    held = (doc.get("producer") or {}).get("address_on_certificate")
    if given and held and name_key(given) in name_key(str(held)):
        del draft.data["producer"]["address_on_certificate"]


def _summary(data: dict) -> dict[str, Any]:
    certs = data.get("certifications") or [{}]
    return {"name": (data.get("name") or {}).get("vi"),
            "producer": (data.get("producer") or {}).get("name"),
            "stars": certs[-1].get("stars")}


MISSING_LABELS = {
    "story": ("câu chuyện", "story"), "photos": ("ảnh", "photos"),
    "contact": ("số điện thoại hoặc thư điện tử", "phone or e-mail"), "gtin": ("GTIN", "GTIN"),
    "product_set": ("bộ sản phẩm", "product set"), "commune": ("xã/phường mới", "current commune"),
    "producer_type": ("loại hình chủ thể", "producer type"),
}


def _missing(doc: Any) -> list[str]:
    """What the record still lacks for a full page (never what decides the status)."""
    producer = doc.get("producer") or {}
    checks = {"story": doc.get("story"), "photos": doc.get("photos"),
              "contact": producer.get("phone") or producer.get("email") or producer.get("zalo"),
              "gtin": doc.get("gtin"), "product_set": doc.get("product_set"),
              "commune": producer.get("commune"), "producer_type": producer.get("type")}
    return [key for key, value in checks.items() if not value]


def _check(changes: list[Change], cell_maps: dict[str, dict[str, tuple[At, int]]],
           unreadable: dict[str, set[str]], layouts: dict[int, Layout], config: SiteConfig,
           existing_catalog: Any
           ) -> list[SheetProblem]:
    """The rules of ``ocop check``, run on the records as they would be written."""
    staged = [c for c in changes if c.action in ("new", "update", "add")]
    if not staged:
        return []
    problems: list[SheetProblem] = []
    # Photos and documents an existing record names come along.
    records = [StagedRecord(c.id, c.text, c.path.parent if c.action != "new" else None)
               for c in staged]
    with staged_catalog(config, records) as (catalog, found):
        by_id = {c.id: c for c in staged}
        for problem in found.items:
            staged_change = by_id.get(problem.path.parent.name)
            if staged_change is None or problem.field in unreadable.get(staged_change.id, ()):
                continue  # a cell already reported as unreadable
            if problem.severity.value == "note" or problem.code == UNTRANSLATED_CODE:
                continue  # the review shows what is missing and what to confirm its own way
            earlier = re.match(r"certifications\[\d+\]", problem.field)
            if earlier and earlier.group(0) not in cell_maps.get(staged_change.id, {}):
                continue  # about a certification the record held before: ocop check says it
            at, column = _locate(problem.field, cell_maps.get(staged_change.id, {}),
                                 staged_change.rows[0])
            columns = layouts[at.sheet].columns
            header = columns.get(column) if column is not None else _column_named(problem.field)
            if column is None and header is not None:  # an empty cell of a column the sheet has
                column = next((i for i, c in columns.items() if c == header), None)
            problems.append(SheetProblem(
                at.row, column, header.vi if header else problem.field, problem.code,
                problem.message, error=problem.severity.value == "error", sheet=at.sheet))
    sheet_ids = {c.id for c in changes}
    used = {p.gtin.zfill(14): p.id for p in existing_catalog.products
            if p.gtin and p.id not in sheet_ids}
    for product in catalog.products:
        owner = used.get((product.gtin or "").zfill(14)) if product.gtin else None
        if owner:
            row, column = _locate("gtin", cell_maps.get(product.id, {}), by_id[product.id].rows[0])
            problems.append(SheetProblem.of(row, column, COLUMNS_BY_PATH["gtin"].vi, "gtin_taken",
                                            gtin=product.gtin, owner=owner))
    return problems


def _column_named(field_path: str) -> Column | None:
    """The column a field comes from when no cell gave it (a required value left out):
    'certifications[1].stars' -> Số sao; 'story' -> Câu chuyện sản phẩm."""
    path = re.sub(r"^certifications\[\d+\]\.?", "", field_path)
    if not path:
        return None
    return next((c for c in COLUMNS if c.path == path or c.path.startswith(path + ".")), None)


def _locate(field_path: str, cells: dict[str, tuple[At, int]], first_row: At
            ) -> tuple[At, int | None]:
    path = field_path
    while path:
        if path in cells:
            row, column = cells[path]
            return row, (column if column >= 0 else None)
        shorter = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", path)
        path = "" if shorter == path else shorter
    return first_row, None


def apply_import(plan: ImportPlan, skip_invalid: bool = False) -> list[Change]:
    """Writes the new and updated records (each file replaced atomically). Refuses when the
    plan has errors, unless ``skip_invalid``: then products with errors are left out."""
    if plan.errors and not skip_invalid:
        raise ValueError("the plan has errors")
    written = []
    for change in plan.changes:
        if change.action not in ("new", "update", "add"):
            continue
        write_file(change.path, change.text.encode("utf-8"))
        written.append(change)
    return written


def short(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = "—" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."
