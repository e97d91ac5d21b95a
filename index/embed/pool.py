"""Bulk embedding in worker processes, each running its own single-threaded copy of an encoder.

For int8, one single-threaded session per core embedded ~1.3x faster than one session with a thread per core
(BENCHMARKS.md): small int8 MatMuls split across threads spend much of their time synchronising. The pool is given a
picklable factory that makes the worker's encoder, so it depends on no backend.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from .base import Encoder

log = logging.getLogger(__name__)

# Sentences a worker embeds per task: enough for length-sorted batches, small enough to spread the work evenly.
CHUNK = 512

_worker: Encoder | None = None  # the encoder of a worker process


def _start(factory: Callable[[], Encoder]) -> None:
    global _worker
    _worker = factory()


def _encode(texts: list[str]) -> np.ndarray:
    if _worker is None:
        raise RuntimeError("embedding worker used before it started")
    return _worker.encode(texts)


class EncoderPool:
    """Worker processes that embed chunks of sentences, each with the encoder a factory makes."""

    def __init__(self, factory: Callable[[], Encoder], processes: int) -> None:
        # spawn, not fork: the parent already runs ONNX Runtime and tokenizer threads, which fork would copy broken
        context = multiprocessing.get_context("spawn")
        self.processes = processes
        self._executor = ProcessPoolExecutor(processes, mp_context=context, initializer=_start, initargs=(factory,))

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

    def close(self) -> None:
        """Stop the workers."""
        self._executor.shutdown(cancel_futures=True)
