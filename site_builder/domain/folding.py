"""Names folded for matching and for addresses: no tone-placement style, case or marks.

Apart from ``places`` (which re-exports them), so that what needs only these, the checks of
site paths that every build loads, does not load the country's place data (a tenth of the
start of a build that has nothing to do).
"""

from __future__ import annotations

import re
import unicodedata

# Old and new tone placement ("Hòa" / "Hoà") and case must not matter when matching names.
_TONE_FIX = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uỳ": "ùy",
             "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy", "oè": "òe", "oé": "óe",
             "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe"}
_TONE_PATTERN = re.compile("|".join(_TONE_FIX))
_SPACES = re.compile(r"\s+")


def _without_marks(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


# Every precomposed Latin letter with its marks removed (Vietnamese lies in U+00C0-U+1EFF).
_ASCII = str.maketrans({chr(c): _without_marks(chr(c)) for c in range(0xC0, 0x1F00)
                        if _without_marks(chr(c)) != chr(c)} | {"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """A matching key: NFC, lower case, one tone-placement style, single spaces."""
    text = unicodedata.normalize("NFC", text).lower().strip()
    text = _TONE_PATTERN.sub(lambda m: _TONE_FIX[m.group()], text)
    return _SPACES.sub(" ", text)


def ascii_fold(text: str) -> str:
    """'Khánh Hòa' -> 'khanh hoa' (for suggestions and slugs)."""
    text = fold(text).translate(_ASCII)
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
