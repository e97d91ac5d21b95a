"""ReQA-style sentence retrieval (SQuAD v1.1 dev): this system, plain dense and plain BM25 side by side in one run.

    .venv/bin/python -m index build --corpus DATA/corpus --index-dir var/reqa
    .venv/bin/python -m scripts.reqa DATA --index-dir var/reqa [--out var/reqa-answers] [--limit N]

DATA is a folder made by `reqa.py prepare` (shared/eval): corpus/, questions.jsonl (question, gold sentences,
answers, title). Systems, over the same index and questions:
  system   index.ask.answer.answer (what the CLI and the bot give), top 10;
  dense    the index's FAISS vectors, top 10 by cosine (MiniLM + flat, no fusion);
  bm25     bm25s with its defaults (Lucene, k1 1.5, b 0.75, English stopwords, Snowball stems) over the index's
           sentences, the question as asked, top 10.
Scores are those of `reqa.py score` (strict: a result is gold when it shares a common substring of >= 60% of the
shorter text with a gold sentence; lenient also takes a sentence of the right article that holds an answer string):
hit@1, hit@3, MRR@10, refusals, and the mean time per question (ms, same process, systems interleaved).
With --out, each system's answers are written in `query --json` form, for `reqa.py score DATA FILE`.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bm25s
import Stemmer

from index.ask.answer import answer
from index.ask.searcher import Searcher

TOP_K = 10
SYSTEMS = ("system", "dense", "bm25")

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2018": "'", "\u2019": "'", "\u201a": "'", "`": "'", "\u2032": "'",
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})  # fmt: skip


def norm(text: str) -> str:
    """Normalise a text as the scorer does: NFKC, plain quotes and dashes, folded spaces, lower case."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().lower()


def overlaps(a: str, b: str, share: float = 0.6, whole_below: int = 30) -> bool:
    """Tell whether two normalised texts are the same sentence (the scorer's strict rule)."""
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    short = min(len(a), len(b))
    if short < whole_below:
        return False
    match = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size >= share * short


def title_key(title: str) -> str:
    """Return a title reduced to letters and digits."""
    return re.sub(r"[^a-z0-9]+", "", norm(title).replace("_", " "))


class PlainBM25:
    """bm25s with its default settings over the index's sentences."""

    def __init__(self, texts: list[str]) -> None:
        self.stemmer = Stemmer.Stemmer("english")
        self.live = [i for i, t in enumerate(texts) if t]
        self.retriever = bm25s.BM25()
        live_texts = [texts[i] for i in self.live]
        tokens = bm25s.tokenize(live_texts, stopwords="en", stemmer=self.stemmer, show_progress=False)
        self.retriever.index(tokens, show_progress=False)

    def top(self, question: str, k: int) -> list[int]:
        """Return the sentence ids of the k best matches with a positive score."""
        tokens = bm25s.tokenize([question], stopwords="en", stemmer=self.stemmer, show_progress=False)
        if not tokens.ids or not tokens.ids[0]:
            return []
        docs, scores = self.retriever.retrieve(tokens, k=min(k, len(self.live)), show_progress=False)
        return [self.live[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


Rows = list[dict[str, Any]]


def run(searcher: Searcher, questions: Rows) -> tuple[dict[str, Rows], dict[str, float]]:
    """Return every system's answers (query --json form) and its mean seconds per question."""
    plain = PlainBM25(searcher.all_texts())

    def as_answer(sids: list[int]) -> dict[str, Any]:
        records = searcher.sentences(sids)
        titles = {r.doc_id: searcher.document(r.doc_id).title for r in records}
        return {"answered": True, "results": [{"text": r.text, "title": titles[r.doc_id]} for r in records]}

    systems: dict[str, Callable[[str], dict[str, Any]]] = {
        "system": lambda q: answer(searcher, q, limit=TOP_K).to_dict(),
        "dense": lambda q: as_answer([s for s, _ in searcher.dense(searcher.embed(q), TOP_K)]),
        "bm25": lambda q: as_answer(plain.top(q, TOP_K)),
    }
    answers: dict[str, list[dict[str, Any]]] = {name: [] for name in systems}
    seconds = dict.fromkeys(systems, 0.0)
    for q in questions:  # interleaved, so load on the machine weighs on every system alike
        for name, ask in systems.items():
            start = time.perf_counter()
            answers[name].append(ask(q["question"]))
            seconds[name] += time.perf_counter() - start
    return answers, {name: total / max(len(questions), 1) for name, total in seconds.items()}


def score(questions: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, float]:
    """Return hit@1, hit@3, MRR@10 (strict and lenient) and the refusal rate, as reqa.py score does."""
    totals = {mode: [0.0, 0.0, 0.0] for mode in ("strict", "lenient")}
    refused = 0
    for q, row in zip(questions, rows, strict=True):
        results = row.get("results") or [] if row.get("answered") else []
        refused += not row.get("answered")
        gold = [norm(g) for g in q["gold"]]
        patterns = [re.compile(r"(?<!\w)" + re.escape(norm(a)) + r"(?!\w)") for a in q["answers"] if norm(a)]
        ranks: dict[str, int | None] = {"strict": None, "lenient": None}
        for rank, result in enumerate(results[:TOP_K], start=1):
            text = norm(result.get("text", ""))
            strict = any(overlaps(text, g) for g in gold)
            same_article = title_key(result.get("title", "")) == title_key(q["title"])
            lenient = strict or (same_article and any(p.search(text) for p in patterns))
            for mode, hit in (("strict", strict), ("lenient", lenient)):
                if hit and ranks[mode] is None:
                    ranks[mode] = rank
        for mode, found in ranks.items():
            if found is not None:
                totals[mode][0] += found <= 1
                totals[mode][1] += found <= 3
                totals[mode][2] += 1.0 / found
    n = max(len(questions), 1)
    out = {"refusals": refused / n}
    for mode, (h1, h3, mrr) in totals.items():
        out.update({f"hit@1 {mode}": h1 / n, f"hit@3 {mode}": h3 / n, f"MRR@10 {mode}": mrr / n})
    return out


def table(scores: dict[str, dict[str, float]], seconds: dict[str, float], count: int) -> str:
    """Return the scores as a fixed-width table, one column per system."""
    metrics = list(next(iter(scores.values())))
    header = f"{'metric':<18}" + "".join(f"{s:>10}" for s in scores)
    lines = [f"{count} questions", header, "-" * len(header)]
    lines += [f"{m:<18}" + "".join(f"{scores[s][m]:>10.3f}" for s in scores) for m in metrics]
    lines.append(f"{'ms / question':<18}" + "".join(f"{1000 * seconds[s]:>10.1f}" for s in scores))
    lines.append(f"{'cost vs dense':<18}" + "".join(f"{seconds[s] / seconds['dense']:>10.2f}" for s in scores))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the three systems on a prepared ReQA folder and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="folder made by reqa.py prepare (questions.jsonl)")
    parser.add_argument("--index-dir", type=Path, required=True, help="index built from DATA/corpus")
    parser.add_argument("--out", type=Path, help="write each system's answers here (SYSTEM.jsonl)")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    args = parser.parse_args(argv)
    lines = (args.data / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line) for line in lines if line.strip()][: args.limit]
    searcher = Searcher.open(args.index_dir)
    try:
        searcher.embed("warm up")
        answers, seconds = run(searcher, questions)
    finally:
        searcher.close()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, rows in answers.items():
            with open(args.out / f"{name}.jsonl", "w", encoding="utf-8") as f:
                f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    print(table({name: score(questions, rows) for name, rows in answers.items()}, seconds, len(questions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
