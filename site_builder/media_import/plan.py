"""``ocop import FOLDER``: the photos and lot documents of a folder become part of the records.

The stages: list the folder (``source``), place each file by its name and folders (``names``),
prepare the placed files in worker processes into a staging folder (``convert``), add them to
their records (ruamel.yaml round trip: comments, order and layout kept; new fields where the
schema puts them), check those records as they would be written with the rules of ``ocop
check``, then, unless it is a dry run, move files and records into ``products/``: the files
first and each record last, so a record never names a file that is not there.

Nothing outside ``products/`` is written (a dry run stages in a temporary folder and removes it;
an import stages inside ``products/``, so every move is a rename on one disk), and the folder
being imported is only read. A file already in its product (the same bytes, or imported before:
its name carries the source's hash) is not added again, so importing a folder twice changes
nothing the second time.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import shutil
import tempfile
from collections.abc import Collection, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from site_builder.config import SiteConfig
from site_builder.domain.model import Product
from site_builder.media_import.convert import Prepared, Refused, Task, digest_of, prepare
from site_builder.media_import.names import CatalogIndex, Placement, document_title
from site_builder.media_import.source import SourceFile, list_folder
from site_builder.media_import.texts import FileProblem, message
from site_builder.output.writer import _workers as worker_count  # one per core, OCOP_WORKERS
from site_builder.problems import Message
from site_builder.progress import Progress, Quiet
from site_builder.records.schema import BatchRecord, ProductRecord
from site_builder.records.validate import RECORD_NAME, load_catalog, record_paths
from site_builder.records.writing import dump_round_trip, replace_file, round_trip
from site_builder.sheets.drafts import slug

STAGING_PREFIX = ".ocop-import-"
PARALLEL_FROM = 4  # files; fewer are prepared in this process
_OURS = re.compile(r"-([0-9a-f]{12})\.[a-z]+$")  # a name this import made: its source's hash


class FolderError(Exception):
    """The folder cannot be imported at all: a code of the catalogue and its values."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.message = message(code, **values)


@dataclass
class FileOutcome:
    """What becomes of one file: ``action`` is 'photo' or 'document' (added), 'same' (already
    there), 'error' (not imported, ``problem`` says why) or 'other' (not a photo or a PDF)."""

    file: SourceFile
    action: str
    product_id: str | None = None
    lot: str | None = None
    how: tuple[Message, ...] = ()
    problem: FileProblem | None = None
    prepared: Prepared | None = None
    title: str = ""  # of a document
    title_worked: bool = False
    same_as: str = ""  # the file already in the product, or the file of the folder it repeats
    field: str = ""  # where it is in its record ('photos[2]')

    @property
    def added(self) -> bool:
        return self.action in ("photo", "document")

    @property
    def target(self) -> str:
        return self.prepared.written if self.prepared else ""


@dataclass
class RecordChange:
    product: Product
    original: str  # the record as read: it is written only if it still reads so
    text: str = ""  # as it will be written; empty: nothing to write after all
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def record(self) -> Path:
        return self.product.source


@dataclass
class FolderPlan:
    folder: Path
    staging: Path
    outcomes: list[FileOutcome]
    changes: dict[str, RecordChange]
    problems: list[FileProblem]  # entries of the folder refused before their file was read
    system_files: int = 0
    names: dict[str, str] = field(default_factory=dict)  # product id -> Vietnamese name

    @property
    def errors(self) -> list[FileProblem]:
        return [p for p in self.all_problems if p.error]

    @property
    def all_problems(self) -> list[FileProblem]:
        found = self.problems + [o.problem for o in self.outcomes if o.problem is not None]
        return sorted(found, key=lambda p: p.shown)


# --- where to stage -------------------------------------------------------------------------


@contextmanager
def staging_area(config: SiteConfig, dry_run: bool) -> Iterator[Path]:
    """A folder to prepare files and records in, removed afterwards: inside ``products/`` for
    an import (moves are then renames), a temporary one for a dry run (which writes nothing)."""
    if not config.products_dir.is_dir():
        raise FolderError("products_folder_missing", products=config.products_dir)
    where = None if dry_run else config.products_dir
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=where))
    try:
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")  # if a crash leaves it
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- planning -------------------------------------------------------------------------------


