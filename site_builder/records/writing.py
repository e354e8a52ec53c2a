"""Records as the imports write them (a sheet of products, a lot log, a folder of photos): one
way to lay out their YAML, to check them before they are written, and to write them.

- Text. An existing record is changed through ruamel.yaml's round trip (``round_trip``,
  ``dump_round_trip``), so its comments, key order and layout are kept; a value put into it goes
  through ``yaml_value``, which quotes what YAML 1.1 (how ``ocop check`` reads a record) would
  take for a boolean or a number. A new record, or new lines appended to one, is emitted by
  PyYAML (``dump_plain``): laid out as ruamel would, at a tenth of the cost.
- Checking. ``staged_catalog`` loads the records as they would be written, with the files they
  name, from a scratch folder, with exactly the rules of ``ocop check``.
- Files. ``write_file`` replaces a file at once (never half-written) with the mode a file the
  user creates gets (the umask's), or the mode the file it replaces had.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString

from site_builder.config import SiteConfig
from site_builder.domain.model import Catalog
from site_builder.problems import Problems
from site_builder.records.validate import RECORD_NAME, load_catalog

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema.json\n"
WIDTH = 100  # columns, as the sample records are laid out


# --- text ---------------------------------------------------------------------------------------


def round_trip() -> YAML:
    """ruamel.yaml in round-trip mode, laid out as the sample records are."""
    loader = YAML(typ="rt")
    loader.width = WIDTH
    loader.indent(mapping=2, sequence=2, offset=0)
    loader.preserve_quotes = True
    return loader


def dump_round_trip(doc: Any, header: str = "") -> str:
    """A round-trip document as text (``header`` first)."""
    stream = io.StringIO()
    round_trip().dump(doc, stream)
    return header + stream.getvalue()


_RESOLVER = yaml.resolver.Resolver()  # PyYAML's YAML 1.1, as ocop check reads a record


def yaml_value(value: Any) -> Any:
    """``value`` as ruamel should write it into a record: text of several lines as a literal
    block, text YAML 1.1 would read as something else quoted, maps and lists as ruamel's."""
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value.rstrip("\n") + "\n")
    if isinstance(value, str) and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != \
            "tag:yaml.org,2002:str":
        # ruamel writes YAML 1.2, where "NO", "on" or "12:30" are text; the records are read as
        # YAML 1.1, where they are a boolean or a number: quote them.
        return SingleQuotedScalarString(value)
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = yaml_value(item)
        return out
    if isinstance(value, list):
        return CommentedSeq(yaml_value(v) for v in value)
    return value


def plain(value: Any) -> Any:
    """A round-trip value (ruamel's maps, lists and strings) as plain Python data."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


class RecordDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """PyYAML's emitter (C when available) for a new record: it has no comments or layout to
    keep, and ruamel's round-trip emitter costs ten times as much (a 3,000-row annex)."""


def _literal_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # Digits with a leading zero (a phone number) are quoted: a YAML 1.2 reader would see a number.
    style = "|" if "\n" in text else "'" if re.fullmatch(r"0[0-9]+", text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


RecordDumper.add_representer(str, _literal_text)


def dump_plain(value: Any) -> str:
    """``value`` (plain or round-trip data) as YAML lines, laid out as ruamel would (same key
    order, block style, 100 columns)."""
    return yaml.dump(plain(value), Dumper=RecordDumper, allow_unicode=True, sort_keys=False,
                     width=WIDTH, default_flow_style=False)


# --- checking -----------------------------------------------------------------------------------


@dataclass
class StagedRecord:
    """A record as it would be written: its text, the folder its files are in now (they come
    along: the photos and documents it names), and the files an import would add (their path in
    the product's folder -> where they are now)."""

    id: str
    text: str
    folder: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)


@contextmanager
def staged_catalog(config: SiteConfig, records: Iterable[StagedRecord]
                   ) -> Iterator[tuple[Catalog, Problems]]:
    """The ``records`` loaded from a scratch copy of their folders with the rules of ``ocop
    check`` (files are hard links where the disk allows: the check only reads them)."""
    with tempfile.TemporaryDirectory(prefix="ocop-check-") as scratch:
        folder = Path(scratch) / "products"
        folder.mkdir()
        for record in records:
            home = folder / record.id
            if record.folder is not None and record.folder.is_dir():
                shutil.copytree(record.folder, home, symlinks=True, copy_function=_link)
            home.mkdir(exist_ok=True)
            (home / RECORD_NAME).unlink(missing_ok=True)  # a link to the record: never write through
            (home / RECORD_NAME).write_text(record.text, encoding="utf-8")
            for relative, source in record.files.items():
                (home / relative).parent.mkdir(parents=True, exist_ok=True)
                _link(source, home / relative)
        yield load_catalog(replace(config, products_dir=folder, cache_dir=None),
                           traceability_notes=False)


def _link(source: Any, target: Any) -> None:
    """A hard link where the scratch folder is on the same disk, else a copy; a file already at
    ``target`` (a link to the catalog's) is unlinked first, never written through."""
    Path(target).unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# --- files --------------------------------------------------------------------------------------


def write_file(target: Path, data: bytes) -> None:
    """``data`` into ``target`` at once: written beside it under a hidden name, then renamed over
    it. A new file gets the mode any file the user creates gets (0666 less the umask, as the
    system applies it); a file replaced keeps its mode."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _new_file(target.parent)
    try:
        with temporary.open("wb") as out:
            out.write(data)
        replace_file(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def replace_file(new: Path, target: Path) -> None:
    """``new`` renamed over ``target`` (one disk), with the mode ``target`` had if it exists."""
    try:
        os.chmod(new, stat.S_IMODE(target.stat(follow_symlinks=False).st_mode))
    except FileNotFoundError:
        pass
    os.replace(new, target)


def _new_file(folder: Path) -> Path:
    """A new empty file in ``folder`` with a hidden name of its own, made with mode 0666 for the
    system to take the umask from (``tempfile.mkstemp`` makes 0600, whatever the umask)."""
    while True:
        path = folder / f".import-{secrets.token_hex(8)}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return path
