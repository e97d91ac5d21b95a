"""Sending to Telegram under load: wait out flood control (429) and retry transient network failures.

A retry after a dropped connection may, rarely, deliver a message twice; a duplicate answer is better than a lost
one. Requests Telegram refused (BadRequest, Forbidden) are never retried.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

log = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 4
FIRST_BACKOFF = 0.25  # seconds; doubled after each network failure
MAX_FLOOD_WAIT = 60.0  # longer waits than this are not worth holding a reply for


async def deliver(send: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    """Await send() (a Bot API call), retrying on flood control and network failures up to attempts times."""
    backoff = FIRST_BACKOFF
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            if attempt == attempts or wait > MAX_FLOOD_WAIT:
                raise
            log.warning("Telegram flood control: waiting %.0f s before sending again", wait)
            await asyncio.sleep(wait)
        except BadRequest:
            raise
        except NetworkError as exc:  # also TimedOut, e.g. no free connection in the pool: nothing was sent
            if attempt == attempts:
                raise
            log.warning("sending failed (%s); retrying in %.2f s", exc, backoff)
            await asyncio.sleep(backoff)
            backoff *= 2
    raise AssertionError("unreachable")


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
