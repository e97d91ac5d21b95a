"""The per-chunk step of a build that workers run: analyse a few articles, then embed their sentences.

It runs in local worker processes (index/embed/pool.py) and in Ray actors (index/build/ray_engine.py) alike, and
imports only ingest and numpy, so that a worker starts fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..embed.base import Encoder
from ..ingest.analyse import analyse_article
from ..ingest.attribution import Speaker
from ..ingest.corpus import Article
from ..ingest.records import SentenceRecord
from ..stopwatch import Stopwatch


@dataclass
class Analysed:
    """Articles turned into rows: sentence records (ids from 0 in article order), speakers, and vectors or None."""

    records: list[SentenceRecord] = field(default_factory=list)
    speakers: list[tuple[str, Speaker]] = field(default_factory=list)
    vectors: np.ndarray | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # worker seconds per step: segment, attribute, embed


def analyse_chunk(articles: Sequence[Article], clock: Stopwatch | None = None) -> Analysed:
    """Analyse articles in order (sentence ids from 0) without embedding them."""
    out = Analysed()
    for article in articles:
        records, speakers = analyse_article(article, len(out.records), clock)
        out.records.extend(records)
        out.speakers.extend((article.doc_id, sp) for sp in speakers)
    return out


def analyse_and_embed(encoder: Encoder, articles: Sequence[Article]) -> Analysed:
    """Analyse articles, then embed their sentences with the worker's encoder; reports the seconds of each step."""
    clock = Stopwatch()
    out = analyse_chunk(articles, clock)
    with clock("embed"):
        out.vectors = encoder.encode([r.text for r in out.records])
    out.seconds = clock.seconds
    return out
