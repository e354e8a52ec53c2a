"""Interface strings per language, read from ``locales/<lang>.yml``."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml

from .model import Text

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANG = "vi"
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def available_languages() -> list[str]:
    return sorted(path.stem for path in LOCALES_DIR.glob("*.yml"))


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

    def text(self, text: Text) -> str:
        """A record's text in this language, or its Vietnamese when not translated."""
        return text.get(self.lang)

    def name(self, thing: object, field: str = "name") -> str:
        """``thing.name_en`` in English (``field``_lang), falling back to ``name_vi``: the name of
        a sector, product set, producer type or regime, or another field so named."""
        prefix = f"{field}_" if field else ""
        return getattr(thing, prefix + self.lang, None) or getattr(thing, prefix + "vi")

    def number(self, n: int) -> str:
        """20.000 in Vietnamese, 20,000 in English."""
        return f"{n:,}".replace(",", self._strings.get("thousands_separator", ","))

    def date(self, day: date) -> str:
        """05/03/2026 in Vietnamese, 5 March 2026 in English."""
        if self.lang == "en":
            return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
        return f"{day:%d/%m/%Y}"
