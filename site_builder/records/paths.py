"""Where the records are: one ``<id>/product.yml`` per product (found without loading the
checks, which a build that has nothing to do never needs)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Set
from pathlib import Path

RECORD_NAME = "product.yml"


def record_paths(products_dir: Path, assumed: Set[str] = frozenset()) -> list[str]:
    """Every ``<id>/product.yml`` below ``products_dir``, in a stable order (as text: a national
    catalog has tens of thousands, and most are only looked up in the record cache).

    ``assumed``: paths the caller asks the size and time of anyway (the last build's records,
    ``up_to_date.LastBuild``); they are listed unasked when their folder is there, and the
    caller drops those it then finds missing (``present``). Asking 20,000 folders for their
    record took a tenth of a second of a build that has nothing to do."""
    found = []
    with os.scandir(products_dir) as entries:
        for entry in entries:
            record = os.path.join(entry.path, RECORD_NAME)
            if entry.is_dir() and (record in assumed or os.path.lexists(record)):
                found.append(record)
    return sorted(found)


def present(records: list[str], seen: Mapping[str, tuple[int, int]]) -> list[str]:
    """The ``records`` that are there, of those ``record_paths`` listed: ``seen`` holds the
    sizes and times already asked for ((-1, -1): missing); the others are asked now."""
    return [r for r in records if seen.get(r, (-1, -1)) != (-1, -1) or os.path.lexists(r)]
