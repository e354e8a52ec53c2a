"""Lot drafts merged into the product records (merge.py), checked with exactly the rules of
``ocop check``, then written with their documents.

Whether a record changes is worked out on plain data first; only a record that changes is
written: its new lots after its own (its text kept byte for byte), or, when a lot it holds is
edited, the whole record through ruamel's round trip, so its comments, order and layout are
kept. Importing the same sheet twice writes nothing. The check runs on the very text that will
be written, with the documents it will copy.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from site_builder.config import SiteConfig
from site_builder.domain.model import Catalog
from site_builder.domain.rules import status_on
from site_builder.domain.traceability import completeness
from site_builder.records.validate import (
    DOCUMENT_SIGNATURES,
    MAX_DOCUMENT_BYTES,
    RECORD_NAME,
    UNTRANSLATED_CODE,
    load_catalog,
)
from site_builder.records.writing import (
    StagedRecord,
    dump_round_trip,
    round_trip,
    staged_catalog,
    write_file,
)
from site_builder.sheets.columns import CellError
from site_builder.sheets.drafts import slug
from site_builder.sheets.lots.columns import LOT_COLUMNS, STAGE_COLUMNS, document_entries, stage_key
from site_builder.sheets.lots.find import Workbook
from site_builder.sheets.lots.merge import (
    RECORD_ORDER,
    Diff,
    SafeLoader,
    appended_text,
    as_day,
    merge_lot,
    put,
)
from site_builder.sheets.lots.products import Known, ProductFinder, gtin14
from site_builder.sheets.lots.reader import (
    DocumentDraft,
    LotDraft,
    LotProblem,
    LotRead,
    LotReader,
    Where,
)

DOCUMENT_EXTENSIONS = {"PDF": "pdf", "JPEG": "jpg", "PNG": "png"}


@dataclass
class LotChange:
    draft: LotDraft
    action: str  # new, update, same, invalid
    diffs: list[Diff] = field(default_factory=list)
    index: int | None = None  # where the lot is in the record's batches
    problems: list[LotProblem] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # Circular 02 items (vi, en)
    stamp: bool = False  # the product may carry the OCOP mark today: print its stamps
    merged_events: list[tuple[str, date | None]] = field(default_factory=list)  # the record's, merged


@dataclass
class ProductLots:
    """The lots of one product and the record as it would be written."""

    id: str
    path: Path
    base: str  # the record's text before the lots (the file's, or the product sheet's)
    lots: list[LotChange] = field(default_factory=list)
    documents: dict[int, list[tuple[dict[str, str], Path | None]]] = field(default_factory=dict)
    text: str = ""  # the record with the lots, "" when nothing changes
    merged: Any = None  # the record with the lots, as plain data

    @property
    def changed(self) -> bool:
        return any(c.action in ("new", "update") for c in self.lots)


@dataclass
class LotPlan:
    source: Path
    workbook: Workbook
    read: LotRead
    products: list[ProductLots]
    problems: list[LotProblem]
    unreadable_records: int = 0  # records with errors: their products cannot be named

    @property
    def errors(self) -> list[LotProblem]:
        return [p for p in self.problems if p.error]

    @property
    def lots(self) -> list[LotChange]:
        return [c for p in self.products for c in p.lots]

    @property
    def sheets(self) -> int:
        return len(self.workbook.lots) + len(self.workbook.stages)


# --- planning -----------------------------------------------------------------------------------


def known_products(catalog: Catalog) -> list[Known]:
    return [Known(p.id, p.name.vi, p.producer.name, gtin14(p.gtin) if p.gtin else None,
                  tuple(c.ocop_code for c in p.certifications if c.ocop_code),
                  tuple(b.lot for b in p.batches)) for p in catalog.products]


def products_of(plan: Any) -> tuple[dict[str, str], list[Known]]:
    """The records a product import (``importer.ImportPlan``) would write, as texts the lots are
    merged into, and as products the lots may name."""
    base: dict[str, str] = {}
    extra: list[Known] = []
    for change in plan.changes:
        if change.action not in ("new", "update", "add") or not change.text:
            continue
        base[change.id] = change.text
        data = yaml.load(change.text, Loader=SafeLoader) or {}
        certifications = data.get("certifications") or []
        extra.append(Known(change.id, str((data.get("name") or {}).get("vi", "")),
                           str((data.get("producer") or {}).get("name", "")),
                           gtin14(str(data["gtin"])) if data.get("gtin") else None,
                           tuple(str(c["ocop_code"]) for c in certifications
                                 if isinstance(c, dict) and c.get("ocop_code")),
                           tuple(str(b.get("lot")) for b in data.get("batches") or []
                                 if isinstance(b, dict))))
    return base, extra


def plan_lots(workbook: Workbook, config: SiteConfig, base: dict[str, str] | None = None,
              extra: list[Known] | None = None) -> LotPlan:
    """What importing the lot and stage sheets of ``workbook`` would do; writes nothing.
    ``base`` holds record texts a product sheet of the same workbook is about to write, and
    ``extra`` the products it adds, so its lots can name them."""
    base = base or {}
    catalog, found = load_catalog(config, traceability_notes=False)
    known = {k.id: k for k in known_products(catalog)}
    known.update((k.id, k) for k in extra or [])
    finder = ProductFinder(list(known.values()), {p.path.parent.name for p in found.errors})
    read = LotReader(workbook, finder).read()
    problems = list(read.problems)
    products: dict[str, ProductLots] = {}
    for draft in read.drafts:
        if draft.product not in products:
            path = config.products_dir / draft.product / RECORD_NAME
            text = base.get(draft.product)
            products[draft.product] = ProductLots(draft.product, path, text if text is not None
                                                  else path.read_text(encoding="utf-8"))
        products[draft.product].lots.append(LotChange(draft, "invalid" if draft.invalid else ""))
    sheet_folder = workbook.path.parent
    for product in products.values():
        _documents(product, sheet_folder, problems)
        _merge_product(product, ruamel=False)
        problems.extend(p for c in product.lots for p in c.problems if p not in problems)
    staged = [p for p in products.values() if p.changed]
    for product in staged:
        product.text = _record_text(product)
    problems.extend(_check(staged, config))
    for change in (c for p in products.values() for c in p.lots):
        if any(p.error for p in change.problems) and change.action != "invalid":
            change.action = "invalid"
    broken = len({p.path for p in found.errors})
    return LotPlan(workbook.path, workbook, read, list(products.values()), problems, broken)


def _documents(product: ProductLots, sheet_folder: Path, problems: list[LotProblem]) -> None:
    """Each document a lot names, as the record will hold it, and the file to copy into the
    product's folder (None: a link, or a file already there). A file is looked up in the product's
    folder and beside the sheet; one beside the sheet must really be a PDF, JPEG or PNG file and is
    copied under a name made from its own (lo-<lot>/<name>.<type>)."""
    folder = product.path.parent
    targets: dict[str, Path] = {}
    for i, change in enumerate(product.lots):
        found: list[tuple[dict[str, str], Path | None]] = []
        for document in change.draft.documents:
            entry = document.entry
            if entry.url:
                found.append(({"title": document.title, "url": entry.url}, None))
                continue
            resolved = _document_file(document, change.draft.lot, folder, sheet_folder, targets)
            if isinstance(resolved, LotProblem):
                change.problems.append(resolved)
                problems.append(resolved)
                change.action = "invalid"
                continue
            found.append(({"title": document.title, "file": resolved[0]}, resolved[1]))
        product.documents[i] = found


def _document_file(document: DocumentDraft, lot: str, folder: Path, sheet_folder: Path,
                   targets: dict[str, Path]) -> tuple[str, Path | None] | LotProblem:
    written = document.entry.file or ""
    parts = _parts(written)
    header = document.header
    if not parts or ".." in parts:
        return LotProblem.at_cell(document.where, header, "document_path", file=written)
    inside = folder.joinpath(*parts)
    if _within(inside, folder) and inside.is_file():
        return "/".join(parts), None  # already in the product's folder (an export coming back)
    source = _beside(parts, sheet_folder)
    if source is None:
        return LotProblem.at_cell(document.where, header, "document_missing", file=written,
                             folder=sheet_folder)
    if source.stat().st_size > MAX_DOCUMENT_BYTES:
        return LotProblem.at_cell(document.where, header, "document_large", file=written)
    with source.open("rb") as handle:
        head = handle.read(8)
    kind = next((k for sig, k in DOCUMENT_SIGNATURES.items() if head.startswith(sig)), None)
    if kind is None:
        return LotProblem.at_cell(document.where, header, "document_kind", file=written)
    stem = slug(Path(parts[-1]).stem) if slug(Path(parts[-1]).stem) != "san-pham" else "tai-lieu"
    target, n = f"lo-{lot}/{stem}.{DOCUMENT_EXTENSIONS[kind]}", 2
    while targets.get(target, source) != source:
        target, n = f"lo-{lot}/{stem}-{n}.{DOCUMENT_EXTENSIONS[kind]}", n + 1
    targets[target] = source
    kept = folder / target
    if kept.is_file() and kept.read_bytes() == source.read_bytes():
        return target, None
    return target, source


def _parts(written: str) -> list[str]:
    """A file name as written in a cell, as the folders and name it goes through."""
    return [p for p in written.replace("\\", "/").split("/") if p not in ("", ".")]


def _beside(parts: list[str], sheet_folder: Path) -> Path | None:
    """The file a document cell names beside the sheet: at the path written, or by its name."""
    candidates = [sheet_folder.joinpath(*parts), sheet_folder / parts[-1]]
    return next((c for c in candidates if _within(c, sheet_folder) and c.is_file()), None)


def documents_beside(workbook: Workbook) -> list[Path]:
    """The files beside a lot log that its document cells name (rows shown, below the header):
    those an import of it takes, for whoever handles the files given with it (the import
    workflow, which moves them with the log and imports none of them again)."""
    found: dict[Path, None] = {}
    for table, layout in workbook.lots:
        columns = layout.indexes_of("documents")
        for row in table.rows[layout.start:]:
            if row.number in table.hidden_rows:
                continue
            for index in columns:
                cell = row.cells[index] if index < len(row.cells) else None
                try:
                    entries = document_entries(cell) if cell not in (None, "") else []
                except CellError:
                    continue  # the import says so at its cell
                for entry in entries:
                    parts = _parts(entry.file or "")
                    if parts and ".." not in parts and (
                            path := _beside(parts, workbook.path.parent)) is not None:
                        found[path] = None
    return list(found)


def _within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def _merge_product(product: ProductLots, ruamel: bool) -> Any:
    """Merges the product's valid lots into its record and returns it: as plain data (``ruamel``
    False) to learn what changes, setting each lot's action and differences (kept as
    ``product.merged``); as the round-trip document to write with its comments and layout."""
    doc = round_trip().load(product.base) if ruamel else yaml.load(product.base, Loader=SafeLoader)
    if not isinstance(doc, MutableMapping):
        doc = CommentedMap() if ruamel else {}
    batches = doc.get("batches")
    if not isinstance(batches, list):
        batches = CommentedSeq() if ruamel else []
    for i, change in enumerate(product.lots):
        if change.action == "invalid":
            continue
        action, diffs, index = merge_lot(batches, change.draft, product.documents.get(i, []))
        if not ruamel:
            change.action, change.diffs, change.index = action, diffs, index
            kept = str(batches[index].get("lot", ""))
            if kept != change.draft.lot:
                change.problems.append(LotProblem.at_cell(change.draft.where, "", "lot_case",
                                                     error=False, given=change.draft.lot, kept=kept))
                change.draft.lot = kept
            change.merged_events = [(stage_key(str(e.get("step", ""))), as_day(e.get("date")))
                                    for e in batches[index].get("events") or []
                                    if isinstance(e, MutableMapping)]
    if batches and "batches" not in doc:
        put(doc, "batches", batches, RECORD_ORDER)
    if not ruamel:
        product.merged = doc
    return doc


def _record_text(product: ProductLots) -> str:
    """The record with its lots merged: new lots written after the record's own (its text kept
    byte for byte), or, when a lot the record holds changes, the whole record through ruamel's
    round trip."""
    if not any(c.action == "update" for c in product.lots):
        new = [product.merged["batches"][c.index] for c in product.lots
               if c.action == "new" and c.index is not None]
        text = appended_text(product.base, new, product.merged)
        if text is not None:
            return text
    return dump_round_trip(_merge_product(product, ruamel=True))


# --- checking ------------------------------------------------------------------------------------


def _check(staged: list[ProductLots], config: SiteConfig) -> list[LotProblem]:
    """The rules of ``ocop check`` on the records as they would be written (with the documents
    they would copy); problems placed at the cells of the lots they are about."""
    if not staged:
        return []
    problems: list[LotProblem] = []
    records = [StagedRecord(p.id, p.text, p.path.parent, {
        document["file"]: source for documents in p.documents.values()
        for document, source in documents if source is not None}) for p in staged]
    with staged_catalog(config, records) as (catalog, found):
        by_id = {p.id: p for p in staged}
        for problem in found.items:
            owner = by_id.get(problem.path.parent.name)
            if owner is None or problem.severity.value == "note" or \
                    problem.code == UNTRANSLATED_CODE:
                continue
            placed = _place(problem, owner)
            if placed is not None:
                problems.append(placed)
        _after_check(catalog, by_id, config)
    return problems


def _place(problem: Any, product: ProductLots) -> LotProblem | None:
    """A problem of ``ocop check`` at the cell it is about; problems with parts of the record
    the sheet did not touch are left to ``ocop check`` (errors there still stop the import)."""
    path = problem.field
    error = problem.severity.value == "error"
    change = next((c for c in product.lots if c.index is not None and c.action != "invalid"
                   and (path == f"batches[{c.index}]" or path.startswith(f"batches[{c.index}]."))),
                  None)
    if change is None:
        if not error:
            return None
        first = product.lots[0].draft.where
        placed = LotProblem(first.row, None, path, problem.code, problem.message, True,
                            sheet_name=first.sheet)
        for other in product.lots:
            other.problems.append(placed)
        return placed
    inner = path.removeprefix(f"batches[{change.index}]").lstrip(".")
    where = _cell(inner, change)
    placed = LotProblem(where.row, where.column, _header(inner), problem.code, problem.message,
                        error, sheet_name=where.sheet)
    change.problems.append(placed)
    return placed


_AREA_KEYS = {"name": "area", "code": "area_code", "gln": "area_gln"}


def _header(path: str) -> str:
    """The column a field of a lot is written in, as the template names it ('Ngày sản xuất' for
    'produced', 'GLN địa điểm' for 'events[0].gln'); '' for the lot as a whole."""
    if not path:
        return ""
    head, leaf = path.split(".")[0].split("[")[0], path.split(".")[-1].split("[")[0]
    columns, key = LOT_COLUMNS, head
    if head == "events":
        columns, key = STAGE_COLUMNS, leaf if "." in path else "date"
    elif head == "areas":
        key = _AREA_KEYS.get(leaf, "area")
    return next((c.vi for c in columns if c.key == key), leaf)


def _cell(path: str, change: LotChange) -> Where:
    """The sheet cell a field of a merged lot came from ('events[2].date'), or the lot's row."""
    draft = change.draft
    head = path.split(".")[0].split("[")[0]
    if head == "events" and draft.events:
        index = int(path.split("[")[1].split("]")[0]) if "[" in path else 0
        event = _event_at(change, index)
        if event is not None:
            name = path.split(".")[1] if "." in path else "date"
            return event.cells.get(name) or event.cells.get("date") or draft.where
    if head in draft.cells:
        return draft.cells[head]
    if head == "areas" and draft.areas and draft.areas[0].where:
        return draft.areas[0].where
    if head == "documents" and draft.documents:
        return draft.documents[0].where
    return draft.where


