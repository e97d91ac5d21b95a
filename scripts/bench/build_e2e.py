"""Whole builds of real news, files -> searchable index, side by side with the plain build, in one run.

Ours is `python -m index build --json` (segmentation, attribution, embedding, FAISS, BM25, SQLite, publish); the
plain build is scripts/bench/plain_build.py (regex split, SentenceTransformer.encode, IndexFlatIP). Each round runs
both, alternating which goes first; the ratio of each round is quoted and their median is the figure.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

from .common import fmt, spawn

# Stages `index build --json` reports, in pipeline order; the local engine's segment/attribute/embed are summed over
# its worker processes while they run side by side ("analyse+embed wall" is the wall time of that stretch).
STAGES = ("load", "model", "segment", "attribute", "embed", "channels", "FAISS", "BM25", "SQLite", "publish")
WALL_STAGES = ("load", "model", "analyse+embed wall", "channels", "FAISS", "BM25", "SQLite", "publish")


def measure(name: str, corpus: Path, rounds: int, work: Path, timeout: float = 3600) -> dict[str, Any]:
    """Build a corpus `rounds` times with each system; return every round's figures."""
    out: dict[str, Any] = {"name": name, "corpus": str(corpus), "ours": [], "plain": []}
    for r in range(rounds):
        for system in ("ours", "plain") if r % 2 == 0 else ("plain", "ours"):
            target = work / f"e2e-{name}-{system}-{r}"
            if system == "ours":
                cmd = [sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--index-dir", str(target)]
                cmd += ["--no-progress", "--json"]
            else:
                cmd = [sys.executable, "-m", "scripts.bench.plain_build", str(corpus), str(target)]
            output, wall, peak = spawn(cmd, timeout, sample_rss=True)
            shutil.rmtree(target, ignore_errors=True)
            line = [ln for ln in output.splitlines() if ln.startswith("{") or ln.startswith("PLAIN ")][-1]
            result = json.loads(line.removeprefix("PLAIN "))
            result.update(wall=wall, peak_rss_mb=peak)
            out[system].append(result)
            print(f"  {name} round {r + 1} {system}: {wall:.1f} s, {result['sentences']:,} sentences", flush=True)
    return out


def ratios(result: dict[str, Any]) -> list[float]:
    """Return plain wall / ours wall for every round (above 1: ours is faster)."""
    return [p["wall"] / o["wall"] for o, p in zip(result["ours"], result["plain"], strict=True)]


def analysis_share(run: dict[str, Any]) -> float:
    """Return segmentation + attribution as a share of the build's core-time (wall x worker processes)."""
    stages = run["stages"]
    workers = stages.get("workers", 1.0)
    return (stages.get("segment", 0.0) + stages.get("attribute", 0.0)) / (run["wall"] * workers)


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Return (figure, plain, ours, ours vs plain) rows for one corpus."""
    ours, plain = result["ours"], result["plain"]
    ow = statistics.median(r["wall"] for r in ours)
    pw = statistics.median(r["wall"] for r in plain)
    per_round = ", ".join(f"{x:.2f}×" for x in ratios(result))
    n_ours, n_plain = ours[0]["sentences"], plain[0]["sentences"]
    out = [
        (
            f"whole build, wall s (median of {len(ours)}; each round: ours/plain)",
            fmt(pw),
            fmt(ow),
            f"**{statistics.median(ratios(result)):.2f}×** ({per_round})",
        ),
        ("sentences indexed", f"{n_plain:,}", f"{n_ours:,}", "—"),
        ("sentences/s (whole build)", fmt(n_plain / pw, 0), fmt(n_ours / ow, 0), "—"),
        (
            "peak RSS, MB (process tree, sampled)",
            fmt(max(r["peak_rss_mb"] for r in plain), 0),
            fmt(max(r["peak_rss_mb"] for r in ours), 0),
            "—",
        ),
    ]
    mid = sorted(ours, key=lambda r: r["wall"])[len(ours) // 2]
    wall = mid["wall"]
    stages = mid["stages"]
    accounted = sum(stages.get(s, 0.0) for s in WALL_STAGES)
    if "analyse+embed wall" not in stages:
        accounted += sum(stages.get(s, 0.0) for s in ("segment", "attribute", "embed"))
    ours_parts = ", ".join(f"{s} {stages[s]:.1f}" for s in STAGES if s in stages)
    if "analyse+embed wall" in stages:
        ours_parts += (
            f" (segment, attribute and embed summed over {stages.get('workers', 1):.0f} worker processes, "
            f"side by side in {stages['analyse+embed wall']:.1f} s of wall time)"
        )
    ours_parts += f"; process start and imports {wall - accounted:.1f}"
    pmid = sorted(plain, key=lambda r: r["wall"])[len(plain) // 2]
    plain_parts = ", ".join(f"{k} {v:.1f}" for k, v in pmid["stages"].items())
    plain_parts += f"; process start and imports {pmid['wall'] - sum(pmid['stages'].values()):.1f}"
    out.append(("stages, s (the median round)", plain_parts, ours_parts, "—"))
    share = analysis_share(mid)
    out.append(("segmentation + attribution, share of the build's core-time", "—", f"{share:.1%}", "—"))
    return out


def targets(results: list[dict[str, Any]]) -> list[str]:
    """Return one line per whole-build target."""
    lines = []
    for result in results:
        r = statistics.median(ratios(result))
        share = analysis_share(sorted(result["ours"], key=lambda x: x["wall"])[len(result["ours"]) // 2])
        lines.append(
            f"- Whole build of {result['name']} ≥ 2.7× the plain build (median of {len(result['ours'])} rounds): "
            f"{r:.2f}×: {'met' if r >= 2.7 else 'NOT met'}."
        )
        lines.append(
            f"- Segmentation + attribution ≤ 15% of the build ({result['name']}): {share:.1%}: "
            f"{'met' if share <= 0.15 else 'NOT met'}."
        )
    return lines
