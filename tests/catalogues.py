"""Checks every message catalogue gets (records, sheets, settings): one file per language with
the same codes, and the same placeholders except where the Vietnamese names more."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import yaml


def templates(folder: Path, lang: str) -> dict[str, str]:
    return yaml.safe_load((folder / f"{lang}.yml").read_text(encoding="utf-8"))


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def assert_in_step(folder: Path, vietnamese_says_more: frozenset[str] | set[str] = frozenset()
                   ) -> None:
    """Both languages have the same codes; each code the same placeholders, or for the codes
    named, the English a part of the Vietnamese's."""
    vi, en = templates(folder, "vi"), templates(folder, "en")
    assert set(vi) == set(en), sorted(set(vi) ^ set(en))
    for code in vi:
        if code in vietnamese_says_more:
            assert placeholders(en[code]) < placeholders(vi[code]), code
        else:
            assert placeholders(vi[code]) == placeholders(en[code]), code


VIETNAMESE = re.compile(r"[À-ỹ]")


def _help_texts(tree: ast.AST) -> set[int]:
    """The string constants given to argparse as help, description or metavar."""
    return {id(node) for call in ast.walk(tree) if isinstance(call, ast.Call)
            for keyword in call.keywords if keyword.arg in ("help", "description", "metavar")
            for node in ast.walk(keyword.value)}


def inline_two_language(path: Path) -> list[str]:
    """The literals of ``path`` that hold a message in Vietnamese and English ('... / ...'):
    each string, each f-string with its values as {}; argparse's help texts left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    help_texts = _help_texts(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in help_texts:
            continue
        if isinstance(node, ast.JoinedStr):
            literal = "".join(part.value if isinstance(part, ast.Constant) else "{}"
                              for part in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            literal = node.value
        else:
            continue
        if VIETNAMESE.search(literal) and " / " in literal:
            found.append(f"{path.name}:{node.lineno}: {literal}")
    return found
