"""Pick and load an embedding backend for a model: ONNX int8 by default, falling back to ONNX fp32, then torch."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ..errors import ModelError
from .base import Calibration, Encoder, serialized
from .models import resolve_model_path

log = logging.getLogger(__name__)

ENV_BACKEND = "NEWSBOT_BACKEND"
BACKENDS = ("onnx", "onnx-int8", "torch")
# int8 with outlier channels in fp32 (index/embed/quantize.py): ~2.5x sentence-transformers' throughput, cosine
# 0.9994 to the exact vectors and the same dev scores (BENCHMARKS.md); "onnx" gives the exact vectors.
DEFAULT_BACKEND = "onnx-int8"


def backend_choice(backend: str | None = None) -> str:
    """Return the backend to use: the given one, else $NEWSBOT_BACKEND, else the default; refuse unknown names."""
    choice = (backend or os.environ.get(ENV_BACKEND) or DEFAULT_BACKEND).strip().lower()
    if choice not in BACKENDS:
        raise ModelError(f"Unknown embedding backend '{choice}': use one of {', '.join(BACKENDS)}.")
    return choice


def load_encoder(name: str, backend: str | None = None, calibration: Calibration | None = None) -> Encoder:
    """Load the encoder for a model name or path, safe to share between threads.

    calibration gives sentences to make the int8 model from when it is not cached yet (the caller's corpus: the
    encoder never reads one itself); without it an uncached int8 model falls back to ONNX fp32.
    """
    choice = backend_choice(backend)
    tries = {"onnx-int8": ["onnx-int8", "onnx"], "onnx": ["onnx"], "torch": []}[choice]
    if tries and Path(resolve_model_path(name)).is_dir():
        for option in tries:
            try:
                from .onnx_backend import OnnxEncoder

                return serialized(OnnxEncoder(name, quantize=option == "onnx-int8", calibration=calibration))
            except Exception as exc:  # onnxruntime missing, export or quantisation failed, ...: fall back
                fallback = "ONNX fp32" if option == "onnx-int8" else "sentence-transformers on torch"
                log.warning("%s backend unavailable (%s: %s); using %s", option, type(exc).__name__, exc, fallback)
    from .torch_backend import SentenceTransformerEncoder

    return serialized(SentenceTransformerEncoder(name))
