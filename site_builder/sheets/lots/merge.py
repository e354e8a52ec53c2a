"""Lots merged into a record: on plain data (to learn what changes) or on ruamel's round-trip
document (to keep comments and layout), with the same functions; and new lots written after the
record's own as YAML lines, leaving the rest of its text as it is.

A lot is matched by its code, ignoring case; stages by their step and how many times it came
before, areas by their code or name, documents by their file or link. A value the sheet does not
give is never deleted.
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from site_builder.records.writing import dump_plain, plain, yaml_value
from site_builder.sheets.drafts import name_key
from site_builder.sheets.lots.columns import stage_key
from site_builder.sheets.lots.reader import LotDraft

BATCH_ORDER = ("lot", "produced", "expires", "best_before", "quantity", "standards", "areas",
               "events", "documents")
EVENT_ORDER = ("step", "date", "place", "gln", "location_code", "actor")
AREA_ORDER = ("name", "code", "gln")
# The record's fields in order: ``batches`` goes after the last of these a record has.
RECORD_ORDER = ("id", "name", "product_set", "story", "producer", "certifications", "gtin",
                "photos", "standards", "where_to_buy", "brand", "shelf_life", "batches",
                "withdrawn", "to_confirm")
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Diff:
    """One change to a lot: ``field`` is produced, quantity, ...; ``event``, ``area``,
    ``document`` for an added one, ``event.date`` and so on for a changed one (``step`` names it)."""

    field: str
    old: Any
    new: Any
    step: str = ""


def merge_lot(batches: list, draft: LotDraft, documents: list[tuple[dict[str, str], Path | None]]
              ) -> tuple[str, list[Diff], int]:
    """Merges one lot into ``batches`` (plain lists and dicts, or ruamel's): returns new, update
    or same, what changed, and where the lot is."""
    index = next((i for i, b in enumerate(batches) if isinstance(b, MutableMapping)
                  and str(b.get("lot", "")).casefold() == draft.lot.casefold()), None)
    if index is None:
        batches.append(_like(batches, _new_batch(draft, documents)))
        return "new", [], len(batches) - 1
    batch = batches[index]
    diffs: list[Diff] = []
    for key in ("produced", "expires", "best_before", "quantity", "standards"):
        if key in draft.fields:
            other = {"expires": "best_before", "best_before": "expires"}.get(key)
            if other and other in batch and key not in batch:  # the same date, now named otherwise
                diffs.append(Diff(key, batch[other], draft.fields[key]))
                del batch[other]
                put(batch, key, draft.fields[key], BATCH_ORDER)
                continue
            _set(batch, key, draft.fields[key], BATCH_ORDER, diffs)
    _merge_areas(batch, draft, diffs)
    _merge_events(batch, draft, diffs)
    _merge_documents(batch, documents, diffs)
    return ("update" if diffs else "same"), diffs, index


def _new_batch(draft: LotDraft, documents: list[tuple[dict[str, str], Path | None]]) -> dict:
    batch: dict[str, Any] = {"lot": draft.lot}
    for key in ("produced", "expires", "best_before", "quantity", "standards"):
        if key in draft.fields:
            batch[key] = draft.fields[key]
    if draft.areas:
        batch["areas"] = [_area(a) for a in draft.areas]
    if draft.events:
        batch["events"] = [e.data() for e in sorted(draft.events, key=lambda e: e.date)]
    if documents:
        batch["documents"] = [d for d, _ in documents]
    return batch


def _area(area: Any) -> dict[str, str]:
    return {k: v for k, v in (("name", area.name), ("code", area.code), ("gln", area.gln)) if v}


def _merge_areas(batch: MutableMapping, draft: LotDraft, diffs: list[Diff]) -> None:
    if not draft.areas:
        return
    areas = batch.get("areas")
    if not isinstance(areas, list):
        put(batch, "areas", [], BATCH_ORDER)
        areas = batch["areas"]
    for area in draft.areas:
        given = _area(area)
        found = next((a for a in areas if isinstance(a, MutableMapping) and (
            (area.code and str(a.get("code", "")).casefold() == area.code.casefold())
            or (not area.code and name_key(str(a.get("name", ""))) == name_key(area.name)))), None)
        if found is None:
            areas.append(_like(areas, given))
            diffs.append(Diff("area", None, area.name + (f" ({area.code})" if area.code else "")))
            continue
        for key, value in given.items():
            if key == "name" and not area.code and name_key(str(found.get("name"))) == name_key(value):
                continue
            _set(found, key, value, AREA_ORDER, diffs, f"area.{key}", area.name)


def _merge_events(batch: MutableMapping, draft: LotDraft, diffs: list[Diff]) -> None:
    """Stages matched by their step and how many times it came before; a stage the sheet adds
    goes in date order among the record's."""
    if not draft.events:
        return
    events = batch.get("events")
    if not isinstance(events, list):
        put(batch, "events", [], BATCH_ORDER)
        events = batch["events"]
    seen: dict[str, int] = {}
    for event in sorted(draft.events, key=lambda e: e.date):
        key = stage_key(event.step)
        nth = seen.get(key, 0)
        seen[key] = nth + 1
        same = [e for e in events if isinstance(e, MutableMapping)
                and stage_key(str(e.get("step", ""))) == key]
        if nth < len(same):
            found = same[nth]
            for name, value in event.data().items():
                if value is None or name == "step" or (name == "place" and "place" not in event.cells
                                                       and found.get("place")):
                    continue  # a place the sheet does not give: the record's stays
                _set(found, name, value, EVENT_ORDER, diffs, f"event.{name}", event.step)
            continue
        days = [as_day(e.get("date")) for e in events if isinstance(e, MutableMapping)]
        events.insert(sum(1 for day in days if day is not None and day <= event.date),
                      _like(events, event.data()))
        diffs.append(Diff("event", None, event.date, event.step))


def as_day(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _merge_documents(batch: MutableMapping, documents: list[tuple[dict[str, str], Path | None]],
                     diffs: list[Diff]) -> None:
    if not documents:
        return
    held = batch.get("documents")
    if not isinstance(held, list):
        put(batch, "documents", [], BATCH_ORDER)
        held = batch["documents"]
    for document, source in documents:
        where = "url" if "url" in document else "file"
        found = next((d for d in held if isinstance(d, MutableMapping)
                      and str(d.get(where, "")) == document[where]), None)
        if found is None:
            held.append(_like(held, document))
            diffs.append(Diff("document", None, document[where]))
        elif source is not None:
            diffs.append(Diff("document.file", document[where], document[where]))  # a new copy
        # A title the record holds is kept: the sheet's may only be the file's name.


def _set(mapping: MutableMapping, key: str, value: Any, order: tuple[str, ...], diffs: list[Diff],
         shown: str | None = None, step: str = "") -> None:
    old = mapping.get(key)
    if _same(old, value):
        return
    put(mapping, key, value, order)
    diffs.append(Diff(shown or key, plain(old), value, step))


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return old.strip() == new.strip()
    if isinstance(old, list) and isinstance(new, list):
        return [str(x).strip() for x in old] == [str(x).strip() for x in new]
    return bool(old == new)


def put(mapping: MutableMapping, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Sets ``key``, a new key in its place among the record's fields (ruamel keeps the order)."""
    value = _like(mapping, value)
    if key in mapping or not isinstance(mapping, CommentedMap):
        mapping[key] = value
        return
    rank = order.index(key) if key in order else len(order)
    position = sum(1 for k in mapping if (order.index(k) if k in order else len(order)) <= rank)
    mapping.insert(position, key, value)


def _like(container: Any, value: Any) -> Any:
    """``value`` as the container holds values: ruamel's maps and sequences, or plain ones."""
    if isinstance(container, (CommentedMap, CommentedSeq)):
        return yaml_value(value)
    return copy.deepcopy(value)


def appended_text(record: str, new: list[Any], merged: Any) -> str | None:
    """The ``record``'s text with the ``new`` lots added as YAML lines after its last lot (or as
    a new ``batches`` before ``withdrawn`` and ``to_confirm``), so nothing of it is rewritten;
    None when its layout is not one this can follow. The result must read back as ``merged``."""
    try:
        root = yaml.compose(record, Loader=SafeLoader)
    except yaml.YAMLError:
        return None
    if not new or not isinstance(root, yaml.MappingNode):
        return None
    base = record if record.endswith("\n") else record + "\n"
    keys = {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    if any(k.start_mark.column for k, _ in keys.values()):
        return None
    if "batches" in keys:
        sequence = keys["batches"][1]
        if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style or not sequence.value:
            return None
        dash = sequence.value[0].start_mark.column - 2
        at = _line_after(_last_scalar(sequence), base)
        block = _items(new, dash) if dash >= 0 else None
    else:
        following = [keys[k][0].start_mark.index for k in ("withdrawn", "to_confirm") if k in keys]
        at = _above_comments(base, min(following)) if following else len(base)
        block = "batches:\n" + _items(new, 0)
    if block is None:
        return None
    text = base[:at] + block + base[at:]
    try:
        reread = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return None
    return text if reread == merged else None


def _items(batches: list[Any], indent: int) -> str:
    text = dump_plain(batches)
    return "".join(" " * indent + line if line.strip() else line
                   for line in text.splitlines(keepends=True))


def _last_scalar(node: Any) -> Any:
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value:
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    return node


def _line_after(node: Any, text: str) -> int:
    """Where the line after ``node`` starts (after a comment on its line, before those below)."""
    index = node.end_mark.index
    if index == 0 or text[index - 1] == "\n":
        return index
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _above_comments(text: str, index: int) -> int:
    """The start of the comment lines right above ``index`` (they belong to the key below)."""
    lines = text[:index].splitlines(keepends=True)
    while lines and lines[-1].lstrip().startswith("#"):
        lines.pop()
    return sum(len(line) for line in lines)