def plan_folder(folder: Path, config: SiteConfig, staging: Path,
                progress: Progress | None = None, leave_out: Collection[Path] = ()
                ) -> FolderPlan:
    """What importing ``folder`` does, with every file prepared in ``staging``; writes nothing
    else. The files and folders ``leave_out`` names are not part of it (the import workflow
    imports the sheets uploaded beside the photos, and the documents they name, on their own)."""
    _check_folder(folder, config)
    progress = progress or Quiet()
    catalog, _ = load_catalog(config, progress, traceability_notes=False)
    products = {p.id: p for p in catalog.products}
    unreadable = {Path(p).parent.name for p in record_paths(config.products_dir)} - set(products)
    index = CatalogIndex(catalog.products, unreadable)
    listing = list_folder(folder, leave_out)
    outcomes = [_placed(file, index, folder) for file in listing.files]
    _prepare_all(outcomes, products, staging, progress)
    changes = _record_changes(outcomes, products, staging)
    _check_records(changes, config, staging)
    return FolderPlan(folder, staging, outcomes, changes, listing.problems, listing.system,
                      index.names)


def _check_folder(folder: Path, config: SiteConfig) -> None:
    if not folder.exists():
        raise FolderError("folder_not_found", folder=folder)
    if not folder.is_dir():
        raise FolderError("folder_not_a_folder", folder=folder)
    here, products = folder.resolve(), config.products_dir.resolve()
    if here == products or here.is_relative_to(products) or products.is_relative_to(here):
        raise FolderError("folder_is_catalog", folder=folder, products=config.products_dir)


def _placed(file: SourceFile, index: CatalogIndex, folder: Path) -> FileOutcome:
    if file.kind == "sheet":  # a list of products put with the photos: it is imported alone
        return FileOutcome(file, "error", problem=FileProblem.of(
            file.shown, "sheet_in_folder", command=f"ocop import '{folder / file.shown}'"))
    if file.kind == "other":
        return FileOutcome(file, "other", problem=FileProblem.of(
            file.shown, "not_photo_or_pdf", error=False, suffix=file.suffix or "—"))
    placement: Placement = index.place(file)
    if placement.problem is not None:
        return FileOutcome(file, "error", problem=FileProblem(
            file.shown, placement.problem, message(placement.problem, **placement.values)))
    outcome = FileOutcome(file, "document" if placement.lot else "photo", placement.product_id,
                          placement.lot, placement.how)
    if placement.lot:
        outcome.title, outcome.title_worked = document_title(file.name, placement.lot)
    return outcome


def _known(product: Product) -> dict[tuple[str, str | None], dict[str, str]]:
    """What the record already holds, by (kind, lot): digest -> file, relative to the record.
    A file this import made is known by the hash in its name, any other by its bytes."""
    folder = product.source.parent
    held: list[tuple[tuple[str, str | None], Path]] = [(("photo", None), p.source)
                                                       for p in product.photos]
    held += [(("document", b.lot), d.source) for b in product.batches for d in b.documents
             if d.source is not None]
    known: dict[tuple[str, str | None], dict[str, str]] = {}
    for key, path in held:
        shown = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name
        if (ours := _OURS.search(path.name)) is not None:
            known.setdefault(key, {})[ours.group(1)] = shown
        try:
            known.setdefault(key, {})[digest_of(path.read_bytes())] = shown
        except OSError:
            continue  # gone since the check: ``ocop check`` says so
    return known


