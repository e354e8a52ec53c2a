"""What the commands print, with every character that would act on the terminal shown instead.

Messages quote what people fed in: a spreadsheet's cell, a file's or a sheet's name, a record's
text. A cell can hold an escape sequence (ESC ]52 writes the clipboard, ESC ]0 retitles the
window, ESC [2J clears the screen and hides the messages above), a carriage return that
prints the rest of a line over its start, or a bidirectional override that shows a name
reversed. The records refuse such characters in the fields they publish, but a message has to
be able to quote the bad value to say where it is: so the commands' output is written through
``VisibleControls``, which prints each such character as ``<U+001B>``, and keeps line breaks
and tabs.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# C0 controls but tab and line feed, DEL, C1 controls (0x9b is a one-byte ESC [), the
# directional marks, embeddings, overrides and isolates.
_ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group()):04X}>"


def visible(text: str) -> str:
    """``text`` with the characters that act on a terminal written as ``<U+XXXX>``."""
    return _ACTING.sub(_shown, text)


class VisibleControls(io.TextIOBase):
    """A text stream that writes to ``stream`` what it is given, made ``visible``. A write
    that starts with a carriage return keeps it: that is the progress line redrawing itself
    (progress.py), never text from a record."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        lead = "\r" if text.startswith("\r") else ""
        self.stream.write(lead + visible(text[len(lead):]))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.stream.errors


@contextmanager
def visible_output() -> Iterator[None]:
    """This process's standard output and error through ``VisibleControls`` while it lasts."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, VisibleControls):
        sys.stdout = VisibleControls(sys.stdout)
    if not isinstance(sys.stderr, VisibleControls):
        sys.stderr = VisibleControls(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
