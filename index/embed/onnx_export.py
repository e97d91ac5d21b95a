"""Export a sentence-transformers model folder to ONNX once (and to int8 once), cached by the model's fingerprint."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import data_home
from ..errors import ModelError
from .base import Calibration

log = logging.getLogger(__name__)

ENV_MODEL_CACHE = "NEWSBOT_MODEL_CACHE"
# Bump when the export or quantisation recipe changes, so that cached files from an older recipe are not reused.
EXPORT_VERSION = 1
FP32_FILE = "model.onnx"
INT8_FILE = "model-int8-split.onnx"  # index/embed/quantize.py
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def default_cache_dir() -> Path:
    """Return the folder for exported models: $NEWSBOT_MODEL_CACHE, else <data home>/models (a checkout: var/)."""
    env = os.environ.get(ENV_MODEL_CACHE)
    return Path(env) if env else data_home() / "models"


class ModelLayout:
    """What a sentence-transformers folder says about tokenizing, pooling and normalising (modules.json)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        modules = _read_json(folder / "modules.json", default=None)
        if modules is None:
            modules = [
                {"type": "sentence_transformers.models.Transformer", "path": ""},
                {"type": "sentence_transformers.models.Pooling", "path": "1_Pooling"},
            ]
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        unsupported = [k for k in kinds if k not in ("Transformer", "Pooling", "Normalize")]
        if kinds[:1] != ["Transformer"] or "Pooling" not in kinds or unsupported:
            raise ModelError(f"The ONNX backend supports Transformer+Pooling(+Normalize) models, not {kinds}.")
        pooling_path = next(m["path"] for m in modules if m["type"].endswith("Pooling"))
        pooling = _read_json(folder / pooling_path / "config.json", default={})
        modes = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
        self.pooling = modes[0].removeprefix("pooling_mode_") if len(modes) == 1 else "mean_tokens"
        if self.pooling not in ("mean_tokens", "cls_token", "max_tokens"):
            raise ModelError(f"The ONNX backend does not support pooling '{self.pooling}'.")
        self.normalize = "Normalize" in kinds
        config = _read_json(folder / "sentence_bert_config.json", default={})
        model_config = _read_json(folder / "config.json", default={})
        positions = int(model_config.get("max_position_embeddings", 512))
        self.max_seq_length = min(int(config.get("max_seq_length") or positions), positions)
        self.dimension = int(model_config.get("hidden_size") or pooling.get("word_embedding_dimension") or 0)

    def tokenizer(self) -> Any:
        """Return the model's tokenizer, truncating like sentence-transformers and padding nothing."""
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        # The packaged tokenizer.json pads every input to 128 tokens: pad only when batching, to the longest.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_seq_length)
        return tokenizer

    def fingerprint(self) -> str:
        """Return a short hash of the files an export depends on (config, tokenizer, weights' size and time)."""
        digest = hashlib.sha256(f"v{EXPORT_VERSION}".encode())
        for name in ("config.json", "tokenizer.json", "modules.json"):
            path = self.folder / name
            if path.exists():
                digest.update(path.read_bytes())
        for name in ("model.safetensors", "pytorch_model.bin"):
            path = self.folder / name
            if path.exists():
                stat = path.stat()
                digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return digest.hexdigest()[:12]


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def export_onnx(folder: Path, target: Path) -> Path:
    """Export a model folder's transformer to ONNX (dynamic batch and sequence axes), atomically; return target."""
    import torch
    from transformers import AutoModel

    # Eager attention exports as plain MatMul/Softmax, which every ONNX Runtime build runs and optimises.
    model = AutoModel.from_pretrained(str(folder), local_files_only=True, attn_implementation="eager").eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.ones((2, 8), dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 5:] = 0  # trace with padding, so that the mask is part of the graph
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, "last_hidden_state")}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{uuid.uuid4().hex[:8]}-{target.name}")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer and deprecation notes about the legacy exporter, not problems
            torch.onnx.export(
                _Hidden(model),
                (ids, mask, torch.zeros_like(ids)),
                str(tmp),
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def calibration_batches(
    layout: ModelLayout, texts: Sequence[str], size: int = 32
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return calibration sentences tokenized in padded batches (token ids and attention mask)."""
    texts = [t for t in texts if t.strip()]
    if not texts:
        raise ModelError("int8 needs calibration sentences, and none were given.")
    tokenizer = layout.tokenizer()
    pad_id = tokenizer.token_to_id("[PAD]") or 0
    batches = []
    for start in range(0, len(texts), size):
        encodings = tokenizer.encode_batch(list(texts[start : start + size]))
        batches.append(pad([e.ids for e in encodings], pad_id))
    return batches


def pad(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Return token ids padded to the longest row, and the attention mask."""
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def ensure_onnx(
    folder: Path,
    *,
    quantize: bool = False,
    cache_dir: Path | None = None,
    slug: str = "model",
    calibration: Calibration | None = None,
) -> Path:
    """Return the cached ONNX file for a model folder, exporting (and quantising) it on first use.

    Making the int8 file needs calibration sentences; without them (and without a cached file) ModelError is raised.
    """
    layout = ModelLayout(folder)
    cache = (cache_dir or default_cache_dir()) / f"{_safe(slug)}-{layout.fingerprint()}"
    fp32 = cache / FP32_FILE
    if not fp32.exists():
        log.info("exporting %s to ONNX at %s (once)", folder, fp32)
        export_onnx(folder, fp32)
    if not quantize:
        return fp32
    int8 = cache / INT8_FILE
    if not int8.exists():
        if calibration is None:
            raise ModelError(f"no int8 model cached at {int8} and no calibration sentences to make one")
        from .quantize import quantize_int8

        log.info("quantising %s to int8 at %s (once)", fp32, int8)
        quantize_int8(fp32, int8, lambda: calibration_batches(layout, calibration()))
    return int8


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text.rsplit("/", 1)[-1]) or "model"
