"""Problems as GitHub Actions workflow commands (``::error file=F,line=N,title=T::message``),
which GitHub shows beside the file and line in the run and the commit.

GitHub shows at most 10 annotations of each kind per step (50 per job) and drops the rest
silently: the worst come first, and a notice says how many were left out and where the whole
list is (the step's log, printed before them).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from site_builder.problems import Problem, Severity, catalogue

MESSAGES = Path(__file__).parent / "messages"

SHOWN_PER_KIND = 10
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    """A message as a workflow command carries it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property's value (file, title): ':' and ',' separate properties, so they are escaped."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: object) -> str:
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value not in (None, ""))
    return f"::{kind}{' ' + shown if shown else ''}::{escape_data(message)}"


def annotations(problems: Iterable[Problem], root: Path, lang: str = "vi",
                shown: int = SHOWN_PER_KIND) -> list[str]:
    """Errors then warnings as annotations, at most ``shown`` of each kind, then a notice of
    what was left out. Notes are not annotated (a catalog has hundreds): the log lists them."""
    found = [p for p in problems if p.severity is not Severity.NOTE]
    lines: list[str] = []
    left_out: dict[Severity, int] = {}
    for severity in (Severity.ERROR, Severity.WARNING):
        kind = sorted((p for p in found if p.severity is severity),
                      key=lambda p: (str(p.path), p.line, p.field))
        for problem in kind[:shown]:
            lines.append(command(COMMANDS[severity], problem.message.text(lang),
                                 file=_relative(problem.path, root), line=problem.line or None,
                                 title=f"ocop check: {problem.field}" if problem.field
                                 else "ocop check"))
        if len(kind) > shown:
            left_out[severity] = len(kind) - shown
    if left_out:
        text = catalogue(MESSAGES).message("left_out", errors=left_out.get(Severity.ERROR, 0),
                                           warnings=left_out.get(Severity.WARNING, 0))
        lines.append(command("notice", text.text(lang), title="ocop check"))
    return lines


def _relative(path: Path, root: Path) -> str:
    """The path from the repository's root, as GitHub names files; as given otherwise."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
