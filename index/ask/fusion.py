"""Fuse the evidence for a topic question into one score per candidate sentence.

score = cosine + LEXICAL_WEIGHT * BM25 / best BM25 + CONTEXT_WEIGHT * coverage / best coverage, where coverage is the
summed idf of the question's words found in the sentence or the one before it in its article: a sentence is found
by what it means in its article ("This imagery has been in use since ..." after the sentence that names the
mermaid). Weights chosen by 4-fold cross-validation over the articles of ReQA dev (scripts/reqa.py, README); the
folds all chose the same weights. Scores, not ranks: reciprocal rank fusion throws away how far ahead a
channel's first hit is.
"""

from __future__ import annotations

import re

import numpy as np

LEXICAL_WEIGHT = 0.3
CONTEXT_WEIGHT = 0.7

# Question words, auxiliaries and pronouns: in almost every question, so they only add noise to the lexical channel
# (a pronoun in a question points at someone the question names anyway: "Where did Rutte give his speech?").
_QUESTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "what which who whom whose when where why how is are was were am do does did done has have had can could "
        "would should will shall may might must be been being he she it they his her its their him them we us our you "
        "your i me my",
    )
)


def lexical_query(question: str) -> str:
    """Return the question without its question words, auxiliaries and pronouns (the lexical channel's query)."""
    words = re.findall(r"[\w'’-]+", question)
    kept = [w for w in words if w.lower() not in _QUESTION_WORDS]
    return " ".join(kept) if kept else question


def context_coverage(idf: np.ndarray, held: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """Return, per candidate, the idf summed over the question's words found in it or in the sentence before it.

    held is words x (candidates + their previous sentences); previous[i] is the column of candidate i's previous
    sentence in the same article, or -1.
    """
    count = len(previous)
    found = held[:, :count].copy()
    has = previous >= 0
    found[:, has] |= held[:, previous[has]]
    return idf @ found if len(idf) else np.zeros(count)


def fuse(cosines: np.ndarray, lexical: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """Return the fused score of each candidate from its cosine, BM25 score and context coverage."""
    return cosines + LEXICAL_WEIGHT * _relative(lexical) + CONTEXT_WEIGHT * _relative(coverage)


def _relative(values: np.ndarray) -> np.ndarray:
    best = float(values.max(initial=0.0))
    return values / best if best > 0 else np.zeros_like(values)
