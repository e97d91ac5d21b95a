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
