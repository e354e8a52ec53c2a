"""Interface strings per language, read from ``locales/<lang>.yml``."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from site_builder.domain.model import Text

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANG = "vi"
# How each language writes a date, over {d} (day), {dd} and {mm} (two digits), {month} (the
# month's name) and {yyyy}. The in-page scripts get the same pattern (``Translator.date_format``),
# so a date the browser recomputes reads like the dates written at build time.
_DATE_PATTERNS = {"vi": "{dd}/{mm}/{yyyy}", "en": "{d} {month} {yyyy}"}
_MONTHS = {"en": ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")}


def available_languages() -> list[str]:
    return sorted(path.stem for path in LOCALES_DIR.glob("*.yml"))


@cache
def strings(lang: str = DEFAULT_LANG) -> dict[str, str]:
    with (LOCALES_DIR / f"{lang}.yml").open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class Translator:
    """``t('status_valid', date=...)``: the string for ``key`` with its placeholders filled."""

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        self.lang = lang
        self._strings = strings(lang)
        self._date_pattern = _DATE_PATTERNS.get(lang, _DATE_PATTERNS[DEFAULT_LANG])
        self._months: tuple[str, ...] = _MONTHS.get(lang, ())
        # Dates written so far: a catalog's pages write a few thousand days, tens of times each.
        self._dates: dict[date, str] = {}

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

    @property
    def date_format(self) -> dict[str, object]:
        """This language's date pattern and month names, for the in-page scripts."""
        return {"pattern": self._date_pattern, "months": list(self._months)}

    def date(self, day: date) -> str:
        """05/03/2026 in Vietnamese, 5 March 2026 in English."""
        written = self._dates.get(day)
        if written is None:
            written = self._dates[day] = self._date_pattern.format(
                d=day.day, dd=f"{day.day:02d}", mm=f"{day.month:02d}", yyyy=f"{day.year:04d}",
                month=self._months[day.month - 1] if self._months else f"{day.month:02d}")
        return written
