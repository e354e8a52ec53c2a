"""Where the records are: one ``<id>/product.yml`` per product (found without loading the
checks, which a build that has nothing to do never needs)."""

from __future__ import annotations

import os
from pathlib import Path

RECORD_NAME = "product.yml"


def record_paths(products_dir: Path) -> list[str]:
    """Every ``<id>/product.yml`` below ``products_dir``, in a stable order (as text: a national
    catalog has tens of thousands, and most are only looked up in the record cache)."""
    found = []
    with os.scandir(products_dir) as entries:
        for entry in entries:
            record = os.path.join(entry.path, RECORD_NAME)
            if entry.is_dir() and os.path.lexists(record):
                found.append(record)
    return sorted(found)
