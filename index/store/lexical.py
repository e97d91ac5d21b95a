"""BM25 lexical scoring over sentences, stored as segments so that adding sentences never rescores the old ones.

Sentences are tokenized by bm25s (lower case, English stopwords, Snowball stems) and scored with the Lucene
variant of BM25 that bm25s uses by default, so the weights equal bm25s's. A segment holds the precomputed weights
of some sentences as a term -> (sentence id, weight) posting list (CSC layout, like bm25s). A build makes one
segment; an add appends a small one whose weights use the statistics of the whole index at that moment (the old
segments keep theirs, as search engines do between merges); past a share of the index the caller rebuilds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import Stemmer

from .layout import link_or_copy

log = logging.getLogger(__name__)
for noisy in ("bm25s",):
    logging.getLogger(noisy).setLevel(logging.WARNING)

# BM25 of the Lucene variant bm25s uses, with a lower length normalisation than its defaults (1.5, 0.75):
# a sentence is short, and a long one that holds the question's words is no worse for its length. Measured on
# ReQA dev (scripts/reqa.py): plain BM25 hit@1 0.658 -> 0.692 with wh-words dropped from the question.
K1 = 1.2
B = 0.3
SEGMENTS = "segments.json"
_ARRAYS = ("indptr", "sids", "weights")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-case, drop English stopwords and stem: the same for sentences and questions."""
    return _bm25s_tokenize(texts, ids=False)


@lru_cache(maxsize=256)
def _question_tokens(question: str) -> tuple[str, ...]:
    """Tokenize one question (cached: a topic question is looked up for its score and for its words' presence)."""
    return tuple(tokenize([question])[0])


def _bm25s_tokenize(texts: Sequence[str], ids: bool, progress: bool = False) -> Any:
    return bm25s.tokenize(list(texts), stopwords="en", stemmer=_stemmer(), return_ids=ids, show_progress=progress)


@dataclass
class Stats:
    """Collection statistics BM25 weights depend on."""

    documents: int
    tokens: int
    df: Callable[[str], int]


