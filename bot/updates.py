"""A global bound on the updates the bot holds: beyond it, new updates are shed instead of queueing without end."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

SHED_LOG_EVERY = 30.0  # seconds between warnings while updates are being shed


class BoundedUpdateProcessor(BaseUpdateProcessor):
    """Handles up to `concurrent` updates at once and keeps at most `queued` more waiting; the rest are shed.

    PTB starts a task per update, which waits for a free slot: under a flood those tasks would pile up without
    bound. Here an update that finds `concurrent + queued` others pending is dropped at once (counted, logged).
    In webhook mode the server answers 503 before that point (see `full`), so Telegram delivers it again later.
    """

    def __init__(self, concurrent: int, queued: int, on_shed: Callable[[object], None] | None = None) -> None:
        if concurrent < 1 or queued < 0:
            raise ValueError("concurrent must be at least 1 and queued at least 0")
        # PTB's own semaphore must never be what holds an update back: this class sheds before it would.
        super().__init__(2 * (concurrent + queued) + 1)
        self.limit = concurrent + queued
        self.pending = 0
        self.shed = 0
        self._slots = asyncio.Semaphore(concurrent)
        self._on_shed = on_shed
        self._last_warning = 0.0

    @property
    def full(self) -> bool:
        """True when the next update would be shed."""
        return self.pending >= self.limit

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers when there is room, else drop it."""
        if self.full:
            self._drop(update, coroutine)
            return
        self.pending += 1
        try:
            async with self._slots:
                await coroutine
        finally:
            self.pending -= 1

    def _drop(self, update: object, coroutine: Awaitable[Any]) -> None:
        if inspect.iscoroutine(coroutine):
            coroutine.close()  # never started: close it, so Python does not warn that it was never awaited
        self.shed += 1
        if self._on_shed is not None:
            self._on_shed(update)
        now = time.monotonic()
        if now - self._last_warning >= SHED_LOG_EVERY:
            self._last_warning = now
            log.warning("overloaded: %d updates pending, shedding new ones (%d so far)", self.pending, self.shed)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