def _prepare_all(outcomes: list[FileOutcome], products: dict[str, Product], staging: Path,
                 progress: Progress) -> None:
    """Every placed file read, checked and written into ``staging/<id>/`` (in worker processes
    when there are several): the outcome then holds what was done, or why it was refused."""
    known = {i: _known(products[i]) for i in {o.product_id for o in outcomes if o.added}
             if i is not None}
    todo = [o for o in outcomes if o.added]
    tasks = [_task(o, known[o.product_id], staging) for o in todo if o.product_id]
    progress.start("photos", len(tasks))
    for outcome, result in zip(todo, _run(tasks, progress), strict=True):
        if isinstance(result, Refused):
            outcome.action = "error"
            outcome.problem = FileProblem(outcome.file.shown, result.code,
                                          message(result.code, **result.values))
        elif not result.written:
            assert outcome.product_id is not None
            held = known[outcome.product_id].get((_kind(outcome), outcome.lot), {})
            outcome.action, outcome.same_as = "same", held.get(result.digest, "")
            outcome.prepared = result
        else:
            outcome.prepared = result
    progress.done()
    seen: dict[tuple[str | None, str | None, str], FileOutcome] = {}
    for outcome in outcomes:  # the same file twice in the folder is added once
        if not outcome.added or outcome.prepared is None:
            continue
        first = seen.setdefault((outcome.product_id, outcome.lot, outcome.prepared.digest), outcome)
        if first is not outcome:
            outcome.action, outcome.same_as = "same", first.file.shown


def _kind(outcome: FileOutcome) -> str:
    return "document" if outcome.lot else "photo"


def _task(outcome: FileOutcome, known: dict[tuple[str, str | None], dict[str, str]],
          staging: Path) -> Task:
    assert outcome.product_id is not None
    if outcome.lot:
        pattern = f"lo-{outcome.lot}/{slug(outcome.title)}-{{digest}}.{{ext}}"
    else:
        pattern = "anh-{digest}.{ext}"
    held = known.get((_kind(outcome), outcome.lot), {})
    return Task(outcome.file.path, _kind(outcome), staging / outcome.product_id, pattern,
                frozenset(held))


def _run(tasks: list[Task], progress: Progress) -> Iterator[Prepared | Refused]:
    """The tasks' results in order: in worker processes (one per core) when worth it."""
    workers = worker_count()
    if len(tasks) < PARALLEL_FROM or workers < 2 or "fork" not in mp.get_all_start_methods():
        for task in tasks:
            yield prepare(task)
            progress.advance()
        return
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        for result in pool.map(prepare, tasks, chunksize=1):
            yield result
            progress.advance()


# --- the records ----------------------------------------------------------------------------


PRODUCT_FIELDS = list(ProductRecord.model_fields)
BATCH_FIELDS = list(BatchRecord.model_fields)


def _record_changes(outcomes: list[FileOutcome], products: dict[str, Product],
                    staging: Path) -> dict[str, RecordChange]:
    """Each record with files to add, as it will be written (staged next to its new files)."""
    changes: dict[str, RecordChange] = {}
    for outcome in outcomes:
        if outcome.added and outcome.product_id is not None:
            product = products[outcome.product_id]
            if product.id not in changes:
                changes[product.id] = RecordChange(product, product.source.read_text(
                    encoding="utf-8"))
            changes[product.id].outcomes.append(outcome)
    for change in changes.values():
        _stage_record(change, staging)
    return changes


def _stage_record(change: RecordChange, staging: Path) -> None:
    """The record with its files added, written into ``staging/<id>/``."""
    doc = round_trip().load(change.original)
    for outcome in change.outcomes:
        if outcome.lot:
            outcome.field = _add_document(doc, outcome)
        else:
            outcome.field = _add_photo(doc, outcome, change.product)
    change.text = dump_round_trip(doc) if change.outcomes else ""
    (staging / change.product.id / RECORD_NAME).write_text(change.text, encoding="utf-8")


def _add_photo(doc: CommentedMap, outcome: FileOutcome, product: Product) -> str:
    """The photo, with the product's name as its words for those who cannot see it, in every
    language the record names it in. Returns its field path."""
    alt = CommentedMap()
    for lang in ("vi", "en", *(lang for lang, _ in product.name.more)):
        if (text := product.name.given(lang)) is not None:
            alt[lang] = text
    photos = _list_in(doc, "photos", PRODUCT_FIELDS)
    photos.append(CommentedMap([("file", outcome.target), ("alt", alt)]))
    return f"photos[{len(photos) - 1}]"


