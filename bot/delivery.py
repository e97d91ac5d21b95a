"""Sending to Telegram under load: retry transient network failures (flood control is AIORateLimiter's).

A retry after a dropped connection may, rarely, deliver a message twice; a duplicate answer is better than a lost
one. Requests Telegram refused (BadRequest, Forbidden) are never retried, and flood control (429 RetryAfter) is
waited out and retried by PTB's AIORateLimiter (bot.app) before it reaches this module.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

log = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 4
FIRST_BACKOFF = 0.25  # seconds; doubled after each network failure


async def deliver(send: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    """Await send() (a Bot API call), retrying network failures up to attempts times."""
    backoff = FIRST_BACKOFF
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except (BadRequest, RetryAfter):  # refused, or still flooded after the rate limiter's retries
            raise
        except NetworkError as exc:  # also TimedOut, e.g. no free connection in the pool: nothing was sent
            if attempt == attempts:
                raise
            log.warning("sending failed (%s); retrying in %.2f s", exc, backoff)
            await asyncio.sleep(backoff)
            backoff *= 2
    raise AssertionError("unreachable")
