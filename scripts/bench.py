"""Benchmark the index against a plain baseline, side by side in one run, and write the table to BENCHMARKS.md.

Baseline: SentenceTransformer.encode with default settings plus faiss.IndexFlatIP over the same sentences.
Ours: the project's default encoder backend and index (index/embed.py, index/build.py), answering with
index.answer.answer. Sizes: the real corpus, ~100k and (opt-in) ~1M sentences made from it (scripts/make_synthetic.py).

    .venv/bin/python scripts/bench.py                      # real,100k (under ~10 minutes on 2 cores)
    .venv/bin/python scripts/bench.py --sizes real,100k,1m  # adds the 1M run (~15 minutes more)

Every step that measures memory or start-up runs in its own process; latencies of the two systems are measured
interleaved in blocks of questions, in one process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = Path(__file__).resolve().parent
for _path in (str(REPO), str(SCRIPTS)):
    if _path not in sys.path:
        sys.path.insert(0, _path)
os.environ.setdefault("NEWSBOT_LOG_FILE", os.devnull)

from index.config import DEFAULT_MODEL, corpus_dir  # noqa: E402
from index.embed.factory import DEFAULT_BACKEND  # noqa: E402
from scripts import make_synthetic  # noqa: E402

SIZES = {"real": 0, "100k": 100_000, "1m": 1_000_000}
# The development questions live in the shared folder beside the repository; without them the dev columns stay empty.
DEV_QUESTIONS = Path(os.environ.get("NEWSBOT_DEV_QUESTIONS") or REPO.parent / "shared" / "eval" / "dev.jsonl")
RESULT = "BENCH-RESULT "
THROUGHPUT_SAMPLE = 4096  # synthetic sentences every encoder embeds in one call (as a build does), per round
ROUNDS = 2  # rounds of the throughput measurement; the encoders take turns going first
WARMUP = 5
BLOCK = 8  # questions a system answers in a row before the other one takes over
RECALL_QUERIES = 500
K = 10


# ----------------------------------------------------------------------------------------------------- helpers


HWM = "BENCH-HWM "
# Runs the index CLI and reports its peak RSS: ru_maxrss of a child is useless here (Linux carries the parent's
# high-water mark across fork and exec), VmHWM belongs to the new process image alone.
CLI_WRAPPER = (
    "import atexit, runpy, sys\n"
    "def _hwm():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM'):\n"
    f"            sys.stderr.write('{HWM}' + line.split()[1] + '\\n')\n"
    "atexit.register(_hwm)\n"
    "sys.argv = ['index'] + sys.argv[1:]\n"
    "runpy.run_module('index', run_name='__main__')\n"
)


def _maxrss_mb() -> float:
    """Return this process's peak resident memory in MB (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if len(values) else float("nan")


def _baseline_model() -> Any:
    from sentence_transformers import SentenceTransformer

    from index.embed.models import resolve_model_path

    return SentenceTransformer(resolve_model_path(DEFAULT_MODEL), device="cpu", local_files_only=True)


def _run(worker: str, params: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run a worker in a fresh process and return its result (with its peak RSS and wall time)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(params, fh)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", worker, fh.name]
    out, wall = _spawn(cmd, timeout)
    os.unlink(fh.name)
    lines = [ln for ln in out.splitlines() if ln.startswith(RESULT)]
    if not lines:
        raise RuntimeError(f"worker {worker} failed:\n{out[-3000:]}")
    result = json.loads(lines[-1][len(RESULT) :])
    result["process_wall_s"] = wall
    return result


def _spawn(cmd: list[str], timeout: float) -> tuple[str, float]:
    """Run a command; return (output, wall seconds from spawn to exit)."""
    env = dict(os.environ, PYTHONPATH=str(REPO), NEWSBOT_LOG_FILE=os.devnull)
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env)
        deadline = started + timeout
        while True:
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise TimeoutError(f"{' '.join(cmd[:4])} took over {timeout:.0f}s")
            time.sleep(0.005)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        out = log.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{out[-3000:]}")
    return out, wall


def _hwm_of(output: str) -> float:
    lines = [ln for ln in output.splitlines() if ln.startswith(HWM)]
    return int(lines[-1][len(HWM) :]) / 1024 if lines else float("nan")


def _emit(result: dict[str, Any]) -> None:
    result["maxrss_mb"] = _maxrss_mb()
    print(RESULT + json.dumps(result), flush=True)


