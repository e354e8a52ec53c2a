"""The folder import's message catalogues: the same codes and placeholders in each language,
every code the package reports present, and no message text left inline."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from catalogues import assert_in_step, templates

from site_builder.media_import.names import KEY_KINDS
from site_builder.media_import.texts import FOLDER_MESSAGES

PACKAGE = Path(__file__).resolve().parents[2] / "site_builder" / "media_import"
# Calls whose first argument is a code (``_question``, ``FileProblem.of``: the second).
CODE_TAKERS = {"message": 0, "_say": 0, "Refused": 0, "FolderError": 0, "of": 1, "_question": 0,
               "folder_text": 0}  # folder_text: the catalogue's function as cli.py calls it
CLI = PACKAGE.parent / "cli.py"
# Vietnamese in code that is record content, not a message: document titles worked out from a
# file's name, and the words people add to names.
RECORD_WORDS = {"DOCUMENT_KINDS", "STANDARD_WORDS", "DEFAULT_TITLE", "_PHONE_ADDED",
                "document_title"}
VIETNAMESE = re.compile(r"[À-ÖØ-öø-ỹ]")  # letters with marks (not ×)


def _trees() -> dict[str, ast.Module]:
    return {p.name: ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.glob("*.py")}


def _cli_tree() -> ast.Module:
    return ast.parse(CLI.read_text(encoding="utf-8"))


def _codes_used() -> set[str]:
    found = set(KEY_KINDS.values())
    for node in (n for tree in [*_trees().values(), _cli_tree()] for n in ast.walk(tree)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        at = CODE_TAKERS.get(name)
        if at is not None and len(node.args) > at and isinstance(node.args[at], ast.Constant):
            found.add(node.args[at].value)
        for keyword in node.keywords:  # Placement(problem="..."), "note_..." appended
            if keyword.arg == "problem" and isinstance(keyword.value, ast.Constant):
                found.add(keyword.value.value)
        if name == "append" and node.args and isinstance(node.args[0], ast.Constant) and str(
                node.args[0].value).startswith("note_"):
            found.add(node.args[0].value)
    return found


def test_both_languages_have_the_same_codes_and_placeholders():
    assert_in_step(FOLDER_MESSAGES)


def test_every_code_reported_is_in_the_catalogue_and_every_entry_is_used():
    codes, catalogue = _codes_used(), set(templates(FOLDER_MESSAGES, "vi"))
    assert codes <= catalogue, sorted(codes - catalogue)
    source = "".join(p.read_text(encoding="utf-8") for p in [*PACKAGE.glob("*.py"), CLI])
    unused = {code for code in catalogue if f'"{code}"' not in source}
    assert not unused, sorted(unused)


def test_no_message_is_written_inline():
    for name, tree in _trees().items():
        allowed: set[int] = set()
        for node in ast.walk(tree):
            named = getattr(node, "name", None) or next(
                (getattr(t, "id", "") for t in getattr(node, "targets", [])), "")
            if named in RECORD_WORDS:
                allowed |= {id(n) for n in ast.walk(node)}
        inline = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
                  and isinstance(n.value, str) and VIETNAMESE.search(n.value)
                  and id(n) not in allowed and not _is_docstring(tree, n)]
        assert not inline, (name, inline)


def _is_docstring(tree: ast.Module, constant: ast.Constant) -> bool:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and \
                body[0].value is constant:
            return True
    return False
