"""BM25 lexical scoring over sentences (bm25s), with English stemming and stopwords."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

log = logging.getLogger(__name__)
for noisy in ("bm25s",):
    logging.getLogger(noisy).setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-case, drop English stopwords and stem: the same for sentences and questions."""
    return bm25s.tokenize(list(texts), stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False)


class LexicalIndex:
    """A BM25 index over sentence texts; row i scores sentence id i."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._retriever = retriever

    @classmethod
    def build(cls, texts: Sequence[str], progress: bool = False) -> LexicalIndex:
        """Index sentence texts."""
        retriever = bm25s.BM25()
        tokens = tokenize(texts)
        # bm25s cannot index an empty corpus or all-stopword rows; an empty token keeps ids aligned.
        retriever.index([t or [""] for t in tokens] or [[""]], show_progress=progress)
        return cls(retriever)

    def save(self, folder: Path) -> None:
        """Write the index to a folder."""
        self._retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> LexicalIndex:
        """Read an index written by save, memory-mapping the score arrays."""
        return cls(bm25s.BM25.load(str(folder), mmap=mmap))

    def query_tokens(self, question: str) -> list[str]:
        """Return the question's tokens that occur in the index."""
        vocab = self._retriever.vocab_dict
        return [t for t in tokenize([question])[0] if t in vocab]

    def scores(self, question: str) -> np.ndarray:
        """Return the BM25 score of every sentence for a question (zeros when no word matches)."""
        tokens = self.query_tokens(question)
        if not tokens:
            return np.zeros(self._retriever.scores["num_docs"], dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)

    def top(self, question: str, k: int) -> list[tuple[int, float]]:
        """Return up to k (sentence id, score) pairs with a positive score, best first."""
        scores = self.scores(question)
        k = min(k, len(scores))
        if k <= 0:
            return []
        idx = np.argpartition(-scores, k - 1)[:k]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(i), float(scores[i])) for i in idx if scores[i] > 0]