def _add_document(doc: CommentedMap, outcome: FileOutcome) -> str:
    """The document in its lot, and a title worked out from its name noted in ``to_confirm``.
    Returns its field path."""
    batches = doc.get("batches") or []
    lot = next(i for i, b in enumerate(batches) if str(b.get("lot")).strip() == outcome.lot)
    documents = _list_in(batches[lot], "documents", BATCH_FIELDS)
    documents.append(CommentedMap([("title", outcome.title), ("file", outcome.target)]))
    path = f"batches[{lot}].documents[{len(documents) - 1}]"
    if outcome.title_worked:
        notes = doc.get("to_confirm")
        if not isinstance(notes, CommentedMap):
            notes = CommentedMap()
            _insert_in_order(doc, "to_confirm", notes, PRODUCT_FIELDS)
        notes[f"{path}.title"] = message("confirm_title", file=outcome.file.shown).vi[:500]
    return path


def _list_in(mapping: CommentedMap, key: str, order: list[str]) -> CommentedSeq:
    """The list at ``key``, made (in the schema's place among the fields) when there is none
    or when it is an empty ``[]`` (which would keep its one-line form)."""
    found = mapping.get(key)
    if isinstance(found, CommentedSeq) and len(found):
        return found
    made = CommentedSeq()
    if key in mapping:
        mapping[key] = made
    else:
        _insert_in_order(mapping, key, made, order)
    return made


def _insert_in_order(mapping: CommentedMap, key: str, value: object, order: list[str]) -> None:
    """``key`` after the last field the schema puts before it."""
    rank = order.index(key)
    position = 0
    for i, existing in enumerate(mapping):
        if existing in order and order.index(existing) < rank:
            position = i + 1
    mapping.insert(position, key, value)


def _check_records(changes: dict[str, RecordChange], config: SiteConfig, staging: Path) -> None:
    """The staged records checked with the rules of ``ocop check``: a problem with a file this
    import adds refuses that file (the record's other problems are ``ocop check``'s to say)."""
    if not changes:
        return
    paths = [str(staging / i / RECORD_NAME) for i in sorted(changes)]
    _, found = load_catalog(replace(config, products_dir=staging, cache_dir=None),
                            traceability_notes=False, paths=paths)
    refused: set[str] = set()
    for problem in found.errors:
        change = changes.get(problem.path.parent.name)
        if change is None:
            continue
        for outcome in change.outcomes:
            if problem.field == outcome.field or problem.field.startswith(outcome.field + "."):
                outcome.action = "error"
                outcome.problem = FileProblem(outcome.file.shown, "record_check",
                                              message("record_check", reason=problem.message))
                refused.add(change.product.id)
    for product_id in refused:
        change = changes[product_id]
        change.outcomes = [o for o in change.outcomes if o.action != "error"]
        _stage_record(change, staging)


# --- writing --------------------------------------------------------------------------------


def apply_folder(plan: FolderPlan, config: SiteConfig) -> tuple[list[RecordChange], list[Message]]:
    """Moves the staged files and records into ``products/``: a record's files first, then the
    record. Returns the records written and why any other was left alone (its folder is a link,
    or someone changed the record since it was read)."""
    written: list[RecordChange] = []
    left: list[Message] = []
    root = config.products_dir.resolve()
    for change in plan.changes.values():
        if not change.text:
            continue
        home = config.products_dir / change.product.id
        folders = {home, *((home / o.target).parent for o in change.outcomes)}
        if any(f.is_symlink() or (f.exists() and not f.resolve().is_relative_to(root))
               for f in folders):
            left.append(message("record_folder_link", id=change.product.id))
            continue
        if change.record.read_text(encoding="utf-8") != change.original:
            left.append(message("record_changed", id=change.product.id))
            continue
        for outcome in change.outcomes:
            (home / outcome.target).parent.mkdir(exist_ok=True)
            os.replace(plan.staging / change.product.id / outcome.target, home / outcome.target)
        replace_file(plan.staging / change.product.id / RECORD_NAME, change.record)
        written.append(change)
    return written, left
