"""Who said what on PolNeAR: speaker questions scored for this system, plain dense and plain BM25 in one run.

    python -m scripts.eval_polnear SPLIT --index-dir IDX          # SPLIT written by polnear.py prepare
    python -m scripts.eval_polnear SPLIT --offline [--attributor M:F]

The index must have been built from SPLIT/corpus (`python -m index build --corpus SPLIT/corpus --index-dir IDX`).
Every question of SPLIT/questions.jsonl is answered by each system in the JSON shape of
`python -m index query --json -n 50`: this system with every page (as a reader pressing "More" sees them, read
with --offset), plain dense and plain BM25 with their top 50. The PolNeAR scorer (polnear.py score, run as its own
process: --scorer or POLNEAR_SCORER, default ../shared/eval/polnear.py) scores each answers file, and the summaries
are printed side by side.

--offline answers without an index or a model: every statement of the speakers a question names, grouped as
`answer()` groups them. This is the system's answer to "What did X say?" (no topic, so no vectors are needed), and
it lets another attribution function (--attributor module:function, same signature as
index.ingest.attribution.attribute) be scored the same way.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.ask.answer import answer, newest_first
from index.ask.question import parse_question
from index.ask.searcher import Searcher, normalise_text
from index.ask.speakers import SpeakerDirectory
from index.ingest.analyse import analyse_article
from index.ingest.corpus import load_corpus

REPO = Path(__file__).resolve().parent.parent
LIMIT = 50
METRICS = ("recall@10", "recall@all", "statement_precision", "speaker_precision", "answered")


def _default_scorer() -> str:
    return os.environ.get("POLNEAR_SCORER") or str(REPO.parent / "shared" / "eval" / "polnear.py")


def all_pages(searcher: Searcher, question: str) -> dict[str, Any]:
    """This system's answer with every page, each read with an offset as the CLI and the bot do."""
    first = answer(searcher, question, limit=LIMIT).to_dict()
    offset = len(first["results"])
    while first["answered"] and offset < first["total"]:
        page = answer(searcher, question, limit=LIMIT, offset=offset).to_dict()
        if not page["results"]:
            break
        first["results"].extend(page["results"])
        offset += len(page["results"])
    return first


def plain(searcher: Searcher, system: str, question: str) -> dict[str, Any]:
    """Plain dense (FAISS) or plain BM25 top 50, in the same shape."""
    if system == "dense":
        sids = [s for s, _ in searcher.dense(searcher.embed(question), LIMIT)]
    else:
        sids = [s for s, _ in searcher.lexical(question, LIMIT)]
    results = [{"doc_id": r.doc_id, "start": r.start, "end": r.end, "text": r.text} for r in searcher.sentences(sids)]
    return {"question": question, "answered": bool(results), "results": results}


def offline_answers(split: Path, questions: list[str], attribute: Callable[..., Any] | None) -> list[dict[str, Any]]:
    """Answers to "What did X say?" from attribution alone (see the module docstring)."""
    if attribute is not None:
        importlib.import_module("index.ingest.analyse").attribute = attribute  # type: ignore[attr-defined]
    articles, _ = load_corpus(split / "corpus")
    records, speakers, dates = [], [], {}
    started = time.perf_counter()
    for article in articles:
        found, article_speakers = analyse_article(article, len(records))
        records.extend(found)
        speakers.extend(article_speakers)
        dates[article.doc_id] = article.published
    seconds = time.perf_counter() - started
    print(
        f"analysed {len(records)} sentences in {seconds:.1f} s ({1000 * seconds / len(records) * 1000:.0f} ms "
        "per 1,000 sentences: segmentation and attribution)",
        file=sys.stderr,
    )
    directory = SpeakerDirectory(speakers)
    answers = []
    for question in questions:
        parsed = parse_question(question)
        keys = set(directory.match(parsed.speaker or "")) if parsed.speaker else set()
        seen: set[str] = set()
        statements = []
        for r in records:
            if r.statement and keys.intersection(r.speakers) and normalise_text(r.text) not in seen:
                seen.add(normalise_text(r.text))
                statements.append(r)
        ordered = newest_first(statements, dates.get)
        results = [{"doc_id": r.doc_id, "start": r.start, "end": r.end, "text": r.text} for r in ordered]
        answers.append({"question": question, "answered": bool(results), "results": results})
    return answers


def score(scorer: str, split: Path, answers: list[dict[str, Any]], folder: Path, name: str) -> dict[str, Any]:
    """Write one answers file and run the PolNeAR scorer on it."""
    path = folder / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for a in answers:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, scorer, "score", str(split), str(path)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"the scorer failed on {path}: {out.stderr.strip() or out.stdout.strip()}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("split", type=Path, help="a folder written by polnear.py prepare")
    parser.add_argument("--index-dir", type=Path, help="an index built from SPLIT/corpus")
    parser.add_argument("--offline", action="store_true", help="answer from attribution alone (no index)")
    parser.add_argument("--attributor", help="module:function to attribute with (--offline only)")
    parser.add_argument("--scorer", default=_default_scorer(), help="polnear.py [POLNEAR_SCORER]")
    parser.add_argument("--keep", type=Path, help="keep the answers files in this folder")
    args = parser.parse_args()
    if not (args.split / "questions.jsonl").is_file():
        sys.exit(f"{args.split} has no questions.jsonl: prepare it with polnear.py prepare")
    if not Path(args.scorer).is_file():
        sys.exit(f"no PolNeAR scorer at {args.scorer}: pass --scorer or set POLNEAR_SCORER")
    if not args.offline and args.index_dir is None:
        sys.exit("give --index-dir (an index of SPLIT/corpus) or --offline")
    lines = (args.split / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="polnear-"))
    folder.mkdir(parents=True, exist_ok=True)
    summaries: dict[str, dict[str, Any]] = {}
    if args.offline:
        module, _, function = (args.attributor or "").partition(":")
        attribute = getattr(importlib.import_module(module), function or "attribute") if module else None
        summaries["system"] = score(
            args.scorer, args.split, offline_answers(args.split, questions, attribute), folder, "system"
        )
    else:
        searcher = Searcher.open(args.index_dir)
        try:
            summaries["system"] = score(
                args.scorer, args.split, [all_pages(searcher, q) for q in questions], folder, "system"
            )
            for system in ("dense", "bm25"):
                answers = [plain(searcher, system, q) for q in questions]
                summaries[system] = score(args.scorer, args.split, answers, folder, system)
        finally:
            searcher.close()
    print(f"{len(questions)} speaker questions ({args.split.name}); answers in {folder}")
    header = f"{'metric':<22}" + "".join(f"{s:>10}" for s in summaries)
    print(header + "\n" + "-" * len(header))
    for metric in METRICS:
        print(f"{metric:<22}" + "".join(f"{_cell(summaries[s].get(metric)):>10}" for s in summaries))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    main()
