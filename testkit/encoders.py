"""Test doubles: a tiny deterministic encoder standing in for the sentence model."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from typing import Any

import numpy as np


class FakeEncoder:
    """Hashes words (and word pairs) into a small unit vector: fast, deterministic, overlap-sensitive."""

    def __init__(self, name: str = "fake-hash-encoder", dimension: int = 64) -> None:
        self.name = name
        self.dimension = dimension
        self.calls = 0

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Encode texts into unit vectors."""
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"\w+", text.lower())
            for feature in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                out[row, int.from_bytes(digest[:4], "little") % self.dimension] += 1.0 if digest[4] & 1 else -1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """Encode one question."""
        return self.encode([text])[0]


class SlowEncoder(FakeEncoder):
    """A fake encoder that takes `seconds` per call: stands in for a worker busy embedding."""

    def __init__(self, seconds: float = 60.0) -> None:
        super().__init__()
        self.seconds = seconds

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Sleep, then encode."""
        import time

        time.sleep(self.seconds)
        return super().encode(texts, progress=progress)


class SlowEncoderFactory:
    """Picklable factory of SlowEncoder, for worker pools."""

    def __call__(self) -> SlowEncoder:
        """Make the encoder."""
        return SlowEncoder()


def encode_with(encoder: FakeEncoder, texts: list[str]) -> np.ndarray:
    """A pool task: encode texts with the worker's encoder."""
    return encoder.encode(texts)


class FakeEncoderFactory:
    """Picklable factory of FakeEncoder, for worker pools."""

    def __call__(self) -> FakeEncoder:
        """Make the encoder."""
        return FakeEncoder()


class PooledFakeEncoder(FakeEncoder):
    """A FakeEncoder whose bulk work runs in two worker processes, as the int8 encoder's does."""

    def __init__(self) -> None:
        super().__init__()
        self._pool: Any = None

    def workers(self, sentences: int) -> Any:
        """Return the worker pool (started on first use), whatever the amount of work."""
        from index.embed.pool import EncoderPool

        if self._pool is None:
            self._pool = EncoderPool(FakeEncoderFactory(), 2)
        return self._pool

    def close(self) -> None:
        """Stop the workers."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
