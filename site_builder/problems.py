"""Problems found in records: errors stop a build, warnings and notes do not.

Validation never raises for a user's mistake; it returns problems, each naming the file,
the line and the field, so the command line can print every one of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from pathlib import Path
from typing import overload

import yaml

LANGUAGES = ("vi", "en")
# The catalogue ``Problems`` reports from by code: the records' (the only one so far).
RECORD_MESSAGES = Path(__file__).parent / "records" / "messages"


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

    def both(self) -> str:
        """'Vietnamese / English': how a message reads where no language is chosen (the
        command line, an exception's text)."""
        return f"{self.vi} / {self.en}"

    def join(self, items: list[str]) -> Message:
        """``items`` joined by this message in each language (e.g. ' hoặc ' / ' or ')."""
        return Message(self.vi.join(items), self.en.join(items))


class Catalogue:
    """Message templates by code, one YAML file per language (``vi.yml``, ``en.yml``).

    Templates are filled by ``str.format``; a value that is a ``Message`` is filled in each
    language with its own text (a regime's Vietnamese name, its English one)."""

    def __init__(self, templates: Mapping[str, Mapping[str, str]]) -> None:
        self.templates = templates  # language -> code -> template

    def message(self, code: str, **values: object) -> Message:
        vi, en = (self._fill(lang, code, values) for lang in LANGUAGES)
        return Message(vi, en)

    def _fill(self, lang: str, code: str, values: Mapping[str, object]) -> str:
        shown = {k: v.text(lang) if isinstance(v, Message) else v for k, v in values.items()}
        return self.templates[lang][code].format(**shown)


# libyaml's loader where PyYAML has it: a command reads one or two catalogues of some hundred
# messages before it says anything, 20 ms each with the Python loader, 2 with this one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def catalogue(folder: Path = RECORD_MESSAGES) -> Catalogue:
    """The catalogue in ``folder``, read once."""
    templates = {}
    for lang in LANGUAGES:
        with (folder / f"{lang}.yml").open(encoding="utf-8") as handle:
            found = yaml.load(handle, Loader=_LOADER)
            templates[lang] = {str(k): str(v) for k, v in found.items()}
    return Catalogue(templates)


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
    messages: Path = RECORD_MESSAGES  # where the texts of codes reported alone are looked up

    @overload
    def error(self, path: Path, line: int, field_path: str, code: str, /, **values: object) -> None: ...
    @overload
    def error(self, path: Path, line: int, field_path: str, vi: str, en: str, /, *,
              code: str = "") -> None: ...
    def error(self, path: Path, line: int, field_path: str, /, *text: str,
              **values: object) -> None:
        """By code, its texts from the catalogue filled with ``values``; or as a (vi, en) pair."""
        self._add(Severity.ERROR, path, line, field_path, text, values)

    @overload
    def warn(self, path: Path, line: int, field_path: str, code: str, /, **values: object) -> None: ...
    @overload
    def warn(self, path: Path, line: int, field_path: str, vi: str, en: str, /, *,
             code: str = "") -> None: ...
    def warn(self, path: Path, line: int, field_path: str, /, *text: str,
             **values: object) -> None:
        self._add(Severity.WARNING, path, line, field_path, text, values)

    @overload
    def note(self, path: Path, line: int, field_path: str, code: str, /, **values: object) -> None: ...
    @overload
    def note(self, path: Path, line: int, field_path: str, vi: str, en: str, /, *,
             code: str = "") -> None: ...
    def note(self, path: Path, line: int, field_path: str, /, *text: str,
             **values: object) -> None:
        self._add(Severity.NOTE, path, line, field_path, text, values)

    def _add(self, severity: Severity, path: Path, line: int, field_path: str,
             text: tuple[str, ...], values: dict[str, object]) -> None:
        if len(text) == 1:
            code, message = text[0], catalogue(self.messages).message(text[0], **values)
        elif len(text) == 2 and set(values) <= {"code"}:
            code, message = str(values.get("code", "")), Message(*text)
        else:
            raise TypeError("report a problem by its code, or by its (vi, en) texts")
        self.items.append(Problem(path, line, field_path, message, severity, code))

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


def format_problems(problems: Problems, root: Path) -> str:
    """Every problem on a line of its own, in Vietnamese, sorted, paths shown from ``root``: what
    a command or a build that stops prints (both edges, and the features they run)."""
    return "\n".join(p.format("vi", root) for p in problems.sorted())