def _questions(real: Sequence[str], count: int = 100, seed: int = 5) -> list[str]:
    """Return the dev questions plus generated ones (speaker and topic templates over corpus phrases)."""
    rng = random.Random(seed)
    dev = []
    if DEV_QUESTIONS.is_file():
        dev = [json.loads(ln)["question"] for ln in DEV_QUESTIONS.read_text().splitlines() if ln.strip()]
    names = ["Putin", "Rutte", "Polyansky", "NATO", "Moscow", "the Kremlin", "Zelensky", "the minister"]
    out = list(dev)
    while len(out) < len(dev) + count:
        words = rng.choice(real).rstrip(".").split()
        start = rng.randrange(max(len(words) - 3, 1))
        phrase = " ".join(words[start : start + rng.randint(2, 4)])
        template = rng.choice(["What did {n} say about {p}?", "What about {p}?", "What happened with {p}?"])
        out.append(template.format(n=rng.choice(names), p=phrase))
    return out


# ----------------------------------------------------------------------------------------------------- workers


def w_build_real_ours(p: dict[str, Any]) -> None:
    """Full build of the real corpus with the default encoder (segmentation, attribution, embedding, indexes)."""
    from index.build.full import build_index
    from index.embed.factory import load_encoder

    t0 = time.perf_counter()
    encoder = load_encoder(DEFAULT_MODEL)
    t1 = time.perf_counter()
    report = build_index(Path(p["corpus"]), Path(p["root"]), encoder)
    t2 = time.perf_counter()
    _emit({"load_s": t1 - t0, "build_s": t2 - t1, "sentences": report.manifest.sentences})


def w_build_real_base(p: dict[str, Any]) -> None:
    """Baseline build of the real corpus: SentenceTransformer.encode (defaults) + IndexFlatIP."""
    import faiss

    texts = json.loads(Path(p["texts"]).read_text())
    t0 = time.perf_counter()
    model = _baseline_model()
    t1 = time.perf_counter()
    vectors = model.encode(texts)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(index, p["index"])
    t2 = time.perf_counter()
    _emit({"load_s": t1 - t0, "build_s": t2 - t1, "sentences": len(texts)})


def w_build_large_ours(p: dict[str, Any]) -> None:
    """Index precomputed vectors at scale: the real articles plus synthetic ones, FAISS + BM25 + SQLite."""
    from index.embed.models import canonical_model_name
    from index.ingest.analyse import analyse
    from index.ingest.corpus import load_corpus
    from index.store.layout import new_build_folder, publish
    from index.store.lexical import LexicalIndex
    from index.store.manifest import new_manifest
    from index.store.vectors import make_vector_index
    from index.store.writer import write_build

    vectors = np.load(p["vectors"], mmap_mode="r")
    synthetic = json.loads(Path(p["texts"]).read_text())
    real_articles, _ = load_corpus(Path(p["corpus"]))
    records, speakers = analyse(real_articles)
    made = make_synthetic.synthetic_articles(synthetic, first_sid=len(records))
    articles = real_articles + made.articles
    records += made.records
    assert len(records) == len(vectors), (len(records), len(vectors))
    t0 = time.perf_counter()
    index = make_vector_index(np.ascontiguousarray(vectors, dtype=np.float32))
    t1 = time.perf_counter()
    lexical = LexicalIndex.build([r.text for r in records])
    t2 = time.perf_counter()
    manifest = new_manifest(canonical_model_name(DEFAULT_MODEL), [a.fingerprint for a in articles], len(records), index)
    folder = new_build_folder(Path(p["root"]))
    write_build(folder, manifest, articles, records, speakers, index, lexical)
    publish(Path(p["root"]), folder)
    t3 = time.perf_counter()
    _emit(
        {
            "vector_index_s": t1 - t0,
            "bm25_s": t2 - t1,
            "write_s": t3 - t2,
            "build_s": t3 - t0,
            "sentences": len(records),
            "faiss_index": manifest.faiss_index,
        }
    )


def w_build_large_base(p: dict[str, Any]) -> None:
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
    maxrss = _maxrss_mb()
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
    _emit(
        {
            "build_s": build_s,
            "maxrss_mb": maxrss,
            "recall_at_10": float(np.mean(hits[:asked])),
            "recall_at_10_heldout": float(np.mean(hits[asked:])),
            "search_ms_p50": {k: _pct(v, 50) for k, v in search.items()},
            "search_ms_p99": {k: _pct(v, 99) for k, v in search.items()},
        }
    )


