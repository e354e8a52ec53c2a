"""Interface strings per language, read from ``locales/<lang>.yml``."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANG = "vi"
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


@cache
def strings(lang: str = DEFAULT_LANG) -> dict[str, str]:
    with (LOCALES_DIR / f"{lang}.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class Translator:
    """``t('status_valid', date=...)``: the string for ``key`` with its placeholders filled."""

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        self.lang = lang
        self._strings = strings(lang)

    def __call__(self, key: str, **values: object) -> str:
        return self._strings[key].format(**values) if values else self._strings[key]

    def date(self, day: date) -> str:
        """05/03/2026 in Vietnamese, 5 March 2026 in English."""
        if self.lang == "en":
            return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
        return f"{day:%d/%m/%Y}"
