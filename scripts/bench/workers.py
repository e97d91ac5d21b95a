"""Benchmark steps that each run in a fresh process (memory and start-up are per process):
`python -m scripts.bench.workers NAME PARAMS.json` prints one result line for common.run_worker.

They call the project's public functions; timings of the project's stages come from the Stopwatch hooks it offers
(build_articles/add_articles/index_and_publish take a clock, Searcher.clock), never from patched members.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from index.config import DEFAULT_MODEL

from .. import make_synthetic
from .common import BLOCK, WARMUP, K, baseline_model, emit, maxrss_mb, pct


def build_real_ours(p: dict[str, Any]) -> None:
    """Full build of the real corpus with the default encoder (segmentation, attribution, embedding, indexes)."""
    from index.build.full import build_index
    from index.embed.factory import load_encoder

    t0 = time.perf_counter()
    encoder = load_encoder(DEFAULT_MODEL)
    t1 = time.perf_counter()
    report = build_index(Path(p["corpus"]), Path(p["root"]), encoder)
    t2 = time.perf_counter()
    emit({"load_s": t1 - t0, "build_s": t2 - t1, "sentences": report.manifest.sentences})


def build_real_base(p: dict[str, Any]) -> None:
    """Baseline build of the real corpus: SentenceTransformer.encode (defaults) + IndexFlatIP."""
    import faiss

    texts = json.loads(Path(p["texts"]).read_text())
    t0 = time.perf_counter()
    model = baseline_model()
    t1 = time.perf_counter()
    vectors = model.encode(texts)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(index, p["index"])
    t2 = time.perf_counter()
    emit({"load_s": t1 - t0, "build_s": t2 - t1, "sentences": len(texts)})


def build_large_ours(p: dict[str, Any]) -> None:
    """Index precomputed vectors at scale (the real articles plus synthetic ones) with the build's own indexing."""
    from index.build.pipeline import index_and_publish
    from index.build.work import Analysed
    from index.embed.models import canonical_model_name
    from index.ingest.analyse import analyse
    from index.ingest.corpus import load_corpus
    from index.stopwatch import Stopwatch
    from index.store.vectors import AUTO

    vectors = np.load(p["vectors"], mmap_mode="r")
    synthetic = json.loads(Path(p["texts"]).read_text())
    real_articles, _ = load_corpus(Path(p["corpus"]))
    records, speakers = analyse(real_articles)
    made = make_synthetic.synthetic_articles(synthetic, first_sid=len(records))
    articles = real_articles + made.articles
    records += made.records
    assert len(records) == len(vectors), (len(records), len(vectors))
    clock = Stopwatch()
    t0 = time.perf_counter()
    analysed = Analysed(records, speakers, np.ascontiguousarray(vectors, dtype=np.float32))
    manifest, _ = index_and_publish(
        Path(p["root"]), canonical_model_name(DEFAULT_MODEL), articles, analysed, index_kind=AUTO, clock=clock
    )
    emit(
        {
            "vector_index_s": clock.seconds.get("FAISS", 0.0),
            "bm25_s": clock.seconds.get("BM25", 0.0),
            "write_s": clock.seconds.get("SQLite", 0.0) + clock.seconds.get("publish", 0.0),
            "build_s": time.perf_counter() - t0,
            "sentences": len(records),
            "faiss_index": manifest.faiss_index,
        }
    )


def build_large_base(p: dict[str, Any]) -> None:
    """Baseline index of the same vectors (IndexFlatIP); then recall@10 and search time of ours against it."""
    import faiss

    from index.store.layout import VECTORS, current_build
    from index.store.vectors import read_vectors

    vectors = np.load(p["vectors"])
    t0 = time.perf_counter()
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    faiss.write_index(flat, p["index"])
    build_s = time.perf_counter() - t0
    peak = maxrss_mb()
    del vectors
    ours = read_vectors(current_build(Path(p["root"])) / VECTORS)
    queries = np.load(p["queries"])
    asked = int(p["questions"])
    _, truth = flat.search(queries, K)
    _, found = ours.search(queries, K)
    hits = [len(set(t) & set(f)) / K for t, f in zip(truth, found, strict=True)]
    search: dict[str, list[float]] = {"base": [], "ours": []}
    for i, q in enumerate(queries[:200]):
        for name in ("ours", "base") if i % 2 else ("base", "ours"):
            index = ours if name == "ours" else flat
            s = time.perf_counter()
            index.search(q[None], 100)  # the searcher asks for 100 candidates
            search[name].append((time.perf_counter() - s) * 1000)
    emit(
        {
            "build_s": build_s,
            "maxrss_mb": peak,
            "recall_at_10": float(np.mean(hits[:asked])),
            "recall_at_10_heldout": float(np.mean(hits[asked:])),
            "search_ms_p50": {k: pct(v, 50) for k, v in search.items()},
            "search_ms_p99": {k: pct(v, 99) for k, v in search.items()},
        }
    )


