"""Seconds spent per named stage: the build's own timing, which benchmarks and logs read (no patching needed)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext


class Stopwatch:
    """Adds up wall-clock seconds per stage name; `with clock("embed"): ...` times one stretch.

    A stage timed inside another counts for itself only: its seconds are taken off the enclosing stage.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._inner: list[float] = []  # seconds of stages timed inside each open stage

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        """Time the block and add it to the stage."""
        started = time.perf_counter()
        self._inner.append(0.0)
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.add(stage, elapsed - self._inner.pop())
            if self._inner:
                self._inner[-1] += elapsed

    def add(self, stage: str, seconds: float) -> None:
        """Add seconds to a stage."""
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def merge(self, other: Mapping[str, float]) -> None:
        """Add another record's seconds, stage by stage."""
        for stage, seconds in other.items():
            self.add(stage, seconds)


def timed(clock: Stopwatch | None, stage: str) -> AbstractContextManager[None]:
    """Time a block into clock's stage, or do nothing without a clock."""
    return clock(stage) if clock is not None else nullcontext()
