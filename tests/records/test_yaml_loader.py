from pathlib import Path

from site_builder.problems import Problems
from site_builder.records.yaml_loader import MAX_RECORD_BYTES, load_yaml


def load(tmp_path: Path, content: bytes | str):
    path = tmp_path / "product.yml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    problems = Problems()
    return load_yaml(path, problems), problems


def test_remembers_the_line_of_every_field(tmp_path):
    loaded, problems = load(tmp_path, "id: tao-xanh\ncertifications:\n  - stars: 3\n    score: 58\n")
    assert not problems
    assert loaded.line_of(("certifications", 0, "score")) == 4
    assert loaded.line_of(("certifications", 0, "missing")) == 3


def test_dates_stay_text_so_impossible_dates_reach_validation(tmp_path):
    loaded, problems = load(tmp_path, "decision_date: 2026-02-30\n")
    assert not problems
    assert loaded.data == {"decision_date": "2026-02-30"}


def test_python_object_tags_are_refused(tmp_path):
    loaded, problems = load(tmp_path, "id: !!python/object/apply:os.system ['echo hi']\n")
    assert problems.errors and "không được phép" in problems.errors[0].message.vi
    assert problems.errors[0].line == 1


def test_alias_expansion_is_bounded(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    loaded, problems = load(tmp_path, "\n".join(lines) + "\n")
    assert loaded is None
    assert "quá nhiều giá trị" in problems.errors[0].message.vi


def test_deep_nesting_is_refused(tmp_path):
    loaded, problems = load(tmp_path, "a: " + "[" * 200 + "]" * 200 + "\n")
    assert loaded is None and problems.errors


def test_duplicate_keys_are_reported(tmp_path):
    loaded, problems = load(tmp_path, "id: a\nname: x\nid: b\n")
    assert problems.errors[0].field == "id" and problems.errors[0].line == 3


def test_non_utf8_names_the_line(tmp_path):
    loaded, problems = load(tmp_path, b"id: a\nname: Nh\xe0 v\xe0\n")
    assert loaded is None
    assert problems.errors[0].line == 2 and "UTF-8" in problems.errors[0].message.vi


def test_bom_and_crlf_are_accepted(tmp_path):
    loaded, problems = load(tmp_path, "\ufeffid: a\r\nname: b\r\n".encode("utf-8"))
    assert not problems and loaded.data == {"id": "a", "name": "b"}


def test_text_is_nfc_normalised(tmp_path):
    decomposed = "Ho\u0300a"  # "Hòa" written with a combining grave accent
    loaded, _ = load(tmp_path, f"name: {decomposed}\n")
    assert loaded.data["name"] == "H\u00f2a"


def test_syntax_errors_name_the_line(tmp_path):
    loaded, problems = load(tmp_path, "id: a\nname:\n\t- tab\n")
    assert loaded is None and problems.errors[0].line == 3


def test_oversized_file_is_refused(tmp_path):
    loaded, problems = load(tmp_path, "a: " + "x" * (MAX_RECORD_BYTES + 1) + "\n")
    assert loaded is None and "quá lớn" in problems.errors[0].message.vi
