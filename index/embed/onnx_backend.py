"""Sentence embeddings on ONNX Runtime: the model exported once (index/embed/onnx_export.py), run without torch."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .base import Calibration
from .models import canonical_model_name, resolve_model_path
from .onnx_export import ModelLayout, ensure_onnx, pad
from .pool import EncoderPool

log = logging.getLogger(__name__)

ENV_THREADS = "NEWSBOT_THREADS"
# Sentences per batch. Batches are cut from length-sorted input, so padding stays small; larger batches were not
# faster on a 2-core machine, and int8 ran fastest at 16 (see BENCHMARKS.md).
BATCH_SIZE = 32
INT8_BATCH_SIZE = 16
# From this many sentences int8 embeds in worker processes (index/embed/pool.py); below it their start-up (~2 s)
# costs more than they save.
PARALLEL_MIN = 2048


def default_threads() -> int:
    """Return the number of intra-op threads: $NEWSBOT_THREADS, else the cores this process may run on."""
    env = os.environ.get(ENV_THREADS)
    if env and env.isdecimal() and int(env) > 0:
        return int(env)
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


@dataclass(frozen=True)
class OnnxSpec:
    """How to make a single-threaded copy of an ONNX encoder in a worker process (picklable)."""

    name: str
    quantize: bool
    batch_size: int
    cache_dir: Path | None

    def __call__(self) -> OnnxEncoder:
        """Load the encoder (the exported files are already cached by the parent)."""
        return OnnxEncoder(
            self.name, quantize=self.quantize, threads=1, batch_size=self.batch_size, cache_dir=self.cache_dir,
            processes=1,
        )  # fmt: skip


class OnnxEncoder:
    """Encoder running an exported sentence-transformers model on ONNX Runtime, with the library's pooling."""

    def __init__(
        self,
        name: str,
        *,
        quantize: bool = False,
        threads: int | None = None,
        batch_size: int | None = None,
        cache_dir: Path | None = None,
        processes: int | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        import onnxruntime as ort

        self.name = canonical_model_name(name)  # the same name as the torch encoder: the vectors are the same
        self.backend = "onnx-int8" if quantize else "onnx"
        self.batch_size = max(int(batch_size or (INT8_BATCH_SIZE if quantize else BATCH_SIZE)), 1)
        folder = Path(resolve_model_path(name))
        if not folder.is_dir():
            raise ModelError(f"The ONNX backend needs a local model folder; '{name}' is not one.")
        self.layout = ModelLayout(folder)
        self.dimension = self.layout.dimension
        self.path = ensure_onnx(folder, quantize=quantize, cache_dir=cache_dir, slug=self.name, calibration=calibration)
        self._spec = OnnxSpec(name, quantize, self.batch_size, cache_dir)
        # int8 runs best as one single-threaded session per core; fp32 gained nothing from it (BENCHMARKS.md)
        self.processes = processes or (default_threads() if quantize else 1)
        self._pool: EncoderPool | None = None
        self._tokenizer = self.layout.tokenizer()
        self._pad_id = self._tokenizer.token_to_id("[PAD]") or 0
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # Idle workers spinning after a run take the cores from FAISS and numpy between questions (p50 at 1M sentences
        # 48 -> 32 ms) and, on a shared machine, from the next batch too (BENCHMARKS.md).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        if self.dimension <= 0:
            self.dimension = int(self.encode_query("dimension probe").shape[0])

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Encode many texts into unit vectors, in length-sorted batches padded to the longest in each batch."""
        if self.processes > 1 and len(texts) >= PARALLEL_MIN:
            try:
                return self._workers().encode(texts, progress=progress)
            except Exception as exc:  # a worker died or could not start: this process can still do the work
                log.warning("embedding workers failed (%s: %s); embedding in this process", type(exc).__name__, exc)
                self.close()
                self.processes = 1
        return self._encode_here(texts, progress=progress)

    def workers(self, sentences: int) -> EncoderPool | None:
        """Return the worker pool that bulk work of about this many sentences should run in (None: run it here)."""
        if self.processes > 1 and sentences >= PARALLEL_MIN:
            return self._workers()
        return None

    def close(self) -> None:
        """Stop the embedding worker processes, if any were started."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _workers(self) -> EncoderPool:
        if self._pool is None:
            self._pool = EncoderPool(self._spec, self.processes)
        return self._pool

    def _encode_here(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not len(texts):
            return out
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(-lengths, kind="stable")  # longest first: a memory problem shows up at once
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        for rows in _progress(batches, progress, len(texts)):
            out[rows] = self._run(*pad([encodings[r].ids for r in rows], self._pad_id))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """Encode one question: one unpadded sequence, no batching or sorting."""
        ids = np.asarray([self._tokenizer.encode(text).ids], dtype=np.int64)
        return self._run(ids, np.ones_like(ids))[0]

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        return pool_tokens(hidden, mask, self.layout.pooling, self.layout.normalize)


def pool_tokens(hidden: np.ndarray, mask: np.ndarray, mode: str, normalize: bool) -> np.ndarray:
    """Pool token vectors into sentence vectors the way sentence-transformers' Pooling and Normalize do."""
    weights = mask[..., None].astype(np.float32)
    if mode == "cls_token":
        vectors = hidden[:, 0]
    elif mode == "max_tokens":
        vectors = np.where(weights > 0, hidden, -1e9).max(axis=1)
    else:
        vectors = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    vectors = vectors.astype(np.float32, copy=False)
    if normalize:
        vectors = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
    return np.ascontiguousarray(vectors, dtype=np.float32)


def _progress(batches: list[np.ndarray], show: bool, total: int) -> Iterator[np.ndarray]:
    if not show:
        yield from batches
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="sentence", desc="Embedding") as bar:
        for rows in batches:
            yield rows
            bar.update(len(rows))
