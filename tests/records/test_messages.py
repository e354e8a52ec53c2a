"""The records' message catalogues: one per language, the same codes and placeholders in each,
every code the records code reports present, and no message left inline in the code."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from catalogues import assert_in_step, templates

from site_builder.problems import RECORD_MESSAGES, Message, Problems, catalogue

RECORDS = Path(__file__).resolve().parents[2] / "site_builder" / "records"
# Calls whose last positional argument, when written as a literal, is a message code.
CODE_TAKERS = {"error", "warn", "note", "_because", "_TooBig", "message"}
VIETNAMESE = re.compile(r"[À-ỹ]")




def _trees() -> list[ast.Module]:
    return [ast.parse(path.read_text(encoding="utf-8")) for path in sorted(RECORDS.glob("*.py"))]


def _codes_used() -> set[str]:
    """Literal codes handed to the reporting calls (either branch of ``a if c else b`` too), and the
    values of ``*_CODES`` tables."""
    found: set[str] = set()
    for node in (n for tree in _trees() for n in ast.walk(tree)):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            last = node.args[-1]
            choices = [last.body, last.orelse] if isinstance(last, ast.IfExp) else [last]
            if name in CODE_TAKERS:
                found.update(c.value for c in choices
                             if isinstance(c, ast.Constant) and isinstance(c.value, str))
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            if any(getattr(t, "id", "").endswith("_CODES") for t in node.targets):
                found.update(v.value for v in node.value.values if isinstance(v, ast.Constant))
    return found


def test_both_catalogues_have_the_same_codes_andplaceholders():
    assert_in_step(RECORD_MESSAGES)


def test_codes_are_short_snake_case_names():
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{1,30}", code) for code in templates(RECORD_MESSAGES, "vi"))


def test_every_code_the_records_report_is_in_the_catalogues():
    used, known = _codes_used(), set(templates(RECORD_MESSAGES, "vi"))
    assert len(used) > 60  # the scan still finds the codes (a changed call style would hide them)
    assert used <= known, sorted(used - known)


def test_no_vietnamese_text_is_left_in_the_records_code():
    """Docstrings may name Vietnamese things; any other string literal with Vietnamese letters
    is a message that belongs in the catalogue."""
    for path, tree in zip(sorted(RECORDS.glob("*.py")), _trees(), strict=True):
        if path.name == "schema.py":  # the JSON schema's own bilingual descriptions
            continue
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docstrings):
                assert not VIETNAMESE.search(node.value), f"{path.name}:{node.lineno}: {node.value}"


def test_a_problem_reported_by_code_carries_it_and_both_texts():
    problems = Problems()
    record = Path("products/nho-say-nhon-son/product.yml")
    problems.warn(record, 12, "batches[0].produced", "produced_future", produced=date(2027, 1, 5))
    [problem] = problems.items
    assert problem.code == "produced_future"
    assert problem.message == Message("ngày sản xuất 05/01/2027 ở tương lai",
                                      "the production date 05/01/2027 is in the future")


def test_a_message_value_is_filled_in_each_language():
    text = catalogue().message("authority_level", stars=3, authority="UBND tỉnh Khánh Hòa",
                               regime=Message("Quyết định 148/QĐ-TTg", "Decision 148"),
                               expected=Message("cấp huyện", "the district"),
                               actual=Message("cấp tỉnh", "the province"))
    assert text.vi.startswith("3 sao theo Quyết định 148/QĐ-TTg do cấp huyện công nhận")
    assert text.en.startswith("3 stars under Decision 148 are recognised by the district")


def test_the_old_pair_form_still_works_and_mixing_forms_is_refused():
    problems = Problems()
    config = Path("mkdocs.yml")
    problems.error(config, 3, "plugins.ocop.site_url", "thiếu địa chỉ trang", "no site address",
                   code="site_url")
    assert problems.items[0].code == "site_url" and problems.items[0].message.en == "no site address"
    with pytest.raises(TypeError):
        problems.error(config, 3, "", "thiếu", "missing", stars=3)  # type: ignore[call-overload]
