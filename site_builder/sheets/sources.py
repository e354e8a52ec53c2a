"""What ``ocop import`` is given, and which of its sheets hold a list.

``read_source`` is the one place that decides how a path is read: a workbook or CSV file is read
sheet by sheet; every visible sheet whose first rows hold a list's header is a list (a workbook
may hold one annex per star level or per district); a sheet without one is passed over with its
reason, and its text is kept for the facts a cover sheet states once for the workbook (decision,
date, authority, province). Nothing here knows what a product is beyond the header words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_builder.problems import Message
from site_builder.sheets import texts
from site_builder.sheets.annex import HEADER_SEARCH_ROWS, Layout, find_layout
from site_builder.sheets.tables import Table, TableError, read_tables

# How a kind of list is told from its header: its layout, or None. A sheet is the first kind
# whose recogniser finds a layout in it.
Recogniser = Callable[[Table], Any]
PRODUCT_LISTS: tuple[tuple[str, Recogniser], ...] = (("products", find_layout),)


@dataclass
class ListSheet:
    """A sheet that holds a list: where its table is (``layout``, as its kind's recogniser
    found it)."""

    table: Table
    layout: Layout
    kind: str = "products"

    @property
    def name(self) -> str:
        return self.table.sheet or self.table.path.name


@dataclass(frozen=True)
class PassedSheet:
    """A sheet not read as a list, and why (a message of the importer's catalogue)."""

    name: str
    reason: Message


@dataclass
class Source:
    path: Path
    sheets: list[ListSheet]
    passed: list[PassedSheet] = field(default_factory=list)
    covers: list[Table] = field(default_factory=list)  # sheets without a list, for their facts


def read_source(path: Path, sheet: str | None = None,
                kinds: Sequence[tuple[str, Recogniser]] = PRODUCT_LISTS) -> Source:
    """Every list ``path`` holds (or the sheet named), of the ``kinds`` asked for. Raises
    TableError for a path that is no table or holds no list. (A folder never comes here: the
    command line hands it to the folder import, site_builder/media_import.)"""
    hidden: list[str] = []
    source = Source(path, [])
    for table in read_tables(path, sheet, hidden):
        found = next(((kind, layout) for kind, recognise in kinds
                      if (layout := recognise(table)) is not None), None)
        if found is not None:
            source.sheets.append(ListSheet(table, found[1], found[0]))
            continue
        reason = texts.message("sheet_no_list", rows=HEADER_SEARCH_ROWS) if table.rows \
            else texts.message("sheet_empty")
        source.passed.append(PassedSheet(table.sheet or path.name, reason))
        source.covers.append(table)
    source.passed.extend(PassedSheet(name, texts.message("sheet_hidden")) for name in hidden)
    if not source.sheets:
        tried = [p.name for p in source.passed if p.reason != texts.message("sheet_hidden")]
        where = ", ".join(f"'{t}'" for t in tried) or "—"
        # A list on a hidden sheet is the likeliest reason, and --sheet reads it.
        unread = texts.message("hidden_sheets_unread", sheets=", ".join(f"'{h}'" for h in hidden),
                               first=hidden[0]) if hidden else Message("", "")
        raise TableError("no_product_table", path, rows=HEADER_SEARCH_ROWS, where=where,
                         hidden=unread)
    return source
