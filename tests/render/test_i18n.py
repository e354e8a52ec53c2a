"""Interface strings: every language has every key, with the same placeholders."""

from __future__ import annotations

import re
from datetime import date

from site_builder.render.i18n import LOCALES_DIR, Translator, strings


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_language_has_every_string_with_the_same_placeholders():
    vi = strings("vi")
    for path in LOCALES_DIR.glob("*.yml"):
        other = strings(path.stem)
        assert set(other) == set(vi), (path.name, set(vi) ^ set(other))
        for key, text in vi.items():
            assert placeholders(other[key]) == placeholders(text), (path.name, key)


def test_dates_and_stars_are_written_per_language():
    day = date(2026, 3, 5)
    assert Translator("vi").date(day) == "05/03/2026"
    assert Translator("en").date(day) == "5 March 2026"
    assert Translator("vi")("stars_label", n=4) == "4 sao"
    assert Translator("en")("stars_label", n=4) == "4-star"


def test_in_page_scripts_get_the_date_format_the_build_writes():
    """status.js and gs1query.js write dates from this pattern: the same as ``date``."""
    day = date(2026, 12, 1)
    for lang in ("vi", "en"):
        t = Translator(lang)
        f = t.date_format
        months = f["months"]
        written = f["pattern"].format(d=day.day, dd="01", mm="12", yyyy="2026",
                                      month=months[11] if months else "12")
        assert written == t.date(day)
    assert Translator("vi").date_format == {"pattern": "{dd}/{mm}/{yyyy}", "months": []}
    assert Translator("en").date_format["months"][11] == "December"
