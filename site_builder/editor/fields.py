"""The editor's fields, made from the records' JSON Schema so the form and ``ocop check`` never
disagree about what a record holds.

Each property of the schema becomes one Decap CMS field, in the schema's order, which is the
record's field order: Decap writes a file's fields in the order of its configuration. A schema
construct this module does not know stops the build (``SchemaNotCovered``) rather than leaving
a field out of the form; so does a field without a label in ``labels/<lang>.yml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from site_builder.domain.taxonomy import PRODUCER_TYPES, PRODUCT_SETS, REGIMES

LABELS_DIR = Path(__file__).parent / "labels"
# Text longer than a line (a story): a text area rather than a one-line box.
LONG_TEXT = 2000
DATE_FORMAT = "YYYY-MM-DD"  # how Decap writes a date: the records' ISO text
# Fields whose value names a file in the product's folder.
FILE_FIELDS = {"photos.file": "image", "batches.documents.file": "file"}
MAP_WIDGET = "ocop-map"  # admin.js: a mapping of notes a person confirms one by one


class SchemaNotCovered(ValueError):
    """A part of the record schema the editor has no field for: ``path`` names it."""

    def __init__(self, path: str, what: str) -> None:
        self.path = path
        super().__init__(f"{path}: {what}")


@dataclass(frozen=True)
class Labels:
    """The editor's words in one language (``labels/<lang>.yml``)."""

    lang: str
    words: Mapping[str, Any]

    def field(self, path: str, def_name: str, name: str, localized: bool) -> dict[str, str]:
        fields = self.words["fields"]
        found = fields.get(path) or fields.get(f"{def_name}.{name}")
        if found is None and localized:
            found = {"label": self.words["languages"].get(name)}
        if not found or not found.get("label"):
            raise SchemaNotCovered(path, f"no label in labels/{self.lang}.yml")
        return found

    def options(self, path: str, values: list[Any]) -> list[dict[str, Any]]:
        """The choices of a field whose values are codes, each with its label: from the
        domain where it names them, from the labels file otherwise."""
        vi = self.lang == "vi"
        domain: dict[str, Mapping[Any, str]] = {
            "producer.type": {k: t.name_vi if vi else t.name_en for k, t in PRODUCER_TYPES.items()},
            "certifications.regime": {k: r.name_vi if vi else r.name_en
                                      for k, r in REGIMES.items()},
            "product_set": {n: f"{n}. {s.name_vi if vi else s.name_en}"
                            for n, s in PRODUCT_SETS.items()},
        }
        named: Mapping[Any, str] = domain.get(path) or self.words["options"].get(path, {})
        missing = [v for v in values if v not in named]
        if missing:
            raise SchemaNotCovered(path, f"no label for {missing} in labels/{self.lang}.yml")
        return [{"label": named[v], "value": v} for v in values]

    def pattern(self, path: str) -> str:
        message = self.words["patterns"].get(path)
        if not message:
            raise SchemaNotCovered(path, f"no pattern message in labels/{self.lang}.yml")
        return str(message)


@cache
def labels(lang: str) -> Labels:
    with (LABELS_DIR / f"{lang}.yml").open(encoding="utf-8") as handle:
        return Labels(lang, yaml.safe_load(handle))


def editor_fields(schema: Mapping[str, Any], words: Labels,
                  languages: tuple[str, ...] = ("vi", "en")) -> list[dict[str, Any]]:
    """The Decap fields of a record, from its JSON Schema (``records.schema.json_schema``).
    A text's versions in languages the site does not publish are kept as they are, not shown."""
    return _Walker(schema.get("$defs", {}), words, languages).fields(schema, "", "ProductRecord",
                                                                     True)