@dataclass
class Segment:
    """Weights of a run of sentences: postings of term i are sids/weights[indptr[i]:indptr[i + 1]], by sentence id."""

    terms: dict[str, int]
    indptr: np.ndarray
    sids: np.ndarray
    weights: np.ndarray
    first_sid: int
    documents: int
    tokens: int
    folder: Path | None = None  # where it was read from: saved segments never change, so a new build links them

    def df(self, term: str) -> int:
        """Return how many of the segment's sentences hold a term."""
        i = self.terms.get(term)
        return 0 if i is None else int(self.indptr[i + 1] - self.indptr[i])

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the (sentence ids, weights) of a term; empty when the segment lacks it."""
        i = self.terms.get(term)
        if i is None:
            return self.sids[:0], self.weights[:0]
        lo, hi = int(self.indptr[i]), int(self.indptr[i + 1])
        return self.sids[lo:hi], self.weights[lo:hi]

    def save(self, folder: Path) -> None:
        """Write the segment to a folder (hard links to an unchanged saved copy where the file system allows)."""
        folder.mkdir(parents=True)
        if self.folder is not None:
            for name in [f"{a}.npy" for a in _ARRAYS] + ["segment.json"]:
                link_or_copy(self.folder / name, folder / name)
            return
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))
        terms = sorted(self.terms, key=self.terms.__getitem__)
        meta = {"first_sid": self.first_sid, "documents": self.documents, "tokens": self.tokens, "terms": terms}
        (folder / "segment.json").write_text(json.dumps(meta, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> Segment:
        """Read a saved segment, memory-mapping its arrays."""
        meta = json.loads((folder / "segment.json").read_text())
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r" if mmap else None) for name in _ARRAYS}
        terms = {t: i for i, t in enumerate(meta["terms"])}
        if len(arrays["indptr"]) != len(terms) + 1 or len(arrays["sids"]) != len(arrays["weights"]):
            raise ValueError(f"BM25 segment {folder} is inconsistent")
        return cls(
            terms,
            arrays["indptr"],
            arrays["sids"],
            arrays["weights"],
            first_sid=int(meta["first_sid"]),
            documents=int(meta["documents"]),
            tokens=int(meta["tokens"]),
            folder=folder,
        )


def score_segment(
    texts: Sequence[str], first_sid: int, prior: Stats | None = None, *, progress: bool = False
) -> Segment:
    """Weigh sentences first_sid, first_sid+1, ... with BM25 over themselves plus the prior statistics."""
    tokenized = _bm25s_tokenize(texts, ids=True, progress=progress)
    vocab: dict[str, int] = tokenized.vocab
    count = len(texts)
    lengths = np.fromiter((len(ids) for ids in tokenized.ids), dtype=np.int64, count=count)
    flat = np.fromiter(chain.from_iterable(tokenized.ids), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(count, dtype=np.int64), lengths)
    # one sort gives term-major, then sentence order, with the term frequency of each (term, sentence) pair
    pairs, tf = np.unique(flat * max(count, 1) + rows, return_counts=True)
    term, row = np.divmod(pairs, max(count, 1))
    df = np.bincount(term, minlength=len(vocab))
    documents, tokens = count, int(lengths.sum())
    df_all = df.astype(np.float64)
    if prior is not None:
        documents += prior.documents
        tokens += prior.tokens
        by_id = sorted(vocab, key=vocab.__getitem__)
        df_all += np.fromiter((prior.df(t) for t in by_id), dtype=np.float64, count=len(by_id))
    idf = np.log1p((documents - df_all + 0.5) / (df_all + 0.5))
    norm = K1 * ((1 - B) + B * lengths / max(tokens / max(documents, 1), 1e-9))
    weights = (idf[term] * tf / (norm[row] + tf)).astype(np.float32)
    indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
    sids = (row + first_sid).astype(np.int32 if first_sid + count < 2**31 else np.int64)
    return Segment(vocab, indptr, sids, weights, first_sid=first_sid, documents=count, tokens=int(lengths.sum()))


class LexicalIndex:
    """A BM25 index over sentence texts, as one or more segments of consecutive sentence ids."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.segments = list(segments)
        self.documents = sum(s.documents for s in self.segments)

    @classmethod
    def build(cls, texts: Sequence[str], progress: bool = False) -> LexicalIndex:
        """Index sentence texts (ids 0, 1, ...) as one segment."""
        return cls([score_segment(texts, 0, progress=progress)])

    def extended(self, texts: Sequence[str]) -> LexicalIndex:
        """Return this index plus a segment for texts (the next sentence ids), weighted with the whole index's stats."""
        return LexicalIndex([*self.segments, score_segment(texts, self.documents, self.stats())])

    def stats(self) -> Stats:
        """Return the statistics of the whole index."""
        tokens = sum(s.tokens for s in self.segments)
        return Stats(self.documents, tokens, lambda term: sum(s.df(term) for s in self.segments))

    @property
    def appended(self) -> int:
        """Return how many sentences sit in segments added after the first (merged away by a full build)."""
        return sum(s.documents for s in self.segments[1:])

    def save(self, folder: Path) -> None:
        """Write the index to a new folder: one sub-folder per segment and a list of them."""
        folder.mkdir(parents=True)
        names = [f"seg{i:03d}" for i in range(len(self.segments))]
        for name, segment in zip(names, self.segments, strict=True):
            segment.save(folder / name)
        (folder / SEGMENTS).write_text(json.dumps({"segments": names}))

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> LexicalIndex:
        """Read an index written by save, memory-mapping the arrays."""
        names = json.loads((folder / SEGMENTS).read_text())["segments"]
        index = cls([Segment.load(folder / name, mmap=mmap) for name in names])
        starts = [s.first_sid for s in index.segments]
        if starts != list(np.cumsum([0] + [s.documents for s in index.segments])[:-1]):
            raise ValueError(f"BM25 segments in {folder} do not cover consecutive sentence ids: {starts}")
        return index

    def query_tokens(self, question: str) -> list[str]:
        """Return the question's tokens that occur in the index."""
        return [t for t in _question_tokens(question) if any(t in s.terms for s in self.segments)]

    def postings_read(self, question: str) -> int:
        """Return how many posting entries a question reads (a cost measure)."""
        return sum(len(s.postings(t)[0]) for t in self.query_tokens(question) for s in self.segments)

    def _postings(self, question: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the (sentence id, BM25 weight) entries of the question's words, one entry per word occurrence."""
        parts = [s.postings(t) for t in self.query_tokens(question) for s in self.segments]
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        docs = np.concatenate([p[0] for p in parts])
        weights = np.concatenate([p[1] for p in parts])
        return docs.astype(np.int64, copy=False), weights.astype(np.float32, copy=False)

    def scores(self, question: str) -> np.ndarray:
        """Return the BM25 score of every sentence for a question (zeros when no word matches)."""
        docs, weights = self._postings(question)
        return np.bincount(docs, weights=weights, minlength=self.documents).astype(np.float32)[: self.documents]

    def top(self, question: str, k: int, exclude: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Return up to k (sentence id, score) pairs with a positive score, best first (ties: lower id first).

        Sentence ids in exclude (deleted ones) never come back.
        """
        return self.search(question, k, exclude)[0]

    def search(
        self, question: str, k: int, exclude: np.ndarray | None = None
    ) -> tuple[list[tuple[int, float]], np.ndarray]:
        """Return top(question, k, exclude) and the score of every sentence (one pass over the postings)."""
        docs, weights = self._postings(question)
        sums = np.bincount(docs, weights=weights, minlength=self.documents)[: self.documents]
        if k <= 0 or not len(docs):
            return [], sums
        if exclude is not None and len(exclude):
            sums[exclude] = 0.0
        candidates = _candidates(sums, docs, k)
        scores = sums[candidates]
        if len(candidates) > k:
            best = np.argpartition(-scores, k - 1)[:k]
            # argpartition cuts ties at the k-th score arbitrarily: keep every tie so the lower ids can win below
            candidates = candidates[scores >= scores[best].min()]
            scores = sums[candidates]
        order = np.lexsort((candidates, -scores))[:k]
        return [(int(candidates[i]), float(scores[i])) for i in order if scores[i] > 0], sums

    def presence(self, question: str, sids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the idf of each of the question's indexed words and which of some sentences hold it.

        The second array is words x sentences (bool). Postings are sorted by sentence id, so a lookup is a binary
        search: this reads no more than top() does.
        """
        tokens = self.query_tokens(question)
        held = np.zeros((len(tokens), len(sids)), dtype=bool)
        df = np.zeros(len(tokens), dtype=np.float64)
        for row, token in enumerate(tokens):
            for segment in self.segments:
                ids, _ = segment.postings(token)
                if not len(ids):
                    continue
                df[row] += len(ids)
                at = np.minimum(np.searchsorted(ids, sids), len(ids) - 1)
                held[row] |= ids[at] == sids
        idf = np.log1p((self.documents - df + 0.5) / (df + 0.5))
        return idf, held


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
