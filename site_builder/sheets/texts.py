"""The spreadsheet importer's messages, looked up by code in ``messages/vi.yml`` and ``en.yml``."""

from __future__ import annotations

from pathlib import Path

from site_builder.problems import Message, catalogue

SHEET_MESSAGES = Path(__file__).parent / "messages"


def message(code: str, **values: object) -> Message:
    """The texts of ``code`` in both languages, filled with ``values``."""
    return catalogue(SHEET_MESSAGES).message(code, **values)
