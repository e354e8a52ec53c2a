"""A job's Markdown summary (the file named by ``$GITHUB_STEP_SUMMARY``), kept within GitHub's
limit of 1 MiB a step: a command's output goes in as a fenced block, cut at a line with a note
of how many lines were left out (the step's log keeps them all)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

LIMIT = 1024 * 1024  # bytes GitHub accepts in one step's summary
RESERVE = 4096  # kept for the parts that come after a block (headings, the check's result)


def fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``, so it cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def size(text: str) -> int:
    return len(text.encode("utf-8"))


@dataclass
class Summary:
    """Markdown built part by part, never past ``limit`` bytes in all."""

    lang: str = "vi"
    limit: int = LIMIT
    parts: list[str] = field(default_factory=list)

    @property
    def used(self) -> int:
        return sum(size(part) for part in self.parts)

    def add(self, markdown: str) -> None:
        """A short part (a heading, a line); dropped if even that would pass the limit."""
        if self.used + size(markdown) + 1 <= self.limit:
            self.parts.append(markdown + "\n")

    def block(self, text: str, share: float, cut: Callable[[int], str]) -> None:
        """``text`` as a fenced block, within ``share`` (0-1) of the room left; ``cut`` says
        how many lines did not fit."""
        room = int((self.limit - self.used - RESERVE) * share)
        lines = text.rstrip("\n").splitlines()
        marker = fence(text)
        kept: list[str] = []
        taken = size(marker) * 2 + 4
        for line in lines:
            if taken + size(line) + 1 > room - 200:  # 200: the note about what was cut
                break
            kept.append(line)
            taken += size(line) + 1
        body = "\n".join([marker, *kept, marker])
        if len(kept) < len(lines):
            body += "\n\n" + cut(len(lines) - len(kept))
        if room > 0:
            self.parts.append(body + "\n")

    def markdown(self) -> str:
        return "\n".join(self.parts)
