"""What every embedding backend provides, and a wrapper that makes one safe to share between threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

# Sentences an int8 backend may calibrate on, given lazily: only computed when the int8 model must be made.
Calibration = Callable[[], Sequence[str]]


class Encoder(Protocol):
    """Anything that turns sentences into unit-length float32 vectors."""

    name: str
    dimension: int

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Encode many texts into an (n, dimension) float32 array of unit vectors."""
        ...

    def encode_query(self, text: str) -> np.ndarray:
        """Encode one question into a (dimension,) float32 unit vector."""
        ...


class SerializedEncoder:
    """Wraps an encoder so that one thread at a time uses it (Hugging Face tokenizers are not thread-safe)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Encode texts with the wrapped encoder, one caller at a time."""
        with self._lock:
            return self.inner.encode(texts, progress=progress)

    def encode_query(self, text: str) -> np.ndarray:
        """Encode one question with the wrapped encoder, one caller at a time."""
        with self._lock:
            return self.inner.encode_query(text)

    def workers(self, sentences: int) -> Any:
        """Return the wrapped encoder's worker pool for bulk work of about this many sentences, if it has one."""
        workers = getattr(self.inner, "workers", None)
        return workers(sentences) if workers is not None else None

    def close(self) -> None:
        """Release what the wrapped encoder holds (worker processes), if anything."""
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()


def serialized(encoder: Encoder) -> Encoder:
    """Return the encoder made safe to share between threads (unchanged when it already is)."""
    return encoder if isinstance(encoder, SerializedEncoder) else SerializedEncoder(encoder)