def w_serve(p: dict[str, Any]) -> None:
    """Answer questions one after another with both systems, interleaved; return per-question latencies."""
    import faiss

    from index.ask.answer import answer
    from index.ask.searcher import Searcher

    questions = p["questions"]
    searcher = Searcher.open(Path(p["root"]))
    model = _baseline_model()
    flat = faiss.read_index(p["index"])
    texts = json.loads(Path(p["texts"]).read_text()) if p.get("texts") else None
    store = searcher.store

    def ours(q: str) -> Any:
        return answer(searcher, q)

    def base(q: str) -> Any:
        vector = model.encode([q])
        _, ids = flat.search(np.ascontiguousarray(vector, dtype=np.float32), K)
        sids = [int(i) for i in ids[0] if i >= 0]
        return [texts[s] for s in sids] if texts is not None else [r.text for r in store.sentences(sids)]

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
    stages = _stage_times(searcher, questions, ours)
    searcher.close()
    _emit({"latency_ms": times, "stages_ms": stages})


def _stage_times(searcher: Any, questions: Sequence[str], ours: Callable[[str], Any]) -> dict[str, float]:
    """Mean ms a question spends in each retrieval stage (a second pass, so the timers do not touch the latencies)."""
    spent: dict[str, float] = {}
    nested: list[float] = []  # time of inner timed calls, so that every stage counts its own time only

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            s = time.perf_counter()
            nested.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - s
                spent[name] = spent.get(name, 0.0) + elapsed - nested.pop()
                if nested:
                    nested[-1] += elapsed

        return wrapper

    for name, method in (
        ("embed question", "embed"),
        ("FAISS search", "dense"),
        ("BM25", "lexical"),
        ("dedupe", "dedupe"),
        ("reconstruct vectors", "vectors"),
    ):
        if hasattr(searcher, method):
            setattr(searcher, method, timed(name, getattr(searcher, method)))
    searcher.store.lexical.scores = timed("BM25", searcher.store.lexical.scores)
    started = time.perf_counter()
    for q in questions:
        ours(q)
    total = time.perf_counter() - started
    postings = [searcher.store.lexical.postings_read(q) for q in questions]
    out = {k: v * 1000 / len(questions) for k, v in spent.items()}
    out["everything else (SQLite, attribution, answer)"] = (total - sum(spent.values())) * 1000 / len(questions)
    out["BM25 posting entries per question"] = float(np.mean(postings))
    return out


def w_startup_base(p: dict[str, Any]) -> None:
    """Baseline start-up: load the model and the flat index, answer one question (top-10 sentences)."""
    import faiss

    model = _baseline_model()
    flat = faiss.read_index(p["index"])
    texts = json.loads(Path(p["texts"]).read_text())
    _, ids = flat.search(np.ascontiguousarray(model.encode([p["question"]]), dtype=np.float32), K)
    print(texts[int(ids[0][0])])
    _emit({})


def w_add_ours(p: dict[str, Any]) -> None:
    """Add one article to the index with the project's add command path."""
    from index.build import incremental as module
    from index.build.incremental import add_files as add_articles
    from index.embed.factory import load_encoder

    spent: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            s = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - s

        return wrapper

    lexical = module.LexicalIndex  # patched on the class: the loaded index's own methods are timed too
    lexical.build = classmethod(timed("BM25", lexical.build.__func__))  # type: ignore[method-assign]
    lexical.extended = timed("BM25", lexical.extended)  # type: ignore[method-assign]

    module.extend_vector_index = timed("FAISS", module.extend_vector_index)
    module.make_vector_index = timed("FAISS", module.make_vector_index)
    module.write_build = timed("SQLite+files", module.write_build)
    t0 = time.perf_counter()
    encoder = load_encoder(DEFAULT_MODEL)
    t1 = time.perf_counter()
    report = add_articles([Path(p["article"])], Path(p["root"]), encoder)
    t2 = time.perf_counter()
    _emit(
        {
            "load_s": t1 - t0,
            "add_s": t2 - t1,
            "parts": spent,
            "embedded": report.embedded,
            "faiss_index": report.manifest.faiss_index,
        }
    )


def w_add_base(p: dict[str, Any]) -> None:
    """Baseline add: encode the article's sentences, append to the flat index, write it back."""
    import faiss

    from index.ingest.corpus import load_file
    from index.ingest.segment import split_sentences

    t0 = time.perf_counter()
    model = _baseline_model()
    t1 = time.perf_counter()
    articles, _ = load_file(Path(p["article"]))
    texts = [a.text[s.start : s.end] for a in articles for s in split_sentences(a.text, a.body_start)]
    flat = faiss.read_index(p["index"])
    flat.add(np.ascontiguousarray(model.encode(texts), dtype=np.float32))
    faiss.write_index(flat, p["index"])
    t2 = time.perf_counter()
    _emit({"load_s": t1 - t0, "add_s": t2 - t1, "embedded": len(texts)})