def serve(p: dict[str, Any]) -> None:
    """Answer questions one after another with both systems, interleaved; return per-question latencies."""
    import faiss

    from index.ask.answer import answer
    from index.ask.searcher import Searcher
    from index.stopwatch import Stopwatch

    questions = p["questions"]
    searcher = Searcher.open(Path(p["root"]))
    model = baseline_model()
    flat = faiss.read_index(p["index"])
    texts = json.loads(Path(p["texts"]).read_text())

    def ours(q: str) -> Any:
        return answer(searcher, q)

    def base(q: str) -> Any:
        vector = model.encode([q])
        _, ids = flat.search(np.ascontiguousarray(vector, dtype=np.float32), K)
        return [texts[int(i)] for i in ids[0] if i >= 0]

    systems: dict[str, Callable[[str], Any]] = {"ours": ours, "base": base}
    for q in questions[:WARMUP]:
        for fn in systems.values():
            fn(q)
    times: dict[str, list[float]] = {k: [] for k in systems}
    # Interleaved in blocks of questions, alternating which system goes first: both see the same machine noise,
    # and neither pays for the other's thread pools spinning down right before each of its questions.
    for n, start in enumerate(range(0, len(questions), BLOCK)):
        block = questions[start : start + BLOCK]
        for name in ("ours", "base") if n % 2 else ("base", "ours"):
            for q in block:
                s = time.perf_counter()
                systems[name](q)
                times[name].append((time.perf_counter() - s) * 1000)
    # a second pass with the searcher's own stopwatch, so that the timers do not touch the latencies above
    searcher.clock = Stopwatch()
    started = time.perf_counter()
    for q in questions:
        ours(q)
    total = time.perf_counter() - started
    spent = searcher.clock.seconds
    stages = {k: v * 1000 / len(questions) for k, v in spent.items()}
    stages["everything else (SQLite, attribution, answer)"] = (total - sum(spent.values())) * 1000 / len(questions)
    stages["BM25 posting entries per question"] = float(np.mean([searcher.postings_read(q) for q in questions]))
    searcher.close()
    emit({"latency_ms": times, "stages_ms": stages})


def startup_base(p: dict[str, Any]) -> None:
    """Baseline start-up: load the model and the flat index, answer one question (top-10 sentences)."""
    import faiss

    model = baseline_model()
    flat = faiss.read_index(p["index"])
    texts = json.loads(Path(p["texts"]).read_text())
    _, ids = flat.search(np.ascontiguousarray(model.encode([p["question"]]), dtype=np.float32), K)
    print(texts[int(ids[0][0])])
    emit({})


def add_ours(p: dict[str, Any]) -> None:
    """Add one article to the index with the project's add path; its stopwatch gives the parts."""
    from index.build.incremental import add_files
    from index.embed.factory import load_encoder
    from index.stopwatch import Stopwatch

    t0 = time.perf_counter()
    encoder = load_encoder(DEFAULT_MODEL)
    t1 = time.perf_counter()
    clock = Stopwatch()
    report = add_files([Path(p["article"])], Path(p["root"]), encoder, clock=clock)
    t2 = time.perf_counter()
    parts = {
        "FAISS": clock.seconds.get("FAISS", 0.0),
        "BM25": clock.seconds.get("BM25", 0.0),
        "SQLite+files": clock.seconds.get("SQLite", 0.0) + clock.seconds.get("publish", 0.0),
    }
    emit(
        {
            "load_s": t1 - t0,
            "add_s": t2 - t1,
            "parts": parts,
            "embedded": report.embedded,
            "faiss_index": report.manifest.faiss_index,
        }
    )


def add_base(p: dict[str, Any]) -> None:
    """Baseline add: encode the article's sentences, append to the flat index, write it back."""
    import faiss

    from index.ingest.corpus import load_file
    from index.ingest.segment import split_sentences

    t0 = time.perf_counter()
    model = baseline_model()
    t1 = time.perf_counter()
    articles, _ = load_file(Path(p["article"]))
    texts = [a.text[s.start : s.end] for a in articles for s in split_sentences(a.text, a.body_start)]
    flat = faiss.read_index(p["index"])
    flat.add(np.ascontiguousarray(model.encode(texts), dtype=np.float32))
    faiss.write_index(flat, p["index"])
    t2 = time.perf_counter()
    emit({"load_s": t1 - t0, "add_s": t2 - t1, "embedded": len(texts)})


STEPS: dict[str, Callable[[dict[str, Any]], None]] = {
    f.__name__: f
    for f in (
        build_real_ours, build_real_base, build_large_ours, build_large_base, serve, startup_base, add_ours, add_base
    )
}  # fmt: skip


if __name__ == "__main__":
    STEPS[sys.argv[1]](json.loads(Path(sys.argv[2]).read_text()))
