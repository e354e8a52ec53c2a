"""The editor's form is made from the record schema (`ocop schema`): every field of a record
appears, in the record's order, with a label in each language; a schema the form cannot show
stops the build instead of dropping a field."""

from __future__ import annotations

import copy

import pytest

from site_builder.editor.fields import (
    LABELS_DIR,
    SchemaNotCovered,
    editor_fields,
    field_paths,
    labels,
    schema_paths,
)
from site_builder.records.schema import json_schema


def _by_path(fields: list[dict], path: str) -> dict:
    head, _, rest = path.partition(".")
    found = next(f for f in fields if f["name"] == head)
    return _by_path(found["fields"], rest) if rest else found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_schema_field_is_in_the_form_in_record_order(lang):
    schema = json_schema()
    paths = schema_paths(schema)
    assert len(paths) > 80 and paths[:3] == ["id", "name", "name.vi"]
    assert field_paths(editor_fields(schema, labels(lang))) == paths


def test_an_unknown_schema_type_fails_instead_of_leaving_the_field_out():
    schema = copy.deepcopy(json_schema())
    schema["properties"]["organic"] = {"type": "boolean", "title": "Organic"}
    with pytest.raises(SchemaNotCovered, match="organic"):
        editor_fields(schema, labels("vi"))
    schema = copy.deepcopy(json_schema())
    schema["$defs"]["BatchRecord"]["properties"]["weights"] = {"type": "array",
                                                               "items": {"type": "number"}}
    with pytest.raises(SchemaNotCovered, match="batches.weights"):
        editor_fields(schema, labels("vi"))
    schema = copy.deepcopy(json_schema())
    schema["properties"]["launched"] = {"type": "string", "format": "date-time"}
    with pytest.raises(SchemaNotCovered, match="launched"):
        editor_fields(schema, labels("vi"))


def test_a_new_field_without_a_label_fails():
    schema = copy.deepcopy(json_schema())
    schema["properties"]["slogan"] = {"type": "string", "maxLength": 200}
    with pytest.raises(SchemaNotCovered, match="slogan: no label"):
        editor_fields(schema, labels("vi"))


def test_a_new_choice_without_a_label_fails():
    schema = copy.deepcopy(json_schema())
    kinds = schema["$defs"]["ShopRecord"]["properties"]["kind"]["enum"]
    kinds.append("sendo")
    with pytest.raises(SchemaNotCovered, match="where_to_buy.kind"):
        editor_fields(schema, labels("vi"))


def test_widgets_follow_the_schema():
    fields = editor_fields(json_schema(), labels("vi"))
    produced = _by_path(fields, "batches.produced")
    assert (produced["widget"], produced["format"], produced["time_format"]) == (
        "datetime", "YYYY-MM-DD", False)
    assert produced["required"] is True
    assert _by_path(fields, "photos.file")["widget"] == "image"
    assert _by_path(fields, "batches.documents.file")["widget"] == "file"
    assert _by_path(fields, "story.vi")["widget"] == "text"
    assert _by_path(fields, "name.vi")["widget"] == "string"
    assert _by_path(fields, "to_confirm")["widget"] == "ocop-map"
    kind = _by_path(fields, "producer.type")
    assert kind["widget"] == "select" and kind["required"] is False
    assert {"label": "Hợp tác xã", "value": "cooperative"} in kind["options"]
    regime = _by_path(fields, "certifications.regime")
    assert [o["value"] for o in regime["options"]] == ["1048", "148", "148+1489", "26"]
    product_set = _by_path(fields, "product_set")
    assert product_set["options"][0] == {"label": "1. Rau, củ, quả, hạt tươi", "value": 1}
    assert len(product_set["options"]) == 26
    lot = _by_path(fields, "batches.lot")
    assert lot["pattern"][0] == json_schema()["$defs"]["BatchRecord"]["properties"]["lot"]["pattern"]
    score = _by_path(fields, "certifications.score")
    assert (score["widget"], score["value_type"], score["min"], score["max"]) == (
        "number", "float", 0, 100)
    stars = _by_path(fields, "certifications.stars")
    assert (stars["value_type"], stars["required"]) == ("int", True)
    certifications = _by_path(fields, "certifications")
    assert (certifications["widget"], certifications["min"]) == ("list", 1)
    standards = _by_path(fields, "standards")
    assert standards["field"]["widget"] == "string" and "fields" not in standards
    events = _by_path(fields, "batches.events")
    assert events["summary"] == "{{fields.step}} · {{fields.date}}"


def test_inside_an_optional_part_nothing_is_required_so_it_can_stay_empty():
    """Decap refuses to save while a required field of an empty optional object is blank."""
    fields = editor_fields(json_schema(), labels("vi"))
    assert _by_path(fields, "producer.location")["required"] is False
    assert _by_path(fields, "producer.location.lat")["required"] is False
    assert _by_path(fields, "story.vi")["required"] is False
    assert _by_path(fields, "withdrawn.reason")["required"] is False
    assert _by_path(fields, "producer.name")["required"] is True
    assert _by_path(fields, "name.vi")["required"] is True
    assert _by_path(fields, "batches.events.place")["required"] is True


def test_texts_in_languages_the_site_does_not_publish_are_kept_but_not_shown():
    fields = editor_fields(json_schema(), labels("vi"), ("vi", "en"))
    assert _by_path(fields, "story.zh")["widget"] == "hidden"
    assert _by_path(fields, "story.en")["widget"] == "text"
    fields = editor_fields(json_schema(), labels("vi"), ("vi", "en", "zh"))
    assert _by_path(fields, "story.zh")["widget"] == "text"


def test_both_label_files_have_the_same_keys():
    def keys(data, prefix=""):
        if not isinstance(data, dict):
            return {prefix}
        return {k for key, value in data.items() for k in keys(value, f"{prefix}{key}/")}

    vi, en = labels("vi").words, labels("en").words
    assert set(vi) == set(en)
    for section in ("fields", "options", "patterns", "widgets", "languages", "commit_messages",
                    "page", "collection"):
        assert keys(vi[section]) == keys(en[section]), section
    assert sorted(p.name for p in LABELS_DIR.iterdir()) == ["en.yml", "vi.yml"]
