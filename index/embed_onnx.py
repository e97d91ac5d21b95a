"""Sentence embeddings on ONNX Runtime: the packaged model exported once with torch.onnx, then run without torch."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .embed import canonical_model_name, resolve_model_path
from .errors import ModelError

log = logging.getLogger(__name__)

ENV_MODEL_CACHE = "NEWSBOT_MODEL_CACHE"
ENV_THREADS = "NEWSBOT_THREADS"
# Bump when the export or quantisation recipe changes, so that cached files from an older recipe are not reused.
EXPORT_VERSION = 1
FP32_FILE = "model.onnx"
INT8_FILE = "model-int8-split.onnx"  # index/quantize.py
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Sentences per batch. Batches are cut from length-sorted input, so padding stays small; larger batches were not
# faster on a 2-core machine, and int8 ran fastest at 16 (see BENCHMARKS.md).
BATCH_SIZE = 32
INT8_BATCH_SIZE = 16
# From this many sentences int8 embeds in worker processes (index/embed_pool.py); below it their start-up (~2 s)
# costs more than they save.
PARALLEL_MIN = 2048


def default_cache_dir() -> Path:
    """Return the folder for exported models: $NEWSBOT_MODEL_CACHE, else var/models in the repository."""
    env = os.environ.get(ENV_MODEL_CACHE)
    if env:
        return Path(env)
    from .config import REPO_ROOT

    return REPO_ROOT / "var" / "models"


def default_threads() -> int:
    """Return the number of intra-op threads: $NEWSBOT_THREADS, else the cores this process may run on."""
    env = os.environ.get(ENV_THREADS)
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


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


def calibration_batches(layout: ModelLayout, size: int = 32) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return the sentences of the repository's seed articles, tokenized in padded batches, to calibrate int8."""
    from .config import DEFAULT_CORPUS_DIR
    from .corpus import load_corpus
    from .segment import split_sentences

    articles, _ = load_corpus(DEFAULT_CORPUS_DIR)
    texts = [a.text[s.start : s.end] for a in articles for s in split_sentences(a.text, a.body_start)]
    if not texts:
        raise ModelError(f"int8 needs calibration sentences: no articles in {DEFAULT_CORPUS_DIR}.")
    tokenizer = layout.tokenizer()
    batches = []
    for start in range(0, len(texts), size):
        encodings = tokenizer.encode_batch(texts[start : start + size])
        ids, mask = _pad([e.ids for e in encodings], tokenizer.token_to_id("[PAD]") or 0)
        batches.append((ids, mask))
    return batches


def _pad(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Return token ids padded to the longest row, and the attention mask."""
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def ensure_onnx(folder: Path, *, quantize: bool = False, cache_dir: Path | None = None, slug: str = "model") -> Path:
    """Return the cached ONNX file for a model folder, exporting (and quantising) it on first use."""
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
        from .quantize import quantize_int8

        log.info("quantising %s to int8 at %s (once)", fp32, int8)
        quantize_int8(fp32, int8, lambda: calibration_batches(layout))
    return int8


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text.rsplit("/", 1)[-1]) or "model"


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
        self.path = ensure_onnx(folder, quantize=quantize, cache_dir=cache_dir, slug=self.name)
        self._source, self._quantize, self._cache_dir = name, quantize, cache_dir
        # int8 runs best as one single-threaded session per core; fp32 gained nothing from it (BENCHMARKS.md)
        self.processes = processes or (default_threads() if quantize else 1)
        self._pool: Any = None
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

    def close(self) -> None:
        """Stop the embedding worker processes, if any were started."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _workers(self) -> Any:
        if self._pool is None:
            from .embed_pool import EncoderPool

            self._pool = EncoderPool(self._source, self._quantize, self.batch_size, self._cache_dir, self.processes)
        return self._pool

    def _encode_here(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not len(texts):
            return out
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(-lengths, kind="stable")  # longest first: a memory problem shows up at once
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        for rows in _progress(batches, progress, len(texts), self.batch_size):
            out[rows] = self._run(*_pad([encodings[r].ids for r in rows], self._pad_id))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """Encode one question: one unpadded sequence, no batching or sorting."""
        ids = np.asarray([self._tokenizer.encode(text).ids], dtype=np.int64)
        return self._run(ids, np.ones_like(ids))[0]

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        return _pool(hidden, mask, self.layout.pooling, self.layout.normalize)


def _pool(hidden: np.ndarray, mask: np.ndarray, mode: str, normalize: bool) -> np.ndarray:
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


def _progress(batches: list[np.ndarray], show: bool, total: int, size: int) -> Iterator[np.ndarray]:
    if not show:
        yield from batches
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="sentence", desc="Embedding") as bar:
        for rows in batches:
            yield rows
            bar.update(len(rows))
