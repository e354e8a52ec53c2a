"""The output stage's and ``ocop changes``'s message catalogues: the same codes and placeholders
in each language, and every code the code reports present, none unused."""

from __future__ import annotations

import re
from pathlib import Path

from catalogues import assert_in_step, templates

from site_builder.domain import site_paths
from site_builder.output.writer import OUTPUT_MESSAGES
from site_builder.publishing.changes import CHANGES_MESSAGES

PACKAGE = Path(__file__).resolve().parents[2] / "site_builder"


def _codes(paths: list[Path], pattern: str) -> set[str]:
    return {code for path in paths
            for code in re.findall(pattern, path.read_text(encoding="utf-8"))}


def test_both_output_catalogues_have_the_same_codes_and_placeholders():
    assert_in_step(OUTPUT_MESSAGES)


def test_every_output_code_is_used_and_known():
    used = _codes(sorted((PACKAGE / "output").glob("*.py")) + [PACKAGE / "mkdocs" / "build.py"],
                  r'output_message\(\s*"([a-z_]+)"')
    used |= {f"path_reason_{code}" for code in (site_paths.LENGTH, site_paths.CONTROL,
                                                  site_paths.ESCAPE, site_paths.SEGMENT)}
    assert used == set(templates(OUTPUT_MESSAGES, "vi"))


def test_both_changes_catalogues_have_the_same_codes_and_placeholders():
    assert_in_step(CHANGES_MESSAGES)


def test_every_changes_code_is_used_and_known():
    used = _codes([PACKAGE / "publishing" / "changes.py", PACKAGE / "cli.py"],
                  r'(?:ChangesError|changes_message)\(\s*"([a-z_]+)"')
    assert used == set(templates(CHANGES_MESSAGES, "vi"))
