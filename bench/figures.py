"""The measured figures: manual/figures.md, each run's block written by the bench that ran.

A bench ends with ``sys.exit(figures.run(main))``: ``main`` runs with what it prints copied,
and when it returns without an error its output goes into the block of its command line
(``<!-- figures: run.py 2000 -->`` ... ``<!-- /figures: run.py 2000 -->``), headed by the
command, the day and the machine; a run with other arguments gets a block of its own, after the
same bench's. Text outside the blocks is written by people (what a bench measures, what the
figures meant) and never touched; a block whose figures no longer hold is deleted by hand.
The file is replaced whole, from a finished copy beside it, so a run that is stopped leaves the
previous figures. Run one bench at a time: two finishing together would each write the file
they read.
"""

from __future__ import annotations

import io
import os
import platform
import re
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import TextIO

FIGURES = Path(__file__).resolve().parent.parent / "manual" / "figures.md"


def _marker(section: str, end: bool = False) -> str:
    return f"<!-- {'/' if end else ''}figures: {section} -->"


def record(section: str, text: str, figures: Path = FIGURES) -> None:
    """Put `text` in the block of `section` ("run.py 2000"), replacing what it held.

    A section not there yet goes after the last block of the same bench (the first word), or,
    for a bench with no block yet, under a heading of its own at the end of the file."""
    document = figures.read_text(encoding="utf-8")
    block = f"{_marker(section)}\n{text.strip()}\n{_marker(section, end=True)}"
    begin = re.search(rf"^{re.escape(_marker(section))}$", document, re.M)
    end = re.search(rf"^{re.escape(_marker(section, end=True))}$", document, re.M)
    if begin and end and begin.start() < end.start():
        document = document[:begin.start()] + block + document[end.end():]
    else:
        script = re.escape(section.split()[0])
        ends = list(re.finditer(rf"^<!-- /figures: {script}(?: [^\n]*)? -->$", document, re.M))
        if ends:
            at = ends[-1].end()
            document = document[:at] + "\n\n" + block + document[at:]
        else:
            document = f"{document.rstrip()}\n\n## `bench/{section.split()[0]}`\n\n{block}\n"
    _replace(figures, document)


def _replace(path: Path, text: str) -> None:
    """Write `path` whole or not at all: a flushed copy beside it, renamed over it."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".figures-",
                                     suffix=".tmp", delete=False) as copy:
        copy.write(text)
        copy.flush()
        os.fsync(copy.fileno())
    try:
        os.chmod(copy.name, path.stat().st_mode & 0o777)
        os.replace(copy.name, path)
    except BaseException:
        os.unlink(copy.name)
        raise


def as_markdown(output: str) -> str:
    """A bench's printed output as Markdown: its tables as tables, the other lines as text."""
    parts = []
    for is_table, lines in groupby(output.splitlines(), key=lambda line: line.lstrip()[:1] == "|"):
        body = "\n".join(line.strip() if is_table else line.rstrip() for line in lines).strip("\n")
        if body.strip():
            parts.append(body if is_table else f"```text\n{body}\n```")
    return "\n\n".join(parts)


def machine() -> str:
    """The machine in one line: processor, cores, memory, Python, system."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(errors="replace"), re.M)
        model = f"{found.group(1).strip()}, " if found else ""
    memory = ""
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"
    return (f"{model}{platform.machine()}, {os.cpu_count()} cores{memory}; Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


class _Copied(io.TextIOBase):
    """Standard output that also keeps what was written."""

    def __init__(self, out: TextIO) -> None:
        self.out, self.kept = out, io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()


def run(main: Callable[[], int | None], figures: Path = FIGURES) -> int | None:
    """Run a bench's `main` and record what it printed under its command line, unless it fails."""
    section = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])
    load_before, out = _load(), sys.stdout
    copied = _Copied(out)
    sys.stdout = copied  # type: ignore[assignment]
    try:
        status = main()
    finally:
        sys.stdout = out
    if status:
        return status
    command = " ".join(["python", f"bench/{Path(sys.argv[0]).name}", *sys.argv[1:]])
    heading = (f"`{command}`, {date.today().isoformat()}, on {machine()}; load average "
               f"(1, 5, 15 min) {load_before} before, {_load()} after:")
    record(section, f"{heading}\n\n{as_markdown(copied.kept.getvalue())}", figures)
    print(f"Figures written to {figures} ({_marker(section)}).")
    return status
