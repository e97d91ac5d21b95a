"""BM25 scoring: our sparse top-k agrees with bm25s's full scoring."""

from __future__ import annotations

import numpy as np

from index.lexical import LexicalIndex

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
        tokens = index.query_tokens(question)
        reference = np.asarray(index._retriever.get_scores(tokens)) if tokens else np.zeros(len(TEXTS))
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
    from index import lexical

    rng = np.random.default_rng(7)
    words = [f"w{i:03d}" for i in range(20)]
    texts = [" ".join(rng.choice(words, size=int(rng.integers(3, 9)))) for _ in range(30_000)]
    index = LexicalIndex.build(texts)
    for question in ["w001 w002 w003", "w010 w011", "w004 w004 w015 w019", "w012 w013 zebra"]:
        tokens = index.query_tokens(question)
        reference = np.asarray(index._retriever.get_scores(tokens), dtype=np.float64)
        docs, _ = index._postings(question)
        assert len(docs) > lexical.SORT_POSTINGS
        for k in (1, 10, 100):
            expected = [int(i) for i in np.lexsort((np.arange(len(reference)), -reference))[:k] if reference[i] > 0]
            found = index.top(question, k)
            assert [sid for sid, _ in found] == expected
            assert np.allclose([score for _, score in found], reference[expected], atol=1e-5)
