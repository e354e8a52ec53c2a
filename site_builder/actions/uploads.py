"""The files and folders an office uploaded into ``imports/`` through GitHub's web page, each
imported by the ``ocop`` command line as a person would run it: first a dry run (its review
and the to-do workbook), then the import; an imported upload is moved into ``imports/done/``,
one with errors stays where it is for the office to replace.

``ocop`` runs as a separate process, so what it prints and how it exits are exactly the command
line's: whatever ``ocop import`` learns to read (sheets, folders of photos), this loop passes on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from site_builder.actions.summary import Summary
from site_builder.problems import catalogue

MESSAGES = Path(__file__).parent / "messages"
DONE = "done"
# Files of the folder itself, never an upload to import.
KEPT = {"README.md", ".gitkeep"}
TIMEOUT = 3600  # seconds one ocop command may take (a national annex takes about a minute)


@dataclass(frozen=True)
class Outcome:
    upload: Path
    status: str  # imported, refused, failed
    review: str  # what the dry run printed
    result: str  # what the import printed ("" when it did not run)
    moved: Path | None = None
    todo: Path | None = None
    code: int = 0  # the exit code of the command that stopped it


def pending(imports: Path) -> list[Path]:
    """What waits in ``imports/``: every file or folder but ``done/`` and the folder's own."""
    if not imports.is_dir():
        return []
    return sorted(entry for entry in imports.iterdir()
                  if entry.name != DONE and entry.name not in KEPT
                  and not entry.name.startswith(".") and not entry.is_symlink())


def ocop(config: Path, *args: str) -> tuple[int, str]:
    """Run the ``ocop`` command line; its exit code and what it printed (both streams)."""
    done = subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(config), *args],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=TIMEOUT, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    return done.returncode, done.stdout


def import_upload(upload: Path, config: Path, todo_dir: Path, today: date, *,
                  update: bool = False, lang: str = "vi") -> Outcome:
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
    return Outcome(upload, "imported", review, result, _move_done(upload, today), made)


def _move_done(upload: Path, today: date) -> Path:
    """Into ``imports/done/<day>/``, under a new name if one of that name is there already."""
    folder = upload.parent / DONE / today.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target, n = folder / upload.name, 1
    while target.exists():
        n += 1
        target = folder / f"{upload.stem}-{n}{upload.suffix}"
    upload.rename(target)
    return target


def summarize(outcomes: list[Outcome], root: Path, summary: Summary) -> None:
    words = catalogue(MESSAGES)
    lang = summary.lang
    summary.add(f"## {words.message('summary_title').text(lang)}\n")
    if not outcomes:
        summary.add(words.message("summary_none").text(lang))
        return
    for i, outcome in enumerate(outcomes):
        path = _shown(outcome.upload, root)
        summary.add(f"### `{path}`\n")
        moved = _shown(outcome.moved, root) if outcome.moved else ""
        status = words.message(f"status_{outcome.status}", path=path, moved=moved,
                               exit_code=outcome.code)
        summary.add(status.text(lang) + "\n")
        if outcome.todo is not None:
            summary.add(words.message("todo_line", name=outcome.todo.name).text(lang) + "\n")
        left = len(outcomes) - i  # the uploads still to show share the room left

        def cut(lines: int) -> str:
            return words.message("truncated", lines=lines).text(lang)

        summary.add(f"#### {words.message('review_heading').text(lang)}\n")
        summary.block(outcome.review, 1 / left, cut)
        if outcome.result:  # it repeats the review: its last line (the totals) is the news
            last = outcome.result.strip().splitlines()[-1:] if outcome.status == "imported" \
                else outcome.result.strip().splitlines()
            summary.add(f"#### {words.message('import_heading').text(lang)}\n")
            summary.block("\n".join(last), 1 / left, cut)


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
    except Exception:  # no time-zone data on this machine: the runner's own day
        return date.today()
