"""The folder import's messages, looked up by code in ``messages/vi.yml`` and ``en.yml``, and
the problem a file of the folder can have."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from site_builder.problems import Message, catalogue

FOLDER_MESSAGES = Path(__file__).parent / "messages"


def message(code: str, **values: object) -> Message:
    """The texts of ``code`` in both languages, filled with ``values``."""
    return catalogue(FOLDER_MESSAGES).message(code, **values)


@dataclass(frozen=True)
class FileProblem:
    """Why one file of the folder is not imported (``error``) or is worth a word (not)."""

    shown: str  # the file, relative to the folder, as a person reads it
    code: str
    message: Message
    error: bool = True

    @classmethod
    def of(cls, shown: str, code: str, *, error: bool = True, **values: object) -> FileProblem:
        return cls(shown, code, message(code, **values), error)

    def format(self, lang: str = "vi") -> str:
        kind = message("label_error" if self.error else "label_warning").text(lang)
        return f"{self.shown}: {kind}: {self.message.text(lang)}"
