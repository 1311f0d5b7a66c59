"""Progress of long steps: a bar on a terminal, plain periodic lines in logs and CI."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType

from tqdm import tqdm

_LOG_EVERY = 10.0  # seconds between plain lines when the output is not a terminal


class Progress:
    """Counts items of one step (`advance`), shown as a bar or as a line every few seconds."""

    def __init__(self, what: str, total: int, unit: str, say: Callable[[str], None]):
        self.what, self.total, self.unit, self.say = what, total, unit, say
        self.done = 0
        self.started = self._last = time.perf_counter()
        self._bar = tqdm(total=total, desc=what, unit=unit, leave=False) if sys.stderr.isatty() else None

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
            return
        now = time.perf_counter()
        if now - self._last >= _LOG_EVERY:
            self._last = now
            rate = self.done / (now - self.started)
            self.say(f"{self.what}: {self.done:,}/{self.total:,} {self.unit}, {rate:,.0f} {self.unit}/s")

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.close()
