"""Bulk work in worker processes, each running its own single-threaded copy of an encoder.

For int8, one single-threaded session per core embedded ~1.3x faster than one session with a thread per core
(BENCHMARKS.md): small int8 MatMuls split across threads spend much of their time synchronising. The pool is given a
picklable factory that makes the worker's encoder, so it depends on no backend. Besides embedding, a build runs
whole steps in the workers (`imap`: analyse a chunk of articles, then embed it), so no core waits for another stage.

Workers die with their parent: each asks the kernel for SIGKILL when its parent dies (Linux) and also checks its
parent every second, sits in a process group of its own, and the parent kills those groups when the pool closes, at
exit, and on SIGTERM (the handler then exits the way an unhandled SIGTERM would, after `finally` blocks ran).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from types import FrameType
from typing import Any, TypeVar

import numpy as np

from .base import Encoder

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Sentences a worker embeds per task: enough for length-sorted batches, small enough to spread the work evenly.
CHUNK = 512
_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 1.0

_worker: Encoder | None = None  # the encoder of a worker process
_pools: weakref.WeakSet[EncoderPool] = weakref.WeakSet()  # live pools of this (parent) process
_previous_sigterm: Any = None


def _start(factory: Callable[[], Encoder], parent: int, pdeathsig: bool) -> None:
    global _worker
    _die_with_parent(parent, pdeathsig)
    _worker = factory()


def _die_with_parent(parent: int, pdeathsig: bool) -> None:
    """Make this worker exit when its parent is gone, however the parent ended."""
    if pdeathsig:  # only for workers started by the main thread: the signal fires when the starting thread ends
        with contextlib.suppress(OSError, AttributeError):  # not Linux: the watchdog below still applies
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    with contextlib.suppress(OSError):  # a group of its own: the parent kills it whole; Ctrl-C reaches the parent
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(_WATCH_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _encode(texts: list[str]) -> np.ndarray:
    if _worker is None:
        raise RuntimeError("embedding worker used before it started")
    return _worker.encode(texts)


def _call(task: tuple[Callable[[Encoder, Any], Any], Any]) -> Any:
    if _worker is None:
        raise RuntimeError("embedding worker used before it started")
    func, item = task
    return func(_worker, item)


class EncoderPool:
    """Worker processes that embed chunks of sentences (or run build steps), each with the encoder a factory makes."""

    def __init__(self, factory: Callable[[], Encoder], processes: int) -> None:
        # spawn, not fork: the parent already runs ONNX Runtime and tokenizer threads, which fork would copy broken
        context = multiprocessing.get_context("spawn")
        self.processes = processes
        main = threading.current_thread() is threading.main_thread()
        self._executor = ProcessPoolExecutor(
            processes, mp_context=context, initializer=_start, initargs=(factory, os.getpid(), main)
        )
        _pools.add(self)
        if main:
            _install_sigterm_handler()

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Encode texts in chunks spread over the workers; rows come back in input order."""
        chunks = [list(texts[i : i + CHUNK]) for i in range(0, len(texts), CHUNK)]
        results = self._executor.map(_encode, chunks)
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), unit="sentence", desc="Embedding")
            parts = []
            for part in results:
                parts.append(part)
                bar.update(len(part))
            bar.close()
        else:
            parts = list(results)
        return np.vstack(parts)

    def imap(self, func: Callable[[Encoder, T], R], items: Iterable[T]) -> Iterator[R]:
        """Run func(worker's encoder, item) for every item in the workers; results come in input order.

        func must be a module-level function (it is pickled by name).
        """
        return self._executor.map(_call, [(func, item) for item in items])

    def worker_pids(self) -> list[int]:
        """Return the process ids of the workers running now."""
        processes = getattr(self._executor, "_processes", None) or {}
        return [p.pid for p in list(processes.values()) if p.pid is not None]

    def close(self) -> None:
        """Stop the workers: queued work is dropped and running work is killed."""
        pids = self.worker_pids()
        self._executor.shutdown(wait=False, cancel_futures=True)
        for pid in pids:
            _kill_group(pid)
        _pools.discard(self)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)  # the worker leads its own group (see _die_with_parent)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def close_all_pools() -> None:
    """Kill the workers of every pool this process started (at exit, on SIGTERM)."""
    for pool in list(_pools):
        pool.close()


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    close_all_pools()
    signal.signal(signal.SIGTERM, _previous_sigterm if _previous_sigterm is not None else signal.SIG_DFL)
    raise SystemExit(128 + signum)  # finally blocks run: the write lock is released, the unfinished build removed


def _install_sigterm_handler() -> None:
    global _previous_sigterm
    current = signal.getsignal(signal.SIGTERM)
    if current in (signal.SIG_DFL, None):  # never replace a handler someone else set (the bot's, a test runner's)
        _previous_sigterm = current
        signal.signal(signal.SIGTERM, _on_sigterm)


atexit.register(close_all_pools)
