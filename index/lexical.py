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

    def _postings(self, question: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the (sentence id, BM25 weight) entries of the question's words, one entry per word occurrence."""
        ids = self._retriever.get_tokens_ids(self.query_tokens(question))
        matrix = self._retriever.scores
        indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        docs = np.concatenate([indices[indptr[t] : indptr[t + 1]] for t in ids])
        weights = np.concatenate([data[indptr[t] : indptr[t + 1]] for t in ids])
        return docs.astype(np.int64, copy=False), weights.astype(np.float32, copy=False)

    def scores(self, question: str) -> np.ndarray:
        """Return the BM25 score of every sentence for a question (zeros when no word matches)."""
        docs, weights = self._postings(question)
        total = self._retriever.scores["num_docs"]
        return np.bincount(docs, weights=weights, minlength=total).astype(np.float32)[:total]

    def top(self, question: str, k: int) -> list[tuple[int, float]]:
        """Return up to k (sentence id, score) pairs with a positive score, best first (ties: lower id first)."""
        docs, weights = self._postings(question)
        if k <= 0 or not len(docs):
            return []
        sums = np.bincount(docs, weights=weights, minlength=self._retriever.scores["num_docs"])
        candidates = _candidates(sums, docs, k)
        scores = sums[candidates]
        if len(candidates) > k:
            best = np.argpartition(-scores, k - 1)[:k]
            # argpartition cuts ties at the k-th score arbitrarily: keep every tie so the lower ids can win below
            candidates = candidates[scores >= scores[best].min()]
            scores = sums[candidates]
        order = np.lexsort((candidates, -scores))[:k]
        return [(int(candidates[i]), float(scores[i])) for i in order if scores[i] > 0]


# Below this many postings the touched sentences are found by sorting the postings themselves.
SORT_POSTINGS = 8192
# Sentences sampled from the postings to bound the k-th best score from below.
THRESHOLD_SAMPLE = 8192


def _candidates(sums: np.ndarray, docs: np.ndarray, k: int) -> np.ndarray:
    """Return the ids (ascending) of every sentence whose score can be among the k best.

    Scanning all of sums for non-zero entries costs as much as the scoring at a million sentences, and ranking
    every touched sentence more: the k-th best score of a sample of touched sentences is a lower bound of the
    true k-th best, so only sentences scoring at least that need ranking (the result stays exact).
    """
    if len(docs) <= SORT_POSTINGS:
        return np.unique(docs)
    sample = np.unique(docs[:: max(len(docs) // THRESHOLD_SAMPLE, 1)])
    if len(sample) < k:
        return np.flatnonzero(sums)
    floor = np.partition(sums[sample], len(sample) - k)[len(sample) - k]
    return np.flatnonzero(sums >= floor)
