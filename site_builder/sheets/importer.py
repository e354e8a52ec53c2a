"""``ocop import``: a spreadsheet of OCOP products becomes records under ``products/``.

The pipeline: read the table (spreadsheet.py), find the header row and its columns
(sheet_columns.py), group rows into products, turn cells into record values, merge them into
the existing record when updating, then check every resulting record with exactly the rules
of ``ocop check`` by loading them from a scratch folder. Problems are mapped back to the
sheet's row and column. Nothing is written unless every product passes (or ``--skip-invalid``
leaves the failing ones out), and an existing record changes only with ``--update``.

Records are written with ruamel.yaml in round-trip mode, so an update keeps the record's
comments, key order and formatting, and changes only the fields the sheet gives.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from ..config import SiteConfig
from ..places import ascii_fold
from ..records import ID_PATTERN
from .columns import (
    CERTIFICATION,
    COLUMNS,
    IGNORED_HEADERS,
    CellError,
    Column,
    column_for_header,
    header_key,
    parse_cell,
)
from .tables import Table, column_letter
from ..validate import RECORD_NAME, load_catalog

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema.json\n"
# The order of fields in a new record, as in the sample records.
KEY_ORDER = ("id", "name", "product_set", "story", "producer", "certifications", "gtin", "brand",
             "shelf_life", "standards", "where_to_buy", "withdrawn")
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class SheetProblem:
    row: int
    column: int | None
    header: str
    vi: str
    en: str
    error: bool = True

    def format(self, path: Path, lang: str = "vi") -> str:
        where = f"{path.name}:{self.row}" + (f":{column_letter(self.column)}"
                                             if self.column is not None else "")
        kind = ("lỗi" if self.error else "cảnh báo") if lang == "vi" else (
            "error" if self.error else "warning")
        header = f" {self.header}:" if self.header else ""
        return f"{where}:{header} {kind}: {self.en if lang == 'en' else self.vi}"


@dataclass
class Draft:
    """One product as the sheet gives it."""

    id: str
    rows: list[int]
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)  # field path -> (row, col)
    unreadable: set[str] = field(default_factory=set)  # field paths whose cell was reported
    first_row: dict[str, Any] = field(default_factory=dict)  # product columns, as first given
    shop_kinds: set[str] = field(default_factory=set)  # storefront columns the sheet fills


@dataclass
class Change:
    id: str
    action: str  # new, update, same, exists (kept: no --update), invalid
    path: Path
    rows: list[int]
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (field, old, new)
    text: str = ""  # the record as it would be written


@dataclass
class ImportPlan:
    source: Path
    changes: list[Change]
    problems: list[SheetProblem]

    @property
    def errors(self) -> list[SheetProblem]:
        return [p for p in self.problems if p.error]


# --- reading the sheet ----------------------------------------------------------------------


def _header_row(table: Table) -> tuple[int, dict[int, Column], list[SheetProblem]]:
    """The row that names the columns: offices put titles above it, so the first rows are
    searched for the one naming most known columns."""
    best: tuple[int, dict[int, Column]] = (-1, {})
    for position, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        found = {i: c for i, cell in enumerate(row.cells) if cell is not None
                 and (c := column_for_header(str(cell)))}
        if len(found) > len(best[1]):
            best = (position, found)
    position, columns = best
    if len(columns) < 3:
        raise ValueError("không tìm thấy dòng tiêu đề cột (Mã sản phẩm, Tên sản phẩm, Số sao, ...) "
                         "trong 10 dòng đầu / no header row (Product ID, Product name, Stars, ...) "
                         "in the first 10 rows")
    problems = []
    header = table.rows[position]
    seen: dict[str, int] = {}
    for index, cell in enumerate(header.cells):
        if cell is None:
            continue
        column = columns.get(index)
        if column is None:
            if header_key(str(cell)) not in IGNORED_HEADERS:
                problems.append(SheetProblem(header.number, index, str(cell),
                                             "cột này không được dùng, bỏ qua",
                                             "this column is not used; ignored", error=False))
        elif column.path in seen:
            problems.append(SheetProblem(
                header.number, index, str(cell),
                f"cột trùng với cột {column_letter(seen[column.path])}", "duplicate column"))
        else:
            seen[column.path] = index
    return position, columns, problems


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_fold(text)).strip("-")[:40].strip("-")
    return slug or "san-pham"


def _set(data: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def read_drafts(table: Table, existing: dict[str, tuple[str, str]]
                ) -> tuple[list[Draft], list[SheetProblem], dict[int, Column]]:
    """Rows grouped into products. ``existing`` maps the ids of records already in the
    catalog to (name, producer), so a row without an id finds its record by name."""
    position, columns, problems = _header_row(table)
    id_column = next((i for i, c in columns.items() if c.path == "id"), None)
    name_column = next((i for i, c in columns.items() if c.path == "name.vi"), None)
    producer_column = next((i for i, c in columns.items() if c.path == "producer.name"), None)
    by_name = {(header_key(n), header_key(p)): i for i, (n, p) in existing.items()}
    drafts: dict[str, Draft] = {}
    taken = set(existing)

    def cell(row: Any, index: int | None) -> Any:
        return row.cells[index] if index is not None and index < len(row.cells) else None

    for row in table.rows[position + 1:]:
        given = cell(row, id_column)
        if given not in (None, ""):
            product_id = str(given).strip()
            if not re.match(ID_PATTERN, product_id):
                problems.append(SheetProblem(
                    row.number, id_column, columns[id_column].vi,  # type: ignore[index]
                    f"mã '{product_id}' không hợp lệ: chỉ chữ thường không dấu, số và gạch nối, "
                    "tối đa 40 ký tự (vd. buoi-lam-son)",
                    f"id '{product_id}' is invalid: lower-case ASCII letters, digits and hyphens"))
                continue
        else:
            name, producer = cell(row, name_column), cell(row, producer_column)
            if name in (None, ""):
                problems.append(SheetProblem(row.number, name_column, "Tên sản phẩm",
                                             "dòng không có mã sản phẩm và tên sản phẩm",
                                             "the row has neither a product id nor a name"))
                continue
            key = (header_key(str(name)), header_key(str(producer or "")))
            product_id = by_name.get(key, "")
            if not product_id:
                base = _slug(str(name))
                product_id, n = base, 2
                while product_id in taken:
                    product_id, n = f"{base[:36]}-{n}", n + 1
                by_name[key] = product_id
        taken.add(product_id)
        draft = drafts.setdefault(product_id, Draft(product_id, [], {"id": product_id}))
        _read_row(draft, row, columns, problems)
    return list(drafts.values()), problems, columns


def _read_row(draft: Draft, row: Any, columns: dict[int, Column],
              problems: list[SheetProblem]) -> None:
    first = not draft.rows
    draft.rows.append(row.number)
    certification: dict[str, Any] = {}
    cert_cells: dict[str, tuple[int, int]] = {}
    for index, column in columns.items():
        value = row.cells[index] if index < len(row.cells) else None
        if value in (None, ""):
            continue
        try:
            parsed = parse_cell(column, value)
        except CellError as exc:
            problems.append(SheetProblem(row.number, index, column.vi, exc.args[0], exc.args[1]))
            draft.unreadable.add(column.path if column.level != CERTIFICATION else
                                 f"certifications[{len(draft.data.get('certifications', []))}]"
                                 f".{column.path}")
            continue
        if column.level == CERTIFICATION:
            _set(certification, column.path, parsed)
            cert_cells[column.path] = (row.number, index)
        elif not first:
            earlier = draft.first_row.get(column.path)
            if earlier is not None and earlier != parsed:
                problems.append(SheetProblem(
                    row.number, index, column.vi,
                    f"khác với dòng {draft.rows[0]} của cùng sản phẩm '{draft.id}'; các dòng "
                    "của một sản phẩm chỉ khác nhau ở cột chứng nhận",
                    f"differs from row {draft.rows[0]} of the same product"))
        elif column.kind == "shop":
            shops = draft.data.setdefault("where_to_buy", [])
            for entry in parsed:
                draft.cells[f"where_to_buy[{len(shops)}]"] = (row.number, index)
                shops.append(entry)
            draft.shop_kinds.add(column.path.split(":", 1)[1])
        else:
            _set(draft.data, column.path, parsed)
            draft.cells[column.path] = (row.number, index)
        if first and column.level != CERTIFICATION:
            draft.first_row[column.path] = parsed
    if certification:
        certs = draft.data.setdefault("certifications", [])
        for path, where in cert_cells.items():
            draft.cells[f"certifications[{len(certs)}].{path}"] = where
        draft.cells[f"certifications[{len(certs)}]"] = (row.number, -1)
        certs.append(certification)


# --- merging into a record ------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 100
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.preserve_quotes = True
    return yaml


def _yaml_value(value: Any) -> Any:
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value.rstrip("\n") + "\n")
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = _yaml_value(item)
        return out
    if isinstance(value, list):
        return CommentedSeq(_yaml_value(v) for v in value)
    return value


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return old.strip() == new.strip()
    return old == new


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


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
    target[parts[-1]] = _yaml_value(value)
    changed.append((shown or path, _plain(old), value))


def _flatten(data: dict, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, path + "."))
        else:
            out.append((path, value))
    return out


def merge(doc: CommentedMap, draft: Draft) -> tuple[list[tuple[str, Any, Any]], dict[str, tuple[int, int]]]:
    """Writes the sheet's values into ``doc``: only fields the sheet gives, certifications
    matched by decision number, storefronts replaced per kind given. Returns what changed and
    where each field of the merged record came from in the sheet."""
    changed: list[tuple[str, Any, Any]] = []
    cells = {k: v for k, v in draft.cells.items()
             if not k.startswith(("certifications[", "where_to_buy["))}
    data = draft.data
    for path, value in _flatten({k: v for k, v in data.items()
                                 if k not in ("certifications", "where_to_buy")}):
        _assign(doc, path, value, changed)
    certs = doc.setdefault("certifications", CommentedSeq())
    for i, cert in enumerate(data.get("certifications", [])):
        number = str(cert.get("decision", "")).strip().casefold()
        at = next((j for j, c in enumerate(certs)
                   if number and str(c.get("decision", "")).strip().casefold() == number), None)
        added = at is None
        if added:
            at = len(certs)
            certs.append(CommentedMap())
            changed.append((f"certifications[{at}]", None, cert.get("decision")))
        for path, value in _flatten(cert):
            _assign(certs[at], path, value, [] if added else changed, f"certifications[{at}].{path}")
        for key, where in draft.cells.items():
            if key.startswith(f"certifications[{i}]"):
                cells[key.replace(f"certifications[{i}]", f"certifications[{at}]", 1)] = where
    kinds = draft.shop_kinds
    if kinds:
        old_shops = [_plain(s) for s in doc.get("where_to_buy") or []]
        kept = [s for s in old_shops if s.get("kind") not in kinds]
        given = data.get("where_to_buy", [])
        new_shops = kept + given
        if new_shops != old_shops:
            doc["where_to_buy"] = _yaml_value(new_shops)
            changed.append(("where_to_buy", old_shops, new_shops))
        for i in range(len(given)):
            if (where := draft.cells.get(f"where_to_buy[{i}]")):
                cells[f"where_to_buy[{len(kept) + i}]"] = where
    if not certs:
        del doc["certifications"]
    return changed, cells


def _ordered(doc: CommentedMap) -> CommentedMap:
    out = CommentedMap()
    for key in sorted(doc, key=lambda k: KEY_ORDER.index(k) if k in KEY_ORDER else len(KEY_ORDER)):
        out[key] = doc[key]
    return out


def _dump(doc: CommentedMap, header: str = "") -> str:
    stream = io.StringIO()
    _yaml().dump(doc, stream)
    return header + stream.getvalue()


# --- planning, checking, writing ------------------------------------------------------------


def plan_import(table: Table, config: SiteConfig, update: bool = False) -> ImportPlan:
    """What importing ``table`` would do, with every problem found; writes nothing."""
    existing_catalog, _ = load_catalog(config, traceability_notes=False)
    existing = {p.id: (p.name.vi, p.producer.name) for p in existing_catalog.products}
    drafts, problems, columns = read_drafts(table, existing)
    changes: list[Change] = []
    cell_maps: dict[str, dict[str, tuple[int, int]]] = {}
    unreadable = {d.id: d.unreadable for d in drafts}
    for draft in drafts:
        target = config.products_dir / draft.id / RECORD_NAME
        if target.exists() and not update:
            changes.append(Change(draft.id, "exists", target, draft.rows))
            continue
        if target.exists():
            try:
                doc = _yaml().load(target.read_text(encoding="utf-8")) or CommentedMap()
            except Exception as exc:  # noqa: BLE001 - any unreadable record is reported alike
                problems.append(SheetProblem(
                    draft.rows[0], None, "", f"hồ sơ hiện có {target} không đọc được ({exc}); "
                    "sửa nó trước (ocop check)", f"the existing record {target} cannot be read"))
                changes.append(Change(draft.id, "invalid", target, draft.rows))
                continue
            if not isinstance(doc, CommentedMap):
                doc = CommentedMap()
            changed, cells = merge(doc, draft)
            action = "update" if changed else "same"
            written = _dump(doc)
        else:
            doc = CommentedMap()
            changed, cells = merge(doc, draft)
            action = "new"
            written = _dump(_ordered(doc), SCHEMA_COMMENT)
        cell_maps[draft.id] = cells
        changes.append(Change(draft.id, action, target, draft.rows, changed, written))
    problems.extend(_check(changes, cell_maps, unreadable, columns, config, existing_catalog))
    failing = {p.row for p in problems if p.error}
    for change in changes:
        if failing.intersection(change.rows):
            change.action = "invalid"
    return ImportPlan(table.path, changes, problems)


def _check(changes: list[Change], cell_maps: dict[str, dict[str, tuple[int, int]]],
           unreadable: dict[str, set[str]], columns: dict[int, Column], config: SiteConfig,
           existing_catalog: Any
           ) -> list[SheetProblem]:
    """The rules of ``ocop check``, run on the records as they would be written."""
    staged = [c for c in changes if c.action in ("new", "update")]
    if not staged:
        return []
    problems: list[SheetProblem] = []
    with tempfile.TemporaryDirectory(prefix="ocop-import-") as scratch:
        folder = Path(scratch) / "products"
        folder.mkdir()
        for change in staged:
            home = folder / change.id
            if change.action == "update":  # photos and documents the record names come along
                shutil.copytree(change.path.parent, home, symlinks=True)
            home.mkdir(exist_ok=True)
            (home / RECORD_NAME).write_text(change.text, encoding="utf-8")
        catalog, found = load_catalog(replace(config, products_dir=folder, cache_dir=None),
                                      traceability_notes=False)
        by_id = {c.id: c for c in staged}
        for problem in found.items:
            change = by_id.get(problem.path.parent.name)
            if change is None or problem.field in unreadable.get(change.id, ()):
                continue  # a cell already reported as unreadable
            row, column = _locate(problem.field, cell_maps.get(change.id, {}), change.rows[0])
            header = columns.get(column) if column is not None else _column_named(problem.field)
            if column is None and header is not None:  # an empty cell of a column the sheet has
                column = next((i for i, c in columns.items() if c == header), None)
            problems.append(SheetProblem(
                row, column, header.vi if header else problem.field, problem.message.vi,
                problem.message.en, error=problem.severity.value == "error"))
    sheet_ids = {c.id for c in changes}
    used = {p.gtin.zfill(14): p.id for p in existing_catalog.products
            if p.gtin and p.id not in sheet_ids}
    for product in catalog.products:
        owner = used.get((product.gtin or "").zfill(14)) if product.gtin else None
        if owner:
            row, column = _locate("gtin", cell_maps.get(product.id, {}), by_id[product.id].rows[0])
            problems.append(SheetProblem(row, column, "GTIN (mã vạch)",
                                         f"GTIN {product.gtin} đã dùng cho sản phẩm '{owner}'",
                                         f"GTIN {product.gtin} is already used by '{owner}'"))
    return problems


def _column_named(field_path: str) -> Column | None:
    """The column a field comes from when no cell gave it (a required value left out):
    'certifications[1].stars' -> Số sao; 'story' -> Câu chuyện sản phẩm."""
    path = re.sub(r"^certifications\[\d+\]\.?", "", field_path)
    if not path:
        return None
    return next((c for c in COLUMNS if c.path == path or c.path.startswith(path + ".")), None)


def _locate(field_path: str, cells: dict[str, tuple[int, int]], first_row: int
            ) -> tuple[int, int | None]:
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
        if change.action not in ("new", "update"):
            continue
        change.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=change.path.parent, prefix=".import-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(change.text)
        os.replace(temporary, change.path)
        written.append(change)
    return written


def describe(change: Change, root: Path, lang: str = "vi") -> list[str]:
    """Lines telling a person what the import does (or would do) with one product."""
    try:
        shown = change.path.relative_to(root)
    except ValueError:
        shown = change.path
    rows = ", ".join(str(r) for r in change.rows)
    vi = lang != "en"
    head = {
        "new": ("+", f"hồ sơ mới {shown}", f"new record {shown}"),
        "update": ("~", f"cập nhật {shown}", f"update {shown}"),
        "same": ("=", "không thay đổi", "unchanged"),
        "exists": ("!", "đã có hồ sơ, giữ nguyên (thêm --update để cập nhật)",
                   "a record exists, left as it is (add --update to update it)"),
        "invalid": ("x", "có lỗi, không ghi", "has errors, not written"),
    }[change.action]
    lines = [f"{head[0]} {change.id} ({'dòng' if vi else 'rows'} {rows}): {head[1] if vi else head[2]}"]
    if change.action == "update":
        for path, old, new in change.fields:
            lines.append(f"    {path}: {_short(old)} -> {_short(new)}")
    return lines


def _short(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = "—" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."