WORKERS: dict[str, Callable[[dict[str, Any]], None]] = {
    name.removeprefix("w_"): fn for name, fn in globals().items() if name.startswith("w_") and callable(fn)
}


# ----------------------------------------------------------------------------------------------------- encoders


def bench_encoders(real: list[str], questions: list[str], work: Path) -> dict[str, Any]:
    """Throughput, query latency and vector agreement of the baseline, ONNX fp32 and ONNX int8, interleaved."""
    from index.ask.evaluate import evaluate_file
    from index.ask.searcher import Searcher
    from index.build.full import build_index
    from index.embed.factory import load_encoder

    sample = make_synthetic.synthetic_sentences(real, THROUGHPUT_SAMPLE, seed=1)
    baseline = _baseline_model()
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
            "query_p50_ms": _pct(qtimes[name], 50),
            "query_p99_ms": _pct(qtimes[name], 99),
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


# ----------------------------------------------------------------------------------------------------- sizes


def bench_size(label: str, count: int, enc: dict[str, Any], real: list[str], questions: list[str], work: Path) -> dict:
    """Build, serve, start and add for one size, baseline and ours; return every figure."""
    started = time.perf_counter()
    big = count >= 500_000
    timeout = 1800 if big else 600
    root = work / f"index-{label}"
    base_index = str(work / f"base-{label}.faiss")
    texts_all = work / f"texts-{label}.json"
    out: dict[str, Any] = {"label": label}
    if not count:
        built = _run("build_real_ours", {"corpus": str(corpus_dir()), "root": str(root)}, timeout)
        from index.store.reader import IndexStore

        store = IndexStore.open(root)
        texts = [r.text for r in store.all_sentences()]
        store.close()
        texts_all.write_text(json.dumps(texts))
        base = _run("build_real_base", {"texts": str(texts_all), "index": base_index}, timeout)
        out["sentences"] = built["sentences"]
        out["build"] = {"ours": built, "base": base}
        out["made"] = "the real corpus"
    else:
        from index.embed.factory import load_encoder

        synthetic_count = count - len(real)
        synthetic = make_synthetic.synthetic_sentences(real, synthetic_count, seed=count)
        base_vectors = enc["base_vectors"]
        vectors, _ = make_synthetic.synthetic_vectors(base_vectors, synthetic_count, seed=count)
        real_vectors = load_encoder(DEFAULT_MODEL).encode(real)
        all_vectors = np.ascontiguousarray(np.vstack([real_vectors, vectors]), dtype=np.float32)
        del vectors
        held_out, _ = make_synthetic.synthetic_vectors(base_vectors, RECALL_QUERIES, seed=count + 1)
        queries = np.vstack([enc["query_vectors"], held_out]).astype(np.float32)
        np.save(work / f"vectors-{label}.npy", all_vectors)
        np.save(work / f"queries-{label}.npy", queries)
        (work / f"synthetic-{label}.json").write_text(json.dumps(synthetic))
        texts_all.write_text(json.dumps(real + synthetic))
        del all_vectors
        ours = _run(
            "build_large_ours",
            {
                "vectors": str(work / f"vectors-{label}.npy"),
                "texts": str(work / f"synthetic-{label}.json"),
                "corpus": str(corpus_dir()),
                "root": str(root),
            },
            timeout,
        )
        base = _run(
            "build_large_base",
            {
                "vectors": str(work / f"vectors-{label}.npy"),
                "queries": str(work / f"queries-{label}.npy"),
                "questions": len(enc["query_vectors"]),
                "index": base_index,
                "root": str(root),
            },
            timeout,
        )
        # embedding at this size is projected from the measured throughput (every encoder, same sentences)
        ours["embed_s"] = count / enc[DEFAULT_BACKEND]["throughput"]
        base["embed_s"] = count / enc["base"]["throughput"]
        out["sentences"] = ours["sentences"]
        out["build"] = {"ours": ours, "base": base}
        (work / f"vectors-{label}.npy").unlink()
    serve = _run(
        "serve",
        {"root": str(root), "index": base_index, "texts": str(texts_all), "questions": questions},
        timeout,
    )
    out["latency"] = serve["latency_ms"]
    out["stages"] = serve.get("stages_ms", {})
    out["serve_rss"] = serve["maxrss_mb"]
    startup: dict[str, list[tuple[float, float]]] = {"ours": [], "base": []}
    question = "What did Putin say?"
    for _ in range(3):
        output, wall = _spawn(
            [sys.executable, "-c", CLI_WRAPPER, "query", question, "--index-dir", str(root)], timeout=timeout
        )
        startup["ours"].append((wall, _hwm_of(output)))
        r = _run("startup_base", {"index": base_index, "texts": str(texts_all), "question": question}, timeout)
        startup["base"].append((r["process_wall_s"], r["maxrss_mb"]))
    out["startup"] = startup
    from index.store.layout import current_build

    folder = current_build(root)  # sizes of the index as built, before the add and replace below
    out["faiss_bytes"] = (folder / "vectors.faiss").stat().st_size
    out["folder_bytes"] = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    out["base_bytes"] = Path(base_index).stat().st_size
    article = work / f"add-{label}.md"
    article.write_text(
        "---\ntitle: Harbour reopens after storm repairs\nsource: Coast Gazette\n---\n"
        "Harbour reopens after storm repairs\n\nThe harbour reopened on Monday after three weeks of repairs. "
        "The mayor said the new sea wall would protect the fishing fleet. Ferries resume their timetable on Friday.\n"
    )
    out["add"] = {
        "ours": _run("add_ours", {"root": str(root), "article": str(article)}, timeout),
        "base": _run("add_base", {"index": base_index, "article": str(article)}, timeout),
    }
    article.write_text(article.read_text().replace("on Friday", "on Saturday"))  # same doc_id: a replacement
    out["replace"] = _run("add_ours", {"root": str(root), "article": str(article)}, timeout)
    out["seconds"] = time.perf_counter() - started
    return out


