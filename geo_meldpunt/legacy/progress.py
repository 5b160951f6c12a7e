"""A progress bar on a terminal: one line redrawn in place, at most ten times a second. No dependency."""

from __future__ import annotations

import time
from collections.abc import Callable


class ProgressBar:
    """Call with (done, total) after each row; `finish()` ends the line. `write` writes text as it is (no line
    ending added) and flushes."""

    def __init__(self, write: Callable[[str], None], *, width: int = 30, interval_s: float = 0.1) -> None:
        self.write = write
        self.width = width
        self.interval_s = interval_s
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._drawn_at < self.interval_s:
            return
        self._drawn_at = now
        share = done / total if total else 1.0
        filled = round(share * self.width)
        rate = done / (now - self.started) if now > self.started else 0.0
        bar = "#" * filled + "." * (self.width - filled)
        self.write(f"\r[{bar}] {done}/{total} {share:4.0%} {rate:6.0f}/s")
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.write("\n")
