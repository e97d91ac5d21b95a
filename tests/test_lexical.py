"""BM25 scoring: our weights and sparse top-k agree with bm25s's full scoring; segments added later stay exact."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import pytest

from index.store import lexical
from index.store.lexical import LexicalIndex, tokenize


def reference_scores(texts: Sequence[str], question: str) -> np.ndarray:
    """Score every text with bm25s itself (the library's own index and scorer, method "lucene", our k1 and b)."""
    retriever = bm25s.BM25(k1=lexical.K1, b=lexical.B)
    retriever.index(tokenize(texts), show_progress=False)
    tokens = [t for t in tokenize([question])[0] if t in retriever.vocab_dict]
    return np.asarray(retriever.get_scores(tokens), dtype=np.float64) if tokens else np.zeros(len(texts))


TEXTS = [
    "The minister said rates would rise.",
    "Rates rose again; the bank said nothing.",
    "A storm hit the coast on Monday.",
    "The coast guard said the storm had passed.",
    "Nothing in this sentence matches.",
]


def test_scores_match_bm25s_and_top_is_their_best() -> None:
    index = LexicalIndex.build(TEXTS)
    for question in ["What did the minister say about rates?", "storm coast storm", "borscht", "the"]:
        reference = reference_scores(TEXTS, question)
        assert np.allclose(index.scores(question), reference, atol=1e-6)
        top = index.top(question, 3)
        expected = [i for i in np.argsort(-reference, kind="stable")[:3] if reference[i] > 0]
        assert [sid for sid, _ in top] == expected
        assert all(score > 0 for _, score in top)


def test_top_on_unknown_words_is_empty() -> None:
    assert LexicalIndex.build(TEXTS).top("zebra quokka", 5) == []


def test_top_stays_exact_when_only_a_sample_bounds_the_kth_score() -> None:
    # 30k sentences from a small vocabulary: a question reads far more postings than the sampled path's threshold,
    # and many sentences tie, so the k-th score must be cut at the same place as a full ranking.
    rng = np.random.default_rng(7)
    words = [f"w{i:03d}" for i in range(20)]
    texts = [" ".join(rng.choice(words, size=int(rng.integers(3, 9)))) for _ in range(30_000)]
    index = LexicalIndex.build(texts)
    for question in ["w001 w002 w003", "w010 w011", "w004 w004 w015 w019", "w012 w013 zebra"]:
        reference = reference_scores(texts, question)
        docs, _ = index._postings(question)
        assert len(docs) > lexical.SORT_POSTINGS
        for k in (1, 10, 100):
            expected = [int(i) for i in np.lexsort((np.arange(len(reference)), -reference))[:k] if reference[i] > 0]
            found = index.top(question, k)
            assert [sid for sid, _ in found] == expected
            assert np.allclose([score for _, score in found], reference[expected], atol=1e-5)


def test_an_appended_segment_uses_whole_index_statistics_and_leaves_old_weights(tmp_path: Path) -> None:
    old, new = TEXTS[:3], [*TEXTS[3:], "The minister said the storm would not delay rates."]
    index = LexicalIndex.build(old).extended(new)
    assert [(s.first_sid, s.documents) for s in index.segments] == [(0, 3), (3, 3)] and index.appended == 3
    for question in ["What did the minister say about rates?", "storm coast", "nothing"]:
        scores = index.scores(question)
        assert np.allclose(scores[:3], reference_scores(old, question), atol=1e-6)  # weighed when they were indexed
        assert np.allclose(scores[3:], reference_scores(old + new, question)[3:], atol=1e-6)  # the whole index
        expected = [int(i) for i in np.lexsort((np.arange(6), -scores))[:4] if scores[i] > 0]
        assert [sid for sid, _ in index.top(question, 4)] == expected
    index.save(tmp_path / "a")
    loaded = LexicalIndex.load(tmp_path / "a")
    assert all(loaded.top(q, 6) == index.top(q, 6) for q in ["minister rates", "storm", "coast guard"])
    loaded.extended(["The harbour reopened."]).save(tmp_path / "b")
    for name in ("weights.npy", "sids.npy"):  # saved segments never change: a new build links them
        assert (tmp_path / "b" / "seg000" / name).stat().st_ino == (tmp_path / "a" / "seg000" / name).stat().st_ino
    assert LexicalIndex.load(tmp_path / "b").top("harbour", 1)[0][0] == 6


def test_segments_that_do_not_follow_each_other_are_refused(tmp_path: Path) -> None:
    LexicalIndex.build(TEXTS[:2]).extended(TEXTS[2:]).save(tmp_path / "a")
    (tmp_path / "a" / "segments.json").write_text('{"segments": ["seg001", "seg000"]}')
    with pytest.raises(ValueError, match="consecutive"):
        LexicalIndex.load(tmp_path / "a")


def test_presence_says_which_sentences_hold_each_word() -> None:
    index = LexicalIndex.build(TEXTS[:3]).extended(TEXTS[3:])  # words looked up across both segments
    idf, held = index.presence("storm rates", np.array([0, 1, 2, 3, 4, -1]))
    assert held.tolist() == [
        [False, False, True, True, False, False],  # storm
        [True, True, False, False, False, False],  # rate (stemmed)
    ]
    assert idf[0] == pytest.approx(np.log1p((5 - 2 + 0.5) / (2 + 0.5)))
    assert index.presence("borscht", np.array([0, 1]))[1].shape == (0, 2)