# ----------------------------------------------------------------------------------------------------- report


def _f(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _ratio(base: float | None, ours: float | None, higher_is_better: bool) -> str:
    if not base or not ours:
        return "—"
    r = ours / base if higher_is_better else base / ours
    return f"{r:.2f}×"


def size_rows(s: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Return (metric, baseline, ours, ratio) rows for one size; ratios > 1 mean ours is better."""
    n = s["sentences"]
    b, o = s["build"]["base"], s["build"]["ours"]
    rows: list[tuple[str, str, str, str]] = []
    if "embed_s" in o:
        bw, ow = b["embed_s"] + b["build_s"], o["embed_s"] + o["build_s"]
        rows.append(("build: wall time, s (embedding projected)", _f(bw), _f(ow), _ratio(bw, ow, False)))
        rows.append(("build: throughput, sentences/s", _f(n / bw), _f(n / ow), _ratio(n / bw, n / ow, True)))
        rows.append(
            (
                "build: indexing measured at full size, s",
                _f(b["build_s"]) + " (flat add)",
                f"{_f(o['build_s'])} (FAISS {_f(o['vector_index_s'])}, BM25 {_f(o['bm25_s'])}, "
                f"SQLite {_f(o['write_s'])})",
                "—",
            )
        )
    else:
        rows.append(
            (
                "build: wall time, s (model loaded)",
                _f(b["build_s"], 2),
                _f(o["build_s"], 2),
                _ratio(b["build_s"], o["build_s"], False),
            )
        )
        rows.append(
            (
                "build: throughput, sentences/s",
                _f(n / b["build_s"]),
                _f(n / o["build_s"]),
                _ratio(n / b["build_s"], n / o["build_s"], True),
            )
        )
    rows.append(
        (
            "build: peak RSS, MB",
            _f(b["maxrss_mb"], 0),
            _f(o["maxrss_mb"], 0),
            _ratio(b["maxrss_mb"], o["maxrss_mb"], False),
        )
    )
    lat = s["latency"]
    for q in (50, 99):
        bq, oq = _pct(lat["base"], q), _pct(lat["ours"], q)
        rows.append((f"query p{q}, ms (question → answer)", _f(bq), _f(oq), _ratio(bq, oq, False)))
    stages = dict(s.get("stages", {}))
    if stages:
        postings = stages.pop("BM25 posting entries per question", None)
        parts = ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
        rows.append(("ours per question by stage, mean ms", "—", parts, "—"))
        if postings is not None:
            rows.append(("BM25 posting entries read per question, mean", "—", _f(postings, 0), "—"))
    if "search_ms_p50" in b:
        sb, so = b["search_ms_p50"]["base"], b["search_ms_p50"]["ours"]
        rows.append(("vector search alone p50, ms (k=100)", _f(sb, 2), _f(so, 2), _ratio(sb, so, False)))
        rows.append(
            (
                "recall@10 vs exact: questions / held-out vectors",
                "1.000",
                f"{b['recall_at_10']:.3f} / {b['recall_at_10_heldout']:.3f}",
                "—",
            )
        )
    rows.append(
        (
            "vector index, bytes/sentence",
            _f(s["base_bytes"] / n, 0),
            _f(s["faiss_bytes"] / n, 0),
            _ratio(s["base_bytes"], s["faiss_bytes"], False),
        )
    )
    rows.append(
        (
            "whole index on disk, bytes/sentence",
            _f(s["base_bytes"] / n, 0),
            _f(s["folder_bytes"] / n, 0) + " (+text, BM25)",
            "—",
        )
    )
    rows.append(("serving peak RSS, MB (both systems in one process)", "—", _f(s["serve_rss"], 0), "—"))
    sb = float(np.median([w for w, _ in s["startup"]["base"]]))
    so = float(np.median([w for w, _ in s["startup"]["ours"]]))
    rows.append(("start-up to first answer, s (median of 3)", _f(sb, 2), _f(so, 2), _ratio(sb, so, False)))
    rb = max(r for _, r in s["startup"]["base"])
    ro = max(r for _, r in s["startup"]["ours"])
    rows.append(("answering process peak RSS, MB", _f(rb, 0), _f(ro, 0), _ratio(rb, ro, False)))
    ab, ao = s["add"]["base"]["add_s"], s["add"]["ours"]["add_s"]
    rows.append(
        (
            f"add one article ({s['add']['ours']['embedded']} sentences), s",
            _f(ab, 2),
            _add_parts(s["add"]["ours"]),
            _ratio(ab, ao, False),
        )
    )
    if "replace" in s:
        rows.append(("replace that article (same doc_id, one word changed), s", "—", _add_parts(s["replace"]), "—"))
    return rows


def _add_parts(result: dict[str, Any]) -> str:
    spent = result.get("parts", {})
    if not spent:
        return _f(result["add_s"], 2)
    parts = ", ".join(f"{k} {v:.2f}" for k, v in spent.items())
    rest = result["add_s"] - sum(spent.values())
    return f"{_f(result['add_s'], 2)} ({parts}, reading the old build, embedding etc. {rest:.2f})"


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
            f"| {labels[name]} | {_f(e['throughput'], 0)} | {e['throughput'] / enc['base']['throughput']:.2f}× "
            f"| {_f(e['query_p50_ms'])} / {_f(e['query_p99_ms'])} | {e['cosine_mean']:.4f} / {e['cosine_min']:.4f} "
            f"| {e['top10_overlap']:.3f} {dev}"
        )
    return lines


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def machine() -> str:
    """Return the machine's cores, CPU model and memory."""
    model = "unknown CPU"
    flags = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and model == "unknown CPU":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                have = line.split(":", 1)[1].split()
                flags = ", ".join(f for f in ("avx2", "avx512f", "avx512_vnni") if f in have)
        mem = int(
            next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1]
        )
        memory = f"{mem / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "?"
    return f"{os.cpu_count()} cores ({model}; {flags}), {memory} RAM, Python {platform.python_version()}"


def versions() -> str:
    """Return the versions of the libraries measured."""
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("torch", "sentence-transformers", "onnxruntime", "faiss-cpu", "bm25s"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} missing")
    return ", ".join(parts)


def targets(enc: dict[str, Any], sizes: list[dict[str, Any]]) -> list[str]:
    """Return one line per target of the issue: met or not, with the figure."""
    out = []
    ratio = enc[DEFAULT_BACKEND]["throughput"] / enc["base"]["throughput"]
    same = enc[DEFAULT_BACKEND]["dev"] == enc["base"]["dev"] and enc["base"]["dev"] is not None
    other = "onnx" if DEFAULT_BACKEND != "onnx" else "onnx-int8"
    ratio_other = enc[other]["throughput"] / enc["base"]["throughput"]
    out.append(
        f"- Build throughput ≥ 2× baseline with no drop in dev scores: {'met' if ratio >= 2 and same else 'NOT met'} "
        f"by the default ({DEFAULT_BACKEND}: {ratio:.2f}×, dev scores {'unchanged' if same else 'changed'}); "
        f"{other} gives {ratio_other:.2f}×."
    )
    for s in sizes:
        p50, p99 = _pct(s["latency"]["ours"], 50), _pct(s["latency"]["ours"], 99)
        limit = 15 if s["label"] == "real" else 30
        ok = p50 <= limit and p99 <= 3 * p50
        out.append(
            f"- Query at {s['label']} ({s['sentences']:,} sentences): p50 {p50:.1f} ms (target ≤ {limit}), "
            f"p99 {p99:.1f} ms = {p99 / p50:.1f}× p50 (target ≤ 3×): {'met' if ok else 'NOT met'}."
        )
        if "recall_at_10" in s["build"]["base"] and s["sentences"] >= 500_000:
            rec = s["build"]["base"]["recall_at_10"]  # of questions: the harder, honest figure
            per = s["faiss_bytes"] / s["sentences"]
            out.append(
                f"- At {s['sentences']:,} sentences: recall@10 {rec:.3f} (target ≥ 0.95), vector index {per:.0f} "
                f"bytes/sentence (target ≤ 1024): {'met' if rec >= 0.95 and per <= 1024 else 'NOT met'}."
            )
        if s["label"] == "real":
            so = float(np.median([w for w, _ in s["startup"]["ours"]]))
            out.append(
                f"- Ready to answer within 5 s of start (real corpus): {so:.2f} s: {'met' if so <= 5 else 'NOT met'}."
            )
    return out


def render(enc: dict[str, Any], sizes: list[dict[str, Any]], command: str, total_s: float) -> str:
    """Return BENCHMARKS.md."""
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `{command}` on {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} in {total_s / 60:.1f} minutes "
        "(`make bench`; add `--sizes real,100k,1m` for the million-sentence run). Do not edit by hand.",
        "",
        f"- Machine: {machine()}; shared, so figures move by ±20% between runs: compare the ratios, measured "
        "side by side in the same run.",
        f"- Libraries: {versions()}. Model: all-MiniLM-L6-v2 (384 dimensions). ONNX Runtime fp32: {enc['threads']} "
        f"intra-op threads (one per core), batches of {enc['batch']} length-sorted sentences padded to the longest; "
        f"int8: {enc['int8_processes']} worker processes of one thread each, batches of {enc['int8_batch']} "
        "(one session with a thread per core for a single question).",
        f"- Load average (1/5/15 min) when the run started: {LOADS[0]}; when it ended: {LOADS[-1]}.",
        "- Baseline: `SentenceTransformer.encode` with default settings (batch 32, torch) plus `faiss.IndexFlatIP` "
        'over the same sentences; its "answer" is the top-10 sentences of the flat index. Ours: the default '
        "backend of `index.embed.load_encoder` and the index `index.build` makes; an answer is "
        "`index.answer.answer` (dense + BM25 fusion, dedupe, attribution, context), i.e. more work per question.",
        "",
        "## Encoders",
        "",
        f"Throughput over the same {enc['sample']:,} synthetic sentences (~25 words), each encoder embedding all of "
        f"them in one call as a build does, {ROUNDS} rounds taking turns (after a warm-up call); query latency over "
        f"{len(QUESTIONS_CACHE)} questions, one call each, in interleaved blocks of {BLOCK}. "
        f"Dev scores: `shared/eval/{DEV_QUESTIONS.name}` over the real corpus indexed by that encoder (the "
        "baseline row is our torch backend, the same sentence-transformers model). Top-10 overlap: the "
        "questions' 10 nearest sample sentences compared with the baseline's.",
        "",
        *encoder_rows(enc),
        "",
    ]
    for s in sizes:
        lines += [
            f"## {s['label']}: {s['sentences']:,} sentences ({s.get('made', 'synthetic, see below')}), "
            f"index {s['build']['ours'].get('faiss_index', 'Flat')}",
            "",
            "| figure | baseline | ours | ours vs baseline |",
            "|---|---:|---:|---:|",
            *[f"| {m} | {b} | {o} | {r} |" for m, b, o, r in size_rows(s)],
            "",
            f"Measured in {s['seconds']:.0f} s. Ratios above 1 mean ours is better (faster, smaller).",
            "",
        ]
    lines += [
        "## Targets",
        "",
        *targets(enc, sizes),
        "",
        "## How the data was made and what was measured",
        "",
        "- Real corpus: the articles in `corpus/`, built end to end (`index.build.build_index`: segmentation, "
        "attribution, embedding, FAISS, BM25, SQLite) in a fresh process; the baseline encodes the same sentences.",
        "- 100k / 1M: the real articles plus synthetic ones (`scripts/make_synthetic.py`): each synthetic sentence "
        "joins the head of one real sentence to the tail of another and substitutes 1–3 words from the corpus "
        "vocabulary (sometimes a 3-word shuffle); 25 sentences an article, 5 a paragraph. Synthetic sentences carry "
        "no speaker, so speaker questions still resolve to the real statements while every retrieval runs over all "
        "sentences.",
        f"- Vectors at 100k / 1M are not all embedded (that would take hours with the baseline): the {enc['sample']:,} "
        "sample sentences embedded for the throughput figure are the seeds, and each synthetic vector is "
        "`normalise(e[a] + u·e[b] + noise)` with u ~ U(0, 0.6) and Gaussian noise of expected length "
        f"{make_synthetic.VECTOR_NOISE} (nearest-neighbour cosine ~0.6, like distinct sentences rather than "
        "near-duplicates). The same vectors go into both systems. Build wall time at these sizes = embedding time "
        "projected from the measured throughput + indexing measured at full size.",
        f"- Recall@10 against exact search over the same vectors, for the {len(QUESTIONS_CACHE)} benchmark "
        f"questions (embedded; the target figure) and for {RECALL_QUERIES} held-out synthetic vectors (easier: they "
        "come from the same distribution as the indexed ones, while questions fall between clusters).",
        "- Query latency: the 12 dev questions plus generated speaker/topic questions, one after another after "
        f"{WARMUP} warm-up questions, both systems in one process, interleaved in blocks of {BLOCK} questions "
        "(alternating which goes first).",
        '- Start-up: wall time from spawning `python -m index query "What did Putin say?"` to its exit (ours; '
        "the bot's start-up is the same `Searcher.open` + first answer), and of a process that loads the "
        "sentence-transformers model and the flat index and answers (baseline). Peak RSS is each process's "
        "own `VmHWM` (`ru_maxrss` of a child would include its parent's).",
        "- Peak RSS of builds: the building process; at 100k / 1M it holds all vectors, texts and the BM25 build "
        "in memory (embedding excluded there: the model adds ~250 MB).",
        "- Stages: a second pass over the questions with timers around `Searcher.embed`, `dense`, `lexical`, "
        "`dedupe`, `vectors` and `LexicalIndex.scores` (each counting its own time only).",
        "- Add: `index.build.add_articles` with one 3-sentence article (model load excluded); baseline: encode + "
        "`IndexFlatIP.add` + write the flat file. Replace: the same file again with one word changed (the flat "
        "baseline has no ids to replace by).",
        "",
    ]
    return "\n".join(lines)


