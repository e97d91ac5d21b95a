"""The plain build the whole-build benchmark compares against: read the corpus files, split sentences with a regex,
embed with SentenceTransformer.encode (defaults), put the vectors in faiss.IndexFlatIP, write it and the sentences.

    python -m scripts.bench.plain_build CORPUS_FOLDER OUT_FOLDER    # prints one PLAIN {...} line of seconds
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

SPLIT = re.compile(r"(?<=[.!?])\s+")


def read_texts(corpus: Path) -> list[str]:
    """Return the sentences of every .jsonl/.md/.txt article below a folder: lines, then a regex split."""
    sentences: list[str] = []
    for path in sorted(corpus.rglob("*")):
        if path.suffix == ".jsonl":
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
        elif path.suffix in (".md", ".txt"):
            rows = [{"text": path.read_text(encoding="utf-8")}]
        else:
            continue
        for row in rows:
            for line in row["text"].split("\n"):
                sentences.extend(s for s in SPLIT.split(line.strip()) if s)
    return sentences


def main() -> None:
    """Build, timing each step."""
    t0 = time.perf_counter()
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
    texts = read_texts(corpus)
    t1 = time.perf_counter()
    import faiss
    import numpy as np

    from .common import baseline_model

    model = baseline_model()
    t2 = time.perf_counter()
    vectors = model.encode(texts)
    t3 = time.perf_counter()
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    out.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index, str(out / "vectors.faiss"))
    (out / "sentences.json").write_text(json.dumps(texts))
    t4 = time.perf_counter()
    parts = {"read + split": t1 - t0, "model": t2 - t1, "embed": t3 - t2, "FAISS + files": t4 - t3}
    print("PLAIN " + json.dumps({"sentences": len(texts), "stages": parts}), flush=True)


if __name__ == "__main__":
    main()