def _event_at(change: LotChange, index: int) -> Any:
    """The sheet's stage that is the record's ``index``-th after the merge (by step and date)."""
    given = change.draft.events
    if index >= len(change.merged_events):
        return given[0] if given else None
    step, day = change.merged_events[index]
    return next((e for e in given if stage_key(e.step) == step and e.date == day), None)


def _after_check(catalog: Catalog, by_id: dict[str, ProductLots], config: SiteConfig) -> None:
    """From the records as they would be: what each lot still lacks (Circular 02/2024), and
    whether its product may carry the OCOP mark today (then its stamps can be printed)."""
    today = config.today()
    for product in catalog.products:
        lots = by_id.get(product.id)
        if lots is None:
            continue
        mark = status_on(product, today, config.rules).status.shows_mark
        for change in lots.lots:
            if change.index is None or change.index >= len(product.batches):
                continue
            batch = product.batches[change.index]
            change.missing = [(f"{i.number} ({i.short_vi})", f"{i.number} ({i.short_en})")
                              for i in completeness(product, batch).missing]
            change.stamp = mark


# --- writing -------------------------------------------------------------------------------------


def apply_lots(plan: LotPlan, skip_invalid: bool = False) -> list[ProductLots]:
    """Copies the documents and writes the records that change (each file replaced at once).
    Refuses when the plan has errors, unless ``skip_invalid``: then the lots with errors are left
    out (the product's other lots are written)."""
    if plan.errors and not skip_invalid:
        raise ValueError("the plan has errors")
    written = []
    for product in plan.products:
        valid = [c for c in product.lots if c.action in ("new", "update")]
        if not valid:
            continue
        text = product.text
        if any(c.action == "invalid" for c in product.lots) or not text:
            _merge_product(product, ruamel=False)  # without the lots the check refused
            text = _record_text(product)
        for i, change in enumerate(product.lots):
            if change.action not in ("new", "update"):
                continue
            for document, source in product.documents.get(i, []):
                if source is not None:
                    write_file(product.path.parent / document["file"], source.read_bytes())
        write_file(product.path, text.encode("utf-8"))
        written.append(product)
    return written