@dataclass(frozen=True)
class _Walker:
    defs: Mapping[str, Any]
    words: Labels
    languages: tuple[str, ...]

    def fields(self, spec: Mapping[str, Any], prefix: str, def_name: str,
               enforced: bool) -> list[dict[str, Any]]:
        """The fields of an object. ``enforced``: whether its required fields are required in
        the form; not inside an optional object, which Decap would otherwise refuse to save
        empty (an optional object is written whole or not at all: see admin.js's pruning)."""
        required = set(spec.get("required", ()))
        properties = spec.get("properties", {})
        localized = def_name.startswith("Localized")
        return [self.field(name, prop, f"{prefix}{name}", def_name, localized,
                           enforced and name in required)
                for name, prop in properties.items()]

    def field(self, name: str, spec: Mapping[str, Any], path: str, parent: str, localized: bool,
              required: bool) -> dict[str, Any]:
        spec, def_name = self._resolve(self._not_null(spec, path), path)
        text = self.words.field(path, parent, name, localized)
        field: dict[str, Any] = {"name": name, "label": text["label"]}
        if text.get("hint"):
            field["hint"] = text["hint"]
        field["required"] = required
        if localized and name not in self.languages:
            field.update({"widget": "hidden", "required": False})
            return field
        field.update(self.widget(spec, path, def_name, required, text))
        return field

    def widget(self, spec: Mapping[str, Any], path: str, def_name: str, required: bool,
               text: Mapping[str, str]) -> dict[str, Any]:
        kind = spec.get("type")
        if "enum" in spec:
            return {"widget": "select", "options": self.words.options(path, list(spec["enum"]))}
        if kind == "string":
            return self._text(spec, path)
        if kind in ("integer", "number"):
            return self._number(spec, path, kind)
        if kind == "object" and "properties" in spec:
            # Optional parts are folded away, except a text in several languages (a story).
            return {"widget": "object",
                    "collapsed": not required and not def_name.startswith("Localized"),
                    "fields": self.fields(spec, path + ".", def_name, required)}
        if kind == "object" and isinstance(spec.get("additionalProperties"), Mapping) \
                and spec["additionalProperties"].get("type") == "string":
            return {"widget": MAP_WIDGET}
        if kind == "array":
            return self._list(spec, path, text)
        raise SchemaNotCovered(path, f"no editor field for {dict(spec)}")

    def _text(self, spec: Mapping[str, Any], path: str) -> dict[str, Any]:
        if spec.get("format") == "date":
            return {"widget": "datetime", "format": DATE_FORMAT, "date_format": "DD/MM/YYYY",
                    "time_format": False}
        if spec.get("format"):
            raise SchemaNotCovered(path, f"no editor field for format {spec['format']!r}")
        if path in FILE_FIELDS:
            return {"widget": FILE_FIELDS[path], "choose_url": False}
        widget: dict[str, Any] = {"widget": "text" if spec.get("maxLength", 0) > LONG_TEXT
                                  else "string"}
        if "pattern" in spec:
            widget["pattern"] = [spec["pattern"], self.words.pattern(path)]
        return widget

    def _number(self, spec: Mapping[str, Any], path: str, kind: str) -> dict[str, Any]:
        if path == "product_set":  # a number the programme names: chosen by its name
            low, high = spec.get("minimum", 1), spec.get("maximum", len(PRODUCT_SETS))
            return {"widget": "select",
                    "options": self.words.options(path, list(range(low, high + 1)))}
        widget: dict[str, Any] = {"widget": "number",
                                  "value_type": "int" if kind == "integer" else "float"}
        for key, decap in (("minimum", "min"), ("maximum", "max")):
            if key in spec:
                widget[decap] = spec[key]
        return widget

    def _list(self, spec: Mapping[str, Any], path: str, text: Mapping[str, str]
              ) -> dict[str, Any]:
        items, def_name = self._resolve(spec.get("items", {}), path)
        widget: dict[str, Any] = {"widget": "list", "collapsed": True}
        if text.get("label_singular"):
            widget["label_singular"] = text["label_singular"]
        if spec.get("minItems"):
            widget["min"] = spec["minItems"]
        if items.get("type") == "object" and "properties" in items:
            widget["fields"] = self.fields(items, path + ".", def_name, True)
            shown = [f["name"] for f in widget["fields"] if f["required"]][:2]
            widget["summary"] = " · ".join(f"{{{{fields.{n}}}}}" for n in shown)
            return widget
        if items.get("type") == "string" and not items.get("format") and "enum" not in items:
            widget["field"] = {"name": "item", "label": text.get("label_singular", text["label"]),
                               "widget": "string"}
            return widget
        raise SchemaNotCovered(path, f"no editor field for a list of {dict(items)}")

    def _resolve(self, spec: Mapping[str, Any], path: str) -> tuple[Mapping[str, Any], str]:
        if "$ref" not in spec:
            return spec, ""
        name = str(spec["$ref"]).rsplit("/", 1)[-1]
        if name not in self.defs:
            raise SchemaNotCovered(path, f"unknown reference {spec['$ref']}")
        return self.defs[name], name

    @staticmethod
    def _not_null(spec: Mapping[str, Any], path: str) -> Mapping[str, Any]:
        """An optional value's schema (``anyOf: [X, null]``) without its null."""
        if "anyOf" not in spec:
            return spec
        kinds = [s for s in spec["anyOf"] if s.get("type") != "null"]
        if len(kinds) != 1:
            raise SchemaNotCovered(path, f"no editor field for a choice of {kinds}")
        return kinds[0]


def schema_paths(schema: Mapping[str, Any]) -> list[str]:
    """Every field path of a record schema (list items without an index), in order: what the
    editor's fields must cover."""
    defs = schema.get("$defs", {})
    found: list[str] = []

    def walk(spec: Mapping[str, Any], prefix: str) -> None:
        for name, prop in spec.get("properties", {}).items():
            found.append(prefix + name)
            for option in prop.get("anyOf", [prop]):
                option = defs.get(str(option.get("$ref", "")).rsplit("/", 1)[-1], option)
                items = option.get("items", {})
                items = defs.get(str(items.get("$ref", "")).rsplit("/", 1)[-1], items)
                walk(option, prefix + name + ".")
                walk(items, prefix + name + ".")

    walk(schema, "")
    return found


def field_paths(fields: list[dict[str, Any]], prefix: str = "") -> list[str]:
    """Every field path of the editor's fields, in order."""
    found: list[str] = []
    for field in fields:
        found.append(prefix + field["name"])
        found.extend(field_paths(field.get("fields", []), prefix + field["name"] + "."))
    return found


def field_order(fields: list[dict[str, Any]], path: str = "") -> dict[str, list[str]]:
    """The names of each object's fields in record order, by the object's path ('' for the
    record, 'batches.events' for a stage): what the editor sorts a record's keys by before
    saving, since Decap keeps a loaded file's own order inside nested objects."""
    order = {path: [field["name"] for field in fields]}
    for field in fields:
        if field.get("fields"):
            order.update(field_order(field["fields"], f"{path}.{field['name']}".lstrip(".")))
    return order