QUESTIONS_CACHE: list[str] = []
LOADS: list[str] = []


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="real,100k", help="comma-separated: real, 100k, 1m (default real,100k)")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--questions", type=int, default=120, help="generated questions besides the dev ones")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (indexes, vectors)")
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "PARAMS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        WORKERS[args.worker[0]](json.loads(Path(args.worker[1]).read_text()))
        return
    labels = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in labels if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown}: use {', '.join(SIZES)}")
    started = time.perf_counter()
    LOADS.append(_load())
    command = "scripts/bench.py " + " ".join(a for a in sys.argv[1:])
    real = make_synthetic.real_sentences()
    QUESTIONS_CACHE[:] = _questions(real, args.questions)
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=REPO / "var"))
    try:
        print(f"Encoders: {THROUGHPUT_SAMPLE} sentences, {len(QUESTIONS_CACHE)} questions ...", flush=True)
        enc = bench_encoders(real, QUESTIONS_CACHE, work)
        print("\n".join(encoder_rows(enc)), flush=True)
        sizes = []
        for label in labels:
            print(f"\nSize {label} ...", flush=True)
            result = bench_size(label, SIZES[label], enc, real, QUESTIONS_CACHE, work)
            sizes.append(result)
            for m, b, o, r in size_rows(result):
                print(f"  {m:<55} {b:>14} {o:>14} {r:>8}", flush=True)
        LOADS.append(_load())
        text = render(enc, sizes, command.strip(), time.perf_counter() - started)
        args.out.write_text(text, encoding="utf-8")
        print("\n" + "\n".join(targets(enc, sizes)))
        print(f"\nWrote {args.out} in {(time.perf_counter() - started) / 60:.1f} minutes.")
    finally:
        if args.keep:
            print(f"Work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
