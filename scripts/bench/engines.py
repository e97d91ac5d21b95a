"""The local and the Ray engine on one corpus: the same counts, rows, speakers and speaker answers?

python -m scripts.bench.engines CORPUS_FOLDER      # e.g. /work/data/polnear-dev/corpus
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def compare_engines(corpus: Path, work: Path) -> dict[str, Any]:
    """Build the corpus with both engines (the same encoder) and compare the builds."""
    from index.build.full import build_index
    from index.config import DEFAULT_MODEL
    from index.embed.factory import load_encoder
    from index.ingest.analyse import sample_sentences
    from index.ingest.corpus import load_corpus
    from testkit.compare import compare_builds

    articles, _ = load_corpus(corpus)
    encoder = load_encoder(DEFAULT_MODEL, calibration=lambda: sample_sentences(articles))
    seconds = {}
    for engine in ("local", "ray"):
        started = time.perf_counter()
        build_index(corpus, work / engine, encoder, engine=engine)
        seconds[engine] = time.perf_counter() - started
    result = compare_builds(work / "local", work / "ray", encoder)
    return {"corpus": str(corpus), "seconds": seconds, "comparison": result}


def rows(found: dict[str, Any]) -> list[str]:
    """Return Markdown lines for the comparison."""
    c = found["comparison"]
    local, ray = c.counts
    lines = [
        "| figure | local engine | Ray engine (local Ray) |",
        "|---|---:|---:|",
        *[f"| {k} | {local[k]:,} | {ray[k]:,} |" for k in local],
        f"| build seconds (model loaded; Ray start-up included) | {found['seconds']['local']:.1f} | "
        f"{found['seconds']['ray']:.1f} |",
        "",
        f"Rows (sentence, offsets, paragraph, statement, speaker, cue) that differ: {len(c.different_rows)}; speakers "
        f"that differ: {len(c.different_speakers)}; vector cosine between the engines: mean {c.mean_cosine:.5f}, "
        f"min {c.min_cosine:.5f}; speaker questions ('What did X say?' for the {c.questions} most quoted speakers) "
        f"answered differently: {len(c.different_answers)}. Same index: **{'yes' if c.same else 'NO'}**.",
    ]
    return lines


def main() -> None:
    """Compare the engines on the corpus folder given."""
    work = Path(tempfile.mkdtemp(prefix="engines-"))
    try:
        print("\n".join(rows(compare_engines(Path(sys.argv[1]), work))))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
