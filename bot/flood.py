"""Per-user flood protection: a token bucket per user, and one polite warning per burst."""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


class Verdict(enum.Enum):
    """What to do with a user's request."""

    ALLOW = "allow"
    WARN = "warn"  # refuse, and tell the user once to slow down
    DROP = "drop"  # refuse silently: the user was already told


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class FloodGuard:
    """Allows each user a burst of `burst` requests, refilled at burst per `period` seconds."""

    def __init__(
        self, burst: int = 5, period: float = 30.0, clock: Callable[[], float] = time.monotonic, max_users: int = 10_000
    ) -> None:
        if burst < 1 or period <= 0:
            raise ValueError("burst must be at least 1 and period positive")
        self.burst = burst
        self.period = period
        self.rate = burst / period
        self._clock = clock
        self._max_users = max_users
        self._buckets: dict[int, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, user_id: int) -> Verdict:
        """Take one request from the user's bucket and say whether to serve it."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(user_id)
            if bucket is None:
                if len(self._buckets) >= self._max_users:
                    self._forget_idle(now)
                bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                bucket.warned = False
                return Verdict.ALLOW
            if bucket.warned:
                return Verdict.DROP
            bucket.warned = True
            return Verdict.WARN

    def retry_after(self, user_id: int) -> float:
        """Return the seconds until the user may ask again (0 when they may ask now)."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(user_id)
            if bucket is None:
                return 0.0
            tokens = bucket.tokens + (now - bucket.updated) * self.rate
            return max(0.0, (1.0 - tokens) / self.rate)

    def _forget_idle(self, now: float) -> None:
        """Drop users whose bucket has refilled completely: they are indistinguishable from new users."""
        full = [uid for uid, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.burst]
        for uid in full:
            del self._buckets[uid]
        if len(self._buckets) >= self._max_users:  # everyone is busy: forget the longest idle
            for uid, _ in sorted(self._buckets.items(), key=lambda item: item[1].updated)[: self._max_users // 10]:
                del self._buckets[uid]
