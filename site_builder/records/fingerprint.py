"""What the running code and its data are, as one digest that cache keys are built on.

Any file of the package can change what a record becomes or what a page shows: a module of
any subpackage, a locale, a font, a data table. So every cache key that must change with the
code takes the digest of *all* of them, never a list of the modules someone thought mattered
(such lists had missed ``config.py``, ``model.py`` and the fonts, and an upgraded site kept
stale pages). With the files go the package's version and the versions of the place datasets,
which live in other packages and decide the names and codes of provinces and communes.

The digest is worked out once per process (a few milliseconds): the process runs the code it
imported, so the key describes that code even if the files are edited while it runs.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
from functools import cache
from pathlib import Path

# The whole package, wherever in it this module sits (folders may be reorganised).
_PACKAGE = importlib.import_module(__name__.split(".")[0])
PACKAGE_DIR = Path(str(_PACKAGE.__file__)).resolve().parent
# Written by Python on import, different per interpreter, and derived from the sources anyway.
_SKIPPED_DIRS = frozenset({"__pycache__"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


def files_under(root: Path) -> list[tuple[str, Path]]:
    """Every file under ``root`` with its path relative to it, in POSIX form and sorted, so the
    list (and the digest) is the same on any machine and in any checkout."""
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if (not path.is_file() or path.suffix in _SKIPPED_SUFFIXES
                or _SKIPPED_DIRS.intersection(relative.parts)):
            continue
        found.append((relative.as_posix(), path))
    return sorted(found)


@cache
def package_digest(root: Path) -> str:
    """One digest of the name and bytes of every file of the package under ``root``."""
    digest = hashlib.sha256()
    for name, path in files_under(root):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


# The packages holding the place data the records are checked against and pages name places
# from (place_data.py).
DATA_PACKAGES = ("vietnam_provinces", "vietnamadminunits")


@cache
def data_versions() -> str:
    """The versions of the place data's packages, from the folders of their installed metadata
    (importing them, or importlib.metadata, takes a tenth of a second, and a build that has
    nothing to do is mostly starting up); an install laid out otherwise asks the packages."""
    found = [_installed_version(package) for package in DATA_PACKAGES]
    if None in found:
        from site_builder.place_data import data_version

        return data_version()
    return "; ".join(f"{package} {version}" for package, version in zip(DATA_PACKAGES, found,
                                                                         strict=True))


def _installed_version(package: str) -> str | None:
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        versions = [dist.name[len(package) + 1:-len(".dist-info")]
                    for dist in Path(folder).parent.glob(f"{package}-*.dist-info")]
        if len(versions) == 1:
            return versions[0]
    return None


def code_fingerprint() -> str:
    """The package's files, its version and its data's versions: what every cache key that
    depends on the code includes. Reads ``PACKAGE_DIR`` at each call (tests point it at a copy)."""
    parts = (package_digest(PACKAGE_DIR), _PACKAGE.__version__, data_versions())
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
