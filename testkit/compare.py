"""Compare two builds of the same corpus (the local and the Ray engine): rows, speakers, vectors, speaker answers.

Used by tests/test_ray_engine.py (invented articles) and scripts/bench/compare_engines.py (PolNeAR dev).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.ask.answer import answer
from index.ask.searcher import Searcher
from index.embed.base import Encoder
from index.store.reader import IndexStore


@dataclass
class Comparison:
    """What differs between two builds (empty lists and equal counts: the same index)."""

    counts: tuple[dict[str, int], dict[str, int]]
    different_rows: list[tuple[Any, Any]] = field(default_factory=list)
    different_speakers: list[Any] = field(default_factory=list)
    min_cosine: float = 1.0
    mean_cosine: float = 1.0
    questions: int = 0
    different_answers: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        """Tell whether the two builds hold the same rows, speakers and speaker answers."""
        return (
            self.counts[0] == self.counts[1]
            and not self.different_rows
            and not self.different_speakers
            and not self.different_answers
        )


def _counts(store: IndexStore) -> dict[str, int]:
    rows = store.all_sentences()
    return {
        "documents": len(store.fingerprints()),
        "sentences": len(rows),
        "statements": sum(r.statement for r in rows),
        "speakers": len(store.speakers()),
    }


def _rows(store: IndexStore) -> list[tuple[Any, ...]]:
    return [
        (r.sid, r.doc_id, r.paragraph, r.position, r.start, r.end, r.text, r.statement, r.speaker, r.cue)
        for r in store.all_sentences()
    ]


def compare_builds(first: Path, second: Path, encoder: Encoder, questions: int = 50) -> Comparison:
    """Compare the current builds under two roots; ask both "What did X say?" for the most quoted speakers."""
    a, b = Searcher.open(first, encoder=encoder), Searcher.open(second, encoder=encoder)
    try:
        store_a, store_b = IndexStore.open(first), IndexStore.open(second)
        try:
            result = Comparison((_counts(store_a), _counts(store_b)))
            rows_a, rows_b = _rows(store_a), _rows(store_b)
            result.different_rows = [(x, y) for x, y in zip(rows_a, rows_b, strict=False) if x != y]
            speakers_a, speakers_b = sorted(map(repr, store_a.speakers())), sorted(map(repr, store_b.speakers()))
            result.different_speakers = sorted(set(speakers_a) ^ set(speakers_b))
            if len(rows_a) == len(rows_b) and rows_a:
                va = store_a.vectors.reconstruct_n(0, store_a.vectors.ntotal)
                vb = store_b.vectors.reconstruct_n(0, store_b.vectors.ntotal)
                cosine = np.sum(va * vb, axis=1) / (np.linalg.norm(va, axis=1) * np.linalg.norm(vb, axis=1))
                result.min_cosine, result.mean_cosine = float(cosine.min()), float(cosine.mean())
            names = {sp.key: sp.name for _, sp in store_a.speakers()}
            quoted = Counter(r.speaker for r in store_a.all_sentences() if r.statement and r.speaker in names)
        finally:
            store_a.close()
            store_b.close()
        for key, _ in quoted.most_common(questions):
            question = f"What did {names[key]} say?"
            result.questions += 1
            got_a = [(r.doc_id, r.position) for r in answer(a, question, limit=20).results]
            got_b = [(r.doc_id, r.position) for r in answer(b, question, limit=20).results]
            if got_a != got_b:
                result.different_answers.append(question)
        return result
    finally:
        a.close()
        b.close()
