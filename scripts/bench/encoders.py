"""Encoders side by side: throughput, query latency, agreement with the baseline, dev scores per backend."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from index.config import DEFAULT_MODEL, corpus_dir

from .. import make_synthetic
from .common import BLOCK, DEV_QUESTIONS, ROUNDS, THROUGHPUT_SAMPLE, WARMUP, K, baseline_model, fmt, pct


def bench_encoders(real: list[str], questions: list[str], work: Path) -> dict[str, Any]:
    """Throughput, query latency and vector agreement of the baseline, ONNX fp32 and ONNX int8, interleaved."""
    from index.ask.evaluate import evaluate_file
    from index.ask.searcher import Searcher
    from index.build.full import build_index
    from index.embed.factory import load_encoder

    sample = make_synthetic.synthetic_sentences(real, THROUGHPUT_SAMPLE, seed=1)
    baseline = baseline_model()
    onnx = load_encoder(DEFAULT_MODEL, backend="onnx")
    int8 = load_encoder(DEFAULT_MODEL, backend="onnx-int8")
    torch_enc = load_encoder(DEFAULT_MODEL, backend="torch")
    encoders: dict[str, Callable[[list[str]], np.ndarray]] = {
        "base": lambda t: np.asarray(baseline.encode(t), dtype=np.float32),
        "onnx": onnx.encode,
        "onnx-int8": int8.encode,
    }
    from index.embed.onnx_backend import PARALLEL_MIN

    for fn in encoders.values():  # warm-up; starts int8's worker processes, which a build starts once too
        fn(sample[: max(PARALLEL_MIN, 64)])
    seconds = dict.fromkeys(encoders, 0.0)
    vec: dict[str, np.ndarray] = {}
    names = list(encoders)
    for n in range(ROUNDS):
        for name in names[n % 3 :] + names[: n % 3]:  # rotate who goes first
            s = time.perf_counter()
            vec[name] = encoders[name](sample)
            seconds[name] += (time.perf_counter() - s) / ROUNDS
    query_fns: dict[str, Callable[[str], np.ndarray]] = {
        "base": lambda q: baseline.encode(q),
        "onnx": onnx.encode_query,
        "onnx-int8": int8.encode_query,
    }
    qtimes: dict[str, list[float]] = {k: [] for k in query_fns}
    for q in questions[:WARMUP]:
        for fn in query_fns.values():
            fn(q)
    for n, start in enumerate(range(0, len(questions), BLOCK)):
        for name in names[n % 3 :] + names[: n % 3]:
            for q in questions[start : start + BLOCK]:
                s = time.perf_counter()
                query_fns[name](q)
                qtimes[name].append((time.perf_counter() - s) * 1000)
    qvec = {k: np.vstack([fn(q) for q in questions]).astype(np.float32) for k, fn in query_fns.items()}
    top = {k: np.argsort(-(qvec[k] @ vec[k].T), axis=1)[:, :K] for k in encoders}
    from index.embed.onnx_backend import BATCH_SIZE, INT8_BATCH_SIZE, default_threads

    result: dict[str, Any] = {
        "sample": len(sample),
        "threads": default_threads(),
        "batch": BATCH_SIZE,
        "int8_batch": INT8_BATCH_SIZE,
        "int8_processes": getattr(getattr(int8, "inner", int8), "processes", 1),
    }
    for name in encoders:
        cos = (vec[name] * vec["base"]).sum(axis=1)
        overlap = np.mean([len(set(a) & set(b)) / K for a, b in zip(top[name], top["base"], strict=True)])
        result[name] = {
            "throughput": len(sample) / seconds[name],
            "query_p50_ms": pct(qtimes[name], 50),
            "query_p99_ms": pct(qtimes[name], 99),
            "cosine_mean": float(cos.mean()),
            "cosine_min": float(cos.min()),
            "top10_overlap": float(overlap),
        }
    # dev-question scores with each backend, each over an index it built itself ("base" = torch, the same model)
    for name, encoder in (("base", torch_enc), ("onnx", onnx), ("onnx-int8", int8)):
        result[name]["dev"] = None
        if not DEV_QUESTIONS.is_file():
            continue
        root = work / f"dev-{name}"
        build_index(corpus_dir(), root, encoder)
        searcher = Searcher.open(root, encoder=encoder)
        try:
            report = evaluate_file(searcher, DEV_QUESTIONS)
        finally:
            searcher.close()
        result[name]["dev"] = {s: report.scores(s) for s in ("hybrid", "dense")}
    result["base_vectors"] = vec["onnx"]
    result["query_vectors"] = qvec["onnx"]
    return result


def encoder_rows(enc: dict[str, Any]) -> list[str]:
    """Return Markdown rows comparing the encoders."""
    lines = [
        "| encoder | sentences/s | ratio | one query p50 / p99, ms | cosine to baseline (mean / min) | top-10 overlap "
        "| dev: system hit@3 / MRR / spk recall / no-answer | dev: plain dense hit@3 / MRR |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "base": "baseline: SentenceTransformer.encode (torch, defaults)",
        "onnx": "ours, opt-in: ONNX Runtime fp32 (the exact vectors)",
        "onnx-int8": "ours, default: ONNX Runtime int8, outlier channels in fp32, a process per core",
    }
    for name in ("base", "onnx", "onnx-int8"):
        e = enc[name]
        dev = "| — | — |"
        if e["dev"]:
            sysd, dense = e["dev"]["hybrid"], e["dev"]["dense"]
            dev = (
                f"| {_score(sysd['topic_hit@3'])} / {_score(sysd['topic_mrr'])} / "
                f"{_score(sysd['speaker_recall@10'])} / {_score(sysd['no_answer_accuracy'])} "
                f"| {_score(dense['topic_hit@3'])} / {_score(dense['topic_mrr'])} |"
            )
        lines.append(
            f"| {labels[name]} | {fmt(e['throughput'], 0)} | {e['throughput'] / enc['base']['throughput']:.2f}× "
            f"| {fmt(e['query_p50_ms'])} / {fmt(e['query_p99_ms'])} | {e['cosine_mean']:.4f} / {e['cosine_min']:.4f} "
            f"| {e['top10_overlap']:.3f} {dev}"
        )
    return lines


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
