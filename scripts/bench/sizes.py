"""One size side by side (the real corpus, 100k or 1M sentences): build, serve, start-up, add and replace."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from index.config import DEFAULT_MODEL, corpus_dir
from index.embed.factory import DEFAULT_BACKEND

from .. import make_synthetic
from .common import CLI_WRAPPER, RECALL_QUERIES, fmt, hwm_of, pct, ratio, run_worker, spawn

SIZES = {"real": 0, "100k": 100_000, "1m": 1_000_000}


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
        built = run_worker("build_real_ours", {"corpus": str(corpus_dir()), "root": str(root)}, timeout)
        from index.store.reader import IndexStore

        store = IndexStore.open(root)
        texts = [r.text for r in store.all_sentences()]
        store.close()
        texts_all.write_text(json.dumps(texts))
        base = run_worker("build_real_base", {"texts": str(texts_all), "index": base_index}, timeout)
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
        ours = run_worker(
            "build_large_ours",
            {
                "vectors": str(work / f"vectors-{label}.npy"),
                "texts": str(work / f"synthetic-{label}.json"),
                "corpus": str(corpus_dir()),
                "root": str(root),
            },
            timeout,
        )
        base = run_worker(
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
    serve = run_worker(
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
        output, wall, _ = spawn(
            [sys.executable, "-c", CLI_WRAPPER, "query", question, "--index-dir", str(root)], timeout=timeout
        )
        startup["ours"].append((wall, hwm_of(output)))
        r = run_worker("startup_base", {"index": base_index, "texts": str(texts_all), "question": question}, timeout)
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
        "ours": run_worker("add_ours", {"root": str(root), "article": str(article)}, timeout),
        "base": run_worker("add_base", {"index": base_index, "article": str(article)}, timeout),
    }
    article.write_text(article.read_text().replace("on Friday", "on Saturday"))  # same doc_id: a replacement
    out["replace"] = run_worker("add_ours", {"root": str(root), "article": str(article)}, timeout)
    out["seconds"] = time.perf_counter() - started
    return out


def size_rows(s: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Return (metric, baseline, ours, ratio) rows for one size; ratios > 1 mean ours is better."""
    n = s["sentences"]
    b, o = s["build"]["base"], s["build"]["ours"]
    rows: list[tuple[str, str, str, str]] = []
    if "embed_s" in o:
        bw, ow = b["embed_s"] + b["build_s"], o["embed_s"] + o["build_s"]
        rows.append(("build: wall time, s (embedding projected)", fmt(bw), fmt(ow), ratio(bw, ow, False)))
        rows.append(("build: throughput, sentences/s", fmt(n / bw), fmt(n / ow), ratio(n / bw, n / ow, True)))
        rows.append(
            (
                "build: indexing measured at full size, s",
                fmt(b["build_s"]) + " (flat add)",
                f"{fmt(o['build_s'])} (FAISS {fmt(o['vector_index_s'])}, BM25 {fmt(o['bm25_s'])}, "
                f"SQLite {fmt(o['write_s'])})",
                "—",
            )
        )
    else:
        rows.append(
            (
                "build: wall time, s (model loaded)",
                fmt(b["build_s"], 2),
                fmt(o["build_s"], 2),
                ratio(b["build_s"], o["build_s"], False),
            )
        )
        rows.append(
            (
                "build: throughput, sentences/s",
                fmt(n / b["build_s"]),
                fmt(n / o["build_s"]),
                ratio(n / b["build_s"], n / o["build_s"], True),
            )
        )
    rows.append(
        (
            "build: peak RSS, MB",
            fmt(b["maxrss_mb"], 0),
            fmt(o["maxrss_mb"], 0),
            ratio(b["maxrss_mb"], o["maxrss_mb"], False),
        )
    )
    lat = s["latency"]
    for q in (50, 99):
        bq, oq = pct(lat["base"], q), pct(lat["ours"], q)
        rows.append((f"query p{q}, ms (question → answer)", fmt(bq), fmt(oq), ratio(bq, oq, False)))
    stages = dict(s.get("stages", {}))
    if stages:
        postings = stages.pop("BM25 posting entries per question", None)
        parts = ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
        rows.append(("ours per question by stage, mean ms", "—", parts, "—"))
        if postings is not None:
            rows.append(("BM25 posting entries read per question, mean", "—", fmt(postings, 0), "—"))
    if "search_ms_p50" in b:
        sb, so = b["search_ms_p50"]["base"], b["search_ms_p50"]["ours"]
        rows.append(("vector search alone p50, ms (k=100)", fmt(sb, 2), fmt(so, 2), ratio(sb, so, False)))
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
            fmt(s["base_bytes"] / n, 0),
            fmt(s["faiss_bytes"] / n, 0),
            ratio(s["base_bytes"], s["faiss_bytes"], False),
        )
    )
    rows.append(
        (
            "whole index on disk, bytes/sentence",
            fmt(s["base_bytes"] / n, 0),
            fmt(s["folder_bytes"] / n, 0) + " (+text, BM25)",
            "—",
        )
    )
    rows.append(("serving peak RSS, MB (both systems in one process)", "—", fmt(s["serve_rss"], 0), "—"))
    sb = float(np.median([w for w, _ in s["startup"]["base"]]))
    so = float(np.median([w for w, _ in s["startup"]["ours"]]))
    rows.append(("start-up to first answer, s (median of 3)", fmt(sb, 2), fmt(so, 2), ratio(sb, so, False)))
    rb = max(r for _, r in s["startup"]["base"])
    ro = max(r for _, r in s["startup"]["ours"])
    rows.append(("answering process peak RSS, MB", fmt(rb, 0), fmt(ro, 0), ratio(rb, ro, False)))
    ab, ao = s["add"]["base"]["add_s"], s["add"]["ours"]["add_s"]
    rows.append(
        (
            f"add one article ({s['add']['ours']['embedded']} sentences), s",
            fmt(ab, 2),
            _add_parts(s["add"]["ours"]),
            ratio(ab, ao, False),
        )
    )
    if "replace" in s:
        rows.append(("replace that article (same doc_id, one word changed), s", "—", _add_parts(s["replace"]), "—"))
    return rows


def _add_parts(result: dict[str, Any]) -> str:
    spent = result.get("parts", {})
    if not spent:
        return fmt(result["add_s"], 2)
    parts = ", ".join(f"{k} {v:.2f}" for k, v in spent.items())
    rest = result["add_s"] - sum(spent.values())
    return f"{fmt(result['add_s'], 2)} ({parts}, reading the old build, embedding etc. {rest:.2f})"
