"""One writer at a time: build, add and remove hold an exclusive lock on the index folder."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import IndexLockedError

LOCK_FILE = ".write.lock"
ENV_LOCK_TIMEOUT = "NEWSBOT_LOCK_TIMEOUT"
# A second writer waits this long for the first to finish (a full build of a large corpus takes minutes).
DEFAULT_LOCK_TIMEOUT = 600.0


def lock_timeout(value: float | None = None) -> float:
    """Return the seconds a writer waits for the lock: value, else $NEWSBOT_LOCK_TIMEOUT, else 600."""
    if value is not None:
        return value
    try:
        return float(os.environ.get(ENV_LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


@contextlib.contextmanager
def writer_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the index's write lock, waiting up to timeout seconds for another writer; raise IndexLockedError after."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    wait = lock_timeout(timeout)
    lock = FileLock(root / LOCK_FILE, timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise IndexLockedError(
            f"Another build, add or remove is writing the index at {root}; gave up after waiting {wait:.0f} s. "
            f"Run the command again when it has finished (or wait longer with ${ENV_LOCK_TIMEOUT})."
        ) from None
    try:
        yield
    finally:
        lock.release()
