"""Benchmark the index against plain baselines, side by side in one run, and write BENCHMARKS.md.

    .venv/bin/python -m scripts.bench                          # everything (make bench)
    .venv/bin/python -m scripts.bench --sizes real,100k,1m     # adds the 1M run (embedding time projected there)
    .venv/bin/python -m scripts.bench --parts builds --rounds 3 --corpus polnear-train=/work/data/polnear-train/corpus

Parts: builds (whole builds of real news against the plain build), engines (local vs Ray on one corpus),
encoders (throughput and agreement) and sizes (build, serve, start-up, add at real / 100k / 1M).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from index.build.ray_engine import RayUnavailableError

from .. import make_synthetic
from . import build_e2e, engines, report
from .common import REPO, load_average, questions
from .encoders import bench_encoders, encoder_rows
from .sizes import SIZES, bench_size, size_rows

DATA = Path(os.environ.get("NEWSBOT_DATA") or "/work/data")
# Real news for whole builds (prepared outside the repository: scripts/bbc_corpus.py makes the BBC one).
DEFAULT_CORPORA = {"PolNeAR train": DATA / "polnear-train" / "corpus", "BBC News": DATA / "bbc" / "corpus"}
DEFAULT_ENGINES_CORPUS = DATA / "polnear-dev" / "corpus"
PARTS = ("builds", "engines", "encoders", "sizes")


def _corpora(given: list[str]) -> dict[str, Path]:
    if not given:
        return {name: path for name, path in DEFAULT_CORPORA.items() if path.is_dir()}
    out = {}
    for item in given:
        name, _, path = item.rpartition("=")
        out[name or Path(path).name] = Path(path)
    return out


def main() -> None:
    """Run the parts asked for and write the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}")
    parser.add_argument("--sizes", default="real,100k", help="comma-separated: real, 100k, 1m (default real,100k)")
    parser.add_argument("--corpus", action="append", default=[], help="NAME=FOLDER of real news for whole builds")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each whole build (the median is quoted)")
    parser.add_argument("--engines-corpus", type=Path, default=DEFAULT_ENGINES_CORPUS)
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--questions", type=int, default=120, help="generated questions besides the dev ones")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (indexes, vectors)")
    args = parser.parse_args()
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    labels = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in labels if s not in SIZES] + [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown size or part {unknown}")
    started = time.perf_counter()
    real = make_synthetic.real_sentences()
    run: dict[str, Any] = {
        "command": "python -m scripts.bench " + " ".join(sys.argv[1:]),
        "loads": [load_average()],
        "questions": questions(real, args.questions),
    }
    (REPO / "var").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=REPO / "var"))
    try:
        if "builds" in parts:
            run["builds"] = []
            for name, folder in _corpora(args.corpus).items():
                print(f"Whole builds: {name} ({folder}), {args.rounds} rounds ...", flush=True)
                run["builds"].append(build_e2e.measure(name, folder, args.rounds, work))
                for m, b, o, r in build_e2e.rows(run["builds"][-1]):
                    print(f"  {m}: plain {b} | ours {o} | {r}", flush=True)
        if "engines" in parts and args.engines_corpus.is_dir():
            print(f"\nEngines on {args.engines_corpus} ...", flush=True)
            try:
                run["engines"] = engines.compare_engines(args.engines_corpus, work / "engines")
                print("\n".join(engines.rows(run["engines"])), flush=True)
            except RayUnavailableError as exc:
                print(f"Engines skipped: {exc}", flush=True)
        if "encoders" in parts or "sizes" in parts:
            print(f"\nEncoders: {len(run['questions'])} questions ...", flush=True)
            run["encoders"] = bench_encoders(real, run["questions"], work)
            print("\n".join(encoder_rows(run["encoders"])), flush=True)
        if "sizes" in parts:
            run["sizes"] = []
            for label in labels:
                print(f"\nSize {label} ...", flush=True)
                result = bench_size(label, SIZES[label], run["encoders"], real, run["questions"], work)
                run["sizes"].append(result)
                for m, b, o, r in size_rows(result):
                    print(f"  {m:<55} {b:>14} {o:>14} {r:>8}", flush=True)
        run["loads"].append(load_average())
        run["seconds"] = time.perf_counter() - started
        args.out.write_text(report.render(run), encoding="utf-8")
        print(f"\nWrote {args.out} in {run['seconds'] / 60:.1f} minutes.")
    finally:
        if args.keep:
            print(f"Work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
