"""Problems found in records: errors stop a build, warnings and notes do not.

Validation never raises for a user's mistake; it returns problems, each naming the file,
the line and the field, so the command line can print every one of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # worth knowing, never a reason to stop (e.g. traceability gaps)


@dataclass(frozen=True)
class Message:
    """A message in Vietnamese first, with its English gloss."""

    vi: str
    en: str

    def text(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    field: str
    message: Message
    severity: Severity = Severity.ERROR
    code: str = ""  # the kind of problem, for counting and grouping (never its wording)

    def format(self, lang: str = "vi", root: Path | None = None) -> str:
        shown = self.path
        if root is not None:
            try:
                shown = self.path.resolve().relative_to(root.resolve())
            except ValueError:
                shown = self.path
        label = {"vi": {"error": "lỗi", "warning": "cảnh báo", "note": "ghi chú"}, "en": {}}.get(lang, {})
        kind = label.get(self.severity.value, self.severity.value)
        where = f"{shown}:{self.line}"
        field_part = f" {self.field}:" if self.field else ""
        return f"{where}:{field_part} {kind}: {self.message.text(lang)}"


@dataclass
class Problems:
    """An ordered collection of problems found while reading one catalog."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: Path, line: int, field_path: str, vi: str, en: str,
              code: str = "") -> None:
        self.items.append(Problem(path, line, field_path, Message(vi, en), Severity.ERROR, code))

    def warn(self, path: Path, line: int, field_path: str, vi: str, en: str,
             code: str = "") -> None:
        self.items.append(Problem(path, line, field_path, Message(vi, en), Severity.WARNING, code))

    def note(self, path: Path, line: int, field_path: str, vi: str, en: str,
             code: str = "") -> None:
        self.items.append(Problem(path, line, field_path, Message(vi, en), Severity.NOTE, code))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.NOTE]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (str(p.path), p.line, p.field))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)
