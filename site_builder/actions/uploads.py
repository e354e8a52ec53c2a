"""What an office uploaded into ``imports/`` through GitHub's web page (files dropped together,
or a folder holding a lot log, its documents and photos), imported as one upload, the way a
person expects:

1. The sheets, wherever they lie: the product lists (a decision annex, a to-do workbook coming
   back) first, then the lot logs, whose lots may name the products an annex adds; a lot log
   takes the documents it names from beside it. Each runs through the ``ocop`` command line as a
   person would run it, as a separate process, so what it prints and how it exits are exactly
   the command line's: a dry run (its review, its to-do workbook), then the import.
2. The photos and documents left (not a sheet, not a document a sheet names), through the
   folder import (``media_import``), in this process: the workflow needs to know what became
   of each file. A file with an error does not hold the others back.
3. What was imported (a sheet with the documents it took, each photo or document added or
   already there) moves into ``imports/done/<day>/``, keeping its folder; what failed stays
   where it is, with its message in the job summary, for the office to correct and upload
   again. A file is never imported twice nor left behind once used.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from site_builder.actions.summary import Summary
from site_builder.media_import.source import SHEET_SUFFIXES, SYSTEM_FILES, list_folder
from site_builder.problems import catalogue

MESSAGES = Path(__file__).parent / "messages"
DONE = "done"
# Files of the folder itself, never an upload to import.
KEPT = {"README.md", ".gitkeep"}
TIMEOUT = 3600  # seconds one ocop command may take (a national annex takes about a minute)
PRODUCTS, LOTS = "products", "lots"  # the kinds of sheet, in the order they are imported


@dataclass
class Outcome:
    """One sheet: ``status`` is imported, refused or failed."""

    upload: Path
    status: str
    review: str  # what the dry run printed
    result: str  # what the import printed ("" when it did not run)
    moved: Path | None = None
    todo: Path | None = None
    code: int = 0  # the exit code of the command that stopped it
    documents: list[Path] = field(default_factory=list)  # beside it, named by it: they go with it


@dataclass
class FolderOutcome:
    """The photos and documents left once the sheets are imported, through the folder import."""

    path: Path  # imports/
    files: int  # files read
    review: str
    result: str
    imported: list[Path] = field(default_factory=list)  # added, or already there: moved
    failed: list[str] = field(default_factory=list)  # a line per file that stays, with why
    others: list[str] = field(default_factory=list)  # not a photo or PDF: stays, a warning
    moved: Path | None = None  # the day's folder in imports/done/
    error: str = ""  # why the folder import could not run at all (nothing moved)


@dataclass
class UploadRun:
    sheets: list[Outcome]
    folder: FolderOutcome | None  # the photos and documents left, if any

    @property
    def uploads(self) -> int:
        """Files read: the sheets, the documents they name, the rest."""
        return (len(self.sheets) + sum(len(o.documents) for o in self.sheets)
                + (self.folder.files if self.folder else 0))

    @property
    def imported(self) -> int:
        """Files moved into imports/done/."""
        return (sum(1 + len(o.documents) for o in self.sheets if o.status == "imported")
                + (len(self.folder.imported) if self.folder else 0))

    @property
    def refused(self) -> int:
        """Sheets and files not imported for an error: the site is not published again."""
        folder = self.folder
        return (sum(1 for o in self.sheets if o.status != "imported")
                + (len(folder.failed) + bool(folder.error) if folder else 0))


# --- what waits -----------------------------------------------------------------------------


def waiting(imports: Path) -> list[Path]:
    """Every file that waits in ``imports/`` and its folders (not ``done/``, not the folder's own
    files, not links), in name order."""
    if not imports.is_dir():
        return []
    return [f.path for f in list_folder(imports, _not_uploads(imports)).files]


def _not_uploads(imports: Path) -> list[Path]:
    return [imports / DONE, *(imports / name for name in KEPT)]


def sheet_kind(path: Path) -> tuple[str, list[Path]]:
    """``LOTS`` for a lot log (or our template with its lot sheets filled in), with the files
    beside it that its document cells name; ``PRODUCTS`` for a list of products, or a file the
    command line will refuse with its reason."""
    from site_builder.sheets.lots.find import SHEET_KINDS, workbook_of
    from site_builder.sheets.lots.plan import documents_beside
    from site_builder.sheets.sources import read_source

    try:
        workbook = workbook_of(read_source(path, None, SHEET_KINDS))
    except Exception:  # noqa: BLE001 - any sheet ocop cannot read is its to explain
        return PRODUCTS, []
    return (LOTS, documents_beside(workbook)) if workbook.has_lots else (PRODUCTS, [])


# --- importing ------------------------------------------------------------------------------


def ocop(config: Path, *args: str) -> tuple[int, str]:
    """Run the ``ocop`` command line; its exit code and what it printed (both streams)."""
    done = subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(config), *args],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=TIMEOUT, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    return done.returncode, done.stdout


def import_sheet(upload: Path, config: Path, todo_dir: Path, *, update: bool = False,
                 lang: str = "vi") -> Outcome:
    """``ocop import --dry-run`` (its review and to-do workbook), then ``ocop import``."""
    todo_dir.mkdir(parents=True, exist_ok=True)
    todo = todo_dir / f"{upload.stem}-viec-can-lam.xlsx"
    extra = ["--update"] if update else []
    extra += ["--lang", lang]
    code, review = ocop(config, "import", str(upload), "--dry-run", "--todo", str(todo), *extra)
    made = todo if todo.is_file() else None
    if code != 0:
        return Outcome(upload, "refused" if code == 1 else "failed", review, "", todo=made,
                       code=code)
    code, result = ocop(config, "import", str(upload), *extra)
    if code != 0:
        return Outcome(upload, "failed", review, result, todo=made, code=code)
    return Outcome(upload, "imported", review, result, todo=made)


def import_files(imports: Path, config: Path, leave_out: list[Path], root: Path,
                 lang: str = "vi") -> FolderOutcome | None:
    """The photos and documents in ``imports/`` but ``leave_out``, through the folder import
    with every good file written (as ``ocop import FOLDER --skip-invalid``); None when there
    are none."""
    from site_builder.media_import.plan import FolderError, apply_folder, plan_folder, staging_area
    from site_builder.media_import.review import problem_lines, review_lines, totals_line
    from site_builder.media_import.texts import message
    from site_builder.mkdocs.build import BuildError, load_site_config

    shown = _shown(imports, root)
    try:
        site = load_site_config(config)
        with staging_area(site, dry_run=False) as staging:
            plan = plan_folder(imports, site, staging, leave_out=[*_not_uploads(imports),
                                                                  *leave_out])
            if not plan.outcomes and not plan.problems:
                return None
            problems = problem_lines(plan, shown, lang)
            review = review_lines(plan, shown, lang) + problems + [
                totals_line(plan, lang, dry_run=True)]
            written, left = apply_folder(plan, site)
    except FolderError as exc:
        return FolderOutcome(imports, 0, "", "", error=exc.message.text(lang))
    except BuildError as exc:  # mkdocs.yml's ocop block is wrong: the sheets said so too
        return FolderOutcome(imports, 0, "", "", error=str(exc))
    done = {change.product.id for change in written}
    outcome = FolderOutcome(imports, len(plan.outcomes), "\n".join(review), "\n".join(
        [message("left_alone", reason=r).text(lang) for r in left] + [totals_line(plan, lang)]))
    lines = {id(p): line for p, line in zip(plan.all_problems, problems, strict=True)}
    for problem in plan.problems:  # entries refused before they were read (links, names)
        (outcome.failed if problem.error else outcome.others).append(lines[id(problem)])
    for file in plan.outcomes:
        if file.action == "same" or (file.added and file.product_id in done):
            outcome.imported.append(file.file.path)
        elif file.problem is not None:
            (outcome.failed if file.problem.error else outcome.others).append(
                lines[id(file.problem)])
        else:  # its record was left alone (changed meanwhile, a link): the result says why
            outcome.failed.append(catalogue(MESSAGES).message(
                "file_record_left", file=f"{shown}/{file.file.shown}", id=file.product_id
            ).text(lang))
    return outcome


def run_uploads(imports: Path, config: Path, todo_dir: Path, today: date, root: Path, *,
                update: bool = False, lang: str = "vi",
                log: Callable[[str, str], None] | None = None) -> UploadRun:
    """Everything waiting in ``imports/``, imported as one upload (the module's three steps)."""
    if not imports.is_dir():
        return UploadRun([], None)
    files = waiting(imports)
    kinds = {f: sheet_kind(f) for f in files if _is_sheet(f)}
    sheets = sorted(kinds, key=lambda f: (kinds[f][0] != PRODUCTS, f.as_posix()))
    named = {sheet: [d for d in kinds[sheet][1] if d in files and d not in kinds]
             for sheet in sheets}
    outcomes = []
    for sheet in sheets:
        outcome = import_sheet(sheet, config, todo_dir, update=update, lang=lang)
        outcome.documents = named[sheet]
        outcomes.append(outcome)
        if log:
            log(_shown(sheet, root), outcome.review + outcome.result)
    taken = [*sheets, *(d for documents in named.values() for d in documents)]
    rest = import_files(imports, config, taken, root, lang)
    if rest is not None and log:
        log(_shown(imports, root) + "/", "\n".join(filter(None, (rest.review, rest.result,
                                                                 rest.error))))
    # Moved last: a later sheet may name a document an earlier one took.
    moved: dict[Path, Path] = {}
    for path in [p for o in outcomes if o.status == "imported" for p in (o.upload, *o.documents)
                 ] + (rest.imported if rest is not None else []):
        if path not in moved:
            moved[path] = _move_done(path, imports, today)
    for outcome in outcomes:
        outcome.moved = moved.get(outcome.upload)
    if rest is not None and rest.imported:
        rest.moved = imports / DONE / today.isoformat()
    _tidy(imports, today)
    return UploadRun(outcomes, rest)


def _is_sheet(path: Path) -> bool:
    return path.suffix.lower() in SHEET_SUFFIXES


def _move_done(path: Path, imports: Path, today: date) -> Path:
    """Into ``imports/done/<day>/``, in the folder it was uploaded in, under a new name if one of
    that name is there already."""
    relative = path.relative_to(imports)
    target = imports / DONE / today.isoformat() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while target.exists():
        n += 1
        target = target.with_name(f"{path.stem}-{n}{path.suffix}")
    path.rename(target)
    return target


def _tidy(imports: Path, today: date) -> None:
    """Folders of ``imports/`` emptied by the moves are removed; one left with only the files a
    computer adds (.DS_Store, Thumbs.db) has them moved with the rest."""
    for folder, _, _ in sorted(os.walk(imports), key=lambda w: -len(w[0])):
        here = Path(folder)
        if here == imports or here.is_relative_to(imports / DONE):
            continue
        entries = list(here.iterdir())
        if all(e.is_file() and not e.is_symlink() and (e.name.casefold() in SYSTEM_FILES
                                                       or e.name.startswith("._"))
               for e in entries):
            for entry in entries:
                _move_done(entry, imports, today)
            here.rmdir()


# --- the job summary --------------------------------------------------------------------------


def summarize(run: UploadRun, root: Path, summary: Summary) -> None:
    words = catalogue(MESSAGES)
    lang = summary.lang

    def say(code: str, **values: object) -> str:
        return words.message(code, **values).text(lang)

    def cut(lines: int) -> str:
        return say("truncated", lines=lines)

    summary.add(f"## {say('summary_title')}\n")
    if not run.sheets and run.folder is None:
        summary.add(say("summary_none"))
        return
    parts = len(run.sheets) + (run.folder is not None)
    for i, outcome in enumerate(run.sheets):
        path = _shown(outcome.upload, root)
        summary.add(f"### {_code(path)}\n")
        moved = _shown(outcome.moved, root) if outcome.moved else ""
        summary.add(say(f"status_{outcome.status}", path=path, moved=moved,
                        exit_code=outcome.code) + "\n")
        if outcome.documents:
            names = ", ".join(_code(d.name) for d in outcome.documents)
            summary.add(say("documents_moved" if outcome.status == "imported"
                            else "documents_kept", files=names) + "\n")
        if outcome.todo is not None:
            summary.add(say("todo_line", name=outcome.todo.name) + "\n")
        left = parts - i  # the parts still to show share the room left
        summary.add(f"#### {say('review_heading')}\n")
        summary.block(outcome.review, 1 / left, cut)
        if outcome.result:  # it repeats the review: its last line (the totals) is the news
            last = outcome.result.strip().splitlines()[-1:] if outcome.status == "imported" \
                else outcome.result.strip().splitlines()
            summary.add(f"#### {say('import_heading')}\n")
            summary.block("\n".join(last), 1 / left, cut)
    if run.folder is not None:
        _summarize_folder(run.folder, root, summary, say, cut)


def _summarize_folder(files: FolderOutcome, root: Path, summary: Summary,
                      say: Callable[..., str], cut: Callable[[int], str]) -> None:
    folder = _shown(files.path, root) + "/"
    summary.add(f"### {_code(folder)}: {say('files_heading', count=files.files)}\n")
    if files.error:
        summary.add(say("files_failed", reason=files.error, folder=folder) + "\n")
        return
    if files.imported:
        summary.add(say("files_imported", count=len(files.imported),
                        moved=_shown(files.moved, root) + "/") + "\n")
    if files.failed:
        summary.add(say("files_refused", count=len(files.failed), folder=folder) + "\n")
    if files.others:
        summary.add(say("files_others", count=len(files.others), folder=folder) + "\n")
    if files.failed or files.others:  # one line each, before the review that may be cut
        summary.add(f"#### {say('files_left_heading')}\n")
        summary.block("\n".join(files.failed + files.others), 1 / 3, cut)
    summary.add(f"#### {say('files_review_heading')}\n")
    summary.block(files.review, 1 / 2, cut)
    summary.add(f"#### {say('import_heading')}\n")
    summary.block(files.result, 1, cut)


def _code(text: str) -> str:
    """``text`` as inline code, whatever backticks a file's name holds."""
    ticks = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _shown(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def vietnam_today() -> date:
    """The day in Vietnam (a runner's clock is UTC), which names the folder of imported files."""
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    except Exception:  # noqa: BLE001 - no time-zone data on this machine: the runner's own day
        return date.today()
