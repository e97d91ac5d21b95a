"""The sentence-transformers backend on torch: the reference vectors, and the fallback when ONNX is unavailable."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from ..errors import ModelError
from .models import canonical_model_name, resolve_model_path

log = logging.getLogger(__name__)


class SentenceTransformerEncoder:
    """Encoder backed by sentence-transformers, loaded from local files only."""

    def __init__(self, name: str, batch_size: int = 64) -> None:
        self.name = canonical_model_name(name)
        self.backend = "torch"
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
        self.dimension = int(dimension() or 0)

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
