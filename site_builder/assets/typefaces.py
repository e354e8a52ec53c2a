"""The typeface every picture and printed page is drawn with: DejaVu Sans Condensed, subset to
Latin and Vietnamese (fonts/README.md), regular and bold. One place, so stamps, brochures and
share pictures name the same files."""

from __future__ import annotations

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {False: FONTS_DIR / "DejaVuSansCondensed.ttf",
              True: FONTS_DIR / "DejaVuSansCondensed-Bold.ttf"}
