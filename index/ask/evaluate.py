"""Score question files (JSON Lines: question, kind, gold) for this system and two plain baselines."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CorpusError
from .answer import answer
from .searcher import Searcher

TOP_K = 10
KINDS = ("speaker", "topic", "none")
SYSTEMS = ("hybrid", "dense", "bm25")


@dataclass
class EvalQuestion:
    """One question with its kind and the substrings of the sentences a good answer quotes."""

    id: str
    question: str
    kind: str
    gold: list[str]


@dataclass
class Outcome:
    """What one system returned for one question."""

    answered: bool
    texts: list[str]


@dataclass
class EvalReport:
    """Per-system, per-question outcomes and the scores they add up to."""

    questions: list[EvalQuestion]
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)

    def scores(self, system: str) -> dict[str, float | None]:
        """Return the metrics of one system."""
        return score(self.questions, self.outcomes[system])

    def to_dict(self) -> dict[str, Any]:
        """Return every system's scores."""
        return {"questions": len(self.questions), "systems": {s: self.scores(s) for s in self.outcomes}}

    def details(self) -> str:
        """Return every question with what each system returned first."""
        lines = []
        for i, q in enumerate(self.questions):
            lines.append(f"[{q.kind}] {q.question}  gold={q.gold}")
            for system, outcomes in self.outcomes.items():
                o = outcomes[i]
                marks = ["+" if _matches(t, q.gold) else "-" for t in o.texts]
                lines.append(f"  {system:<7} answered={o.answered} {''.join(marks)}")
        return "\n".join(lines)


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read a question file; a malformed line is an error naming the file and line."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            kind = data["kind"]
            if kind not in KINDS:
                raise ValueError(f"kind must be one of {', '.join(KINDS)}")
            questions.append(
                EvalQuestion(str(data.get("id", number)), data["question"], kind, list(data.get("gold", [])))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CorpusError(f"{path}:{number}: not a question record ({exc})") from None
    return questions


def _matches(text: str, gold: list[str]) -> bool:
    return any(g in text for g in gold)


def run_system(searcher: Searcher, system: str, question: str) -> Outcome:
    """Return the top sentences one system gives for a question."""
    if system == "hybrid":
        result = answer(searcher, question, limit=TOP_K)
        return Outcome(result.answered, [r.text for r in result.results])
    if system == "dense":
        sids = [s for s, _ in searcher.dense(searcher.embed(question), TOP_K)]
    else:
        sids = [s for s, _ in searcher.lexical(question, TOP_K)]
    return Outcome(True, [r.text for r in searcher.sentences(sids)])


def evaluate_file(searcher: Searcher, path: Path, systems: tuple[str, ...] = SYSTEMS) -> EvalReport:
    """Run every system on every question of a file."""
    questions = load_questions(path)
    report = EvalReport(questions)
    for system in systems:
        report.outcomes[system] = [run_system(searcher, system, q.question) for q in questions]
    return report


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def score(questions: list[EvalQuestion], outcomes: list[Outcome]) -> dict[str, float | None]:
    """Compute speaker recall@10 and precision, topic hit@3 and MRR, no-answer and answered accuracy."""
    recall, precision, hit3, rr, refused, answered = [], [], [], [], [], []
    for q, o in zip(questions, outcomes, strict=False):
        texts = o.texts[:TOP_K] if o.answered else []
        if q.kind == "none":
            refused.append(float(not o.answered))
            continue
        answered.append(float(o.answered))
        found = [g for g in q.gold if any(g in t for t in texts)]
        good = [t for t in texts if _matches(t, q.gold)]
        if q.kind == "speaker":
            recall.append(len(found) / len(q.gold) if q.gold else 1.0)
            precision.append(len(good) / len(texts) if texts else 0.0)
        else:
            ranks = [i for i, t in enumerate(texts, start=1) if _matches(t, q.gold)]
            hit3.append(float(bool(ranks) and ranks[0] <= 3))
            rr.append(1.0 / ranks[0] if ranks else 0.0)
    return {
        "speaker_recall@10": _mean(recall),
        "speaker_precision": _mean(precision),
        "topic_hit@3": _mean(hit3),
        "topic_mrr": _mean(rr),
        "no_answer_accuracy": _mean(refused),
        "answerable_answered": _mean(answered),
    }


def format_table(report: EvalReport) -> str:
    """Return the scores as a fixed-width table, one column per system."""
    systems = list(report.outcomes)
    rows = {s: report.scores(s) for s in systems}
    metrics = list(next(iter(rows.values())))
    counts = {k: sum(q.kind == k for q in report.questions) for k in KINDS}
    header = f"{'metric':<22}" + "".join(f"{_label(s):>10}" for s in systems)
    lines = [
        f"{len(report.questions)} questions: " + ", ".join(f"{n} {k}" for k, n in counts.items()),
        header,
        "-" * len(header),
    ]
    for metric in metrics:
        cells = "".join(f"{_cell(rows[s][metric]):>10}" for s in systems)
        lines.append(f"{metric:<22}{cells}")
    return "\n".join(lines)


def format_by_file(reports: dict[Path, EvalReport]) -> str:
    """Return this system's scores for several question files, one row per file (with its questions' language)."""
    from .language import detect_language

    metrics = ["speaker_recall@10", "speaker_precision", "topic_hit@3", "no_answer_accuracy", "answerable_answered"]
    short = ["spk recall", "spk prec", "topic hit@3", "refused", "answered"]
    header = f"{'questions':<28}{'lang':>5}{'n':>4}" + "".join(f"{m:>12}" for m in short)
    lines = [header, "-" * len(header)]
    for path, report in reports.items():
        langs = Counter(detect_language(q.question) for q in report.questions)
        scores = report.scores("hybrid")
        cells = "".join(f"{_cell(scores[m]):>12}" for m in metrics)
        lines.append(f"{path.name[:27]:<28}{langs.most_common(1)[0][0]:>5}{len(report.questions):>4}{cells}")
    return "\n".join(lines)


def _label(system: str) -> str:
    return {"hybrid": "system", "dense": "dense", "bm25": "bm25"}.get(system, system)


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
