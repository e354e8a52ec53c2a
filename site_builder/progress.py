"""Progress of a long build: a self-updating line on a terminal, plain lines elsewhere.

On a terminal: the stage, items done of total and the time left, redrawn at most ten times a
second. In CI, when piped or when ``CI`` is set: one line when a stage starts and one when it
ends, so logs stay readable.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

STAGE_NAMES = {"validate": "kiểm tra hồ sơ", "render": "dựng trang", "publish": "xuất bản",
               "photos": "đọc và chuyển ảnh"}


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.live = enabled and self.stream.isatty() and not os.environ.get("CI")
        self.stage, self.total, self.done_count = "", 0, 0
        self.started = self.drawn = 0.0

    def start(self, stage: str, total: int) -> None:
        self.stage, self.total, self.done_count = stage, total, 0
        self.started = self.drawn = time.perf_counter()
        if self.enabled and not self.live:
            print(f"{STAGE_NAMES.get(stage, stage)}: {total} mục ...", file=self.stream, flush=True)

    def advance(self, count: int = 1) -> None:
        self.done_count += count
        if not self.live:
            return
        now = time.perf_counter()
        if now - self.drawn < 0.1 and self.done_count < self.total:
            return
        self.drawn = now
        elapsed = now - self.started
        left = elapsed / self.done_count * (self.total - self.done_count) if self.done_count else 0
        share = self.done_count / self.total if self.total else 1
        self.stream.write(f"\r{STAGE_NAMES.get(self.stage, self.stage)}: {self.done_count}/"
                          f"{self.total} ({share:.0%}), còn khoảng {left:.0f} giây   ")
        self.stream.flush()

    def done(self) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.started
        name = STAGE_NAMES.get(self.stage, self.stage)
        if self.live:
            self.stream.write(f"\r{name}: {self.total}/{self.total} xong trong {elapsed:.1f} giây"
                              + " " * 20 + "\n")
        else:
            print(f"{name}: xong {self.total} mục trong {elapsed:.1f} giây", file=self.stream)
        self.stream.flush()


class Quiet(Progress):
    def __init__(self) -> None:
        super().__init__(enabled=False)
