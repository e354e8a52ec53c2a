"""The data files of ``vietnamadminunits``: the units before the 1 July 2025 reform and the old ->
new table, read where the package installed them, without importing it (its code would import
shapely and geopy and look addresses up on a web geocoder).

The domain (``domain/places.py``, ``domain/place_history.py``) works out what the rows mean; this
module is the only one that opens the files: its SQLite file read-only, its JSON tables.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import Any

import vietnam_provinces

# The distribution whose data files hold the pre-2025 units and the old -> new conversion.
HISTORY_PACKAGE = "vietnamadminunits"


class HistoryDataMissing(RuntimeError):
    """The package holding the pre-2025 units is not installed (or not the expected version)."""


@lru_cache(maxsize=1)
def history_data_dir() -> Path:
    """The data folder of ``vietnamadminunits``, found without importing the package."""
    spec = importlib.util.find_spec(HISTORY_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        data = Path(folder) / "data"
        if (data / "dataset.db").is_file() and (data / "converter_2025.json").is_file():
            return data
    raise HistoryDataMissing(
        f"thiếu dữ liệu đơn vị hành chính trước 2025 (gói {HISTORY_PACKAGE}); "
        f"cài lại: pip install -e . / the pre-2025 units ({HISTORY_PACKAGE}) are missing; "
        f"reinstall with: pip install -e .")


def rows(query: str) -> list[tuple[Any, ...]]:
    """Rows of the package's SQLite file, opened read-only."""
    uri = history_data_dir().joinpath("dataset.db").as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        return db.execute(query).fetchall()


def new_province_codes() -> list[tuple[Any, ...]]:
    """(province key, code) of each province after the reform."""
    return rows("select distinct provinceKey, provinceCode from admin_units")


def new_communes() -> list[tuple[Any, ...]]:
    """(province key, province code, ward key, name) of each commune after the reform."""
    return rows("select provinceKey, provinceCode, wardKey, ward from admin_units")


def old_provinces() -> list[tuple[Any, ...]]:
    """(key, code, name, short name) of each of the 63 provinces before the reform."""
    return rows("select distinct provinceKey, provinceCode, province, provinceShort "
                "from admin_units_legacy")


def old_province_keywords() -> list[tuple[Any, ...]]:
    """(key, code, the other names it is written by) of each province before the reform."""
    return rows("select distinct provinceKey, provinceCode, provinceKeywords from admin_units_legacy")


def old_units() -> list[tuple[Any, ...]]:
    """One row per commune before the reform (a district without communes: one row, no ward):
    province key and code; district key, name, type and former names; ward key, name, type,
    GSO code and former names."""
    return rows(
        "select provinceKey, provinceCode, districtKey, district, districtType, districtAlias, "
        "wardKey, ward, wardType, wardCode, wardAlias from admin_units_legacy")


@lru_cache(maxsize=1)
def conversion_table() -> dict[str, Any]:
    """The package's old -> new table: provinces, undivided wards, divided wards."""
    text = history_data_dir().joinpath("converter_2025.json").read_text(encoding="utf-8")
    return json.loads(text)


def divided_districts() -> dict[str, Any]:
    """Districts divided between others before 2025, by province key: the package's
    address-parser data (``DICT_PROVINCE_DISTRICT_DIVIDED``)."""
    text = history_data_dir().joinpath("parser_legacy.json").read_text(encoding="utf-8")
    return json.loads(text)["DICT_PROVINCE_DISTRICT_DIVIDED"]


def data_version() -> str:
    """Both datasets: the current units and the pre-2025 units with their conversion."""
    import importlib.metadata  # a tenth of a second, for what only a changed install asks

    current = getattr(vietnam_provinces, "__data_version__", "unknown")
    try:
        history = importlib.metadata.version(HISTORY_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        history = "missing"
    return f"vietnam-provinces {current}; {HISTORY_PACKAGE} {history}"
