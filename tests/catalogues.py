"""Checks every message catalogue gets (records, sheets, settings): one file per language with
the same codes, and the same placeholders except where the Vietnamese names more."""

from __future__ import annotations

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
