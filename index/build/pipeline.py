"""The stages of a full build, shared by the local and the Ray engine: admit, analyse + embed, index, publish.

Locally, analysis and embedding are pipelined: each worker process takes a chunk of articles, analyses it
(segmentation, attribution) and embeds its sentences, so both cores work from the first chunk to the last and no
stage waits for another. Small builds (and encoders without workers) run the same steps in this process.
Indexing (FAISS, BM25, SQLite) and the atomic publish are the same code for every engine.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from ..embed.base import Encoder
from ..ingest.corpus import Article, CorpusProblem
from ..ingest.segment import ArticleTooLarge, check_size
from ..stopwatch import Stopwatch, timed
from ..store.lexical import LexicalIndex
from ..store.manifest import Manifest, new_manifest, set_channels
from ..store.vectors import as_float32, describe, make_vector_index
from ..store.writer import BuildParts, publish_build
from .work import Analysed, analyse_and_embed, analyse_chunk

log = logging.getLogger(__name__)

# Article text per worker task: ~350 sentences, enough for length-sorted batches, small enough to start embedding
# at once and to share the work evenly at the end.
CHUNK_CHARS = 48_000
LOCAL = "local"
RAY = "ray"
ENGINES = (LOCAL, RAY)
# Characters per sentence of news, to guess from text size whether worker processes pay for their start-up.
CHARS_PER_SENTENCE = 130


def admit(articles: Sequence[Article], problems: Sequence[CorpusProblem]) -> tuple[list[Article], list[CorpusProblem]]:
    """Keep the articles a build can take; an oversized one becomes a reported problem instead."""
    kept: list[Article] = []
    refused = list(problems)
    for article in articles:
        try:
            check_size(article.text)
        except ArticleTooLarge as exc:
            refused.append(CorpusProblem(article.path or article.doc_id, f"{exc}; skipped"))
            continue
        kept.append(article)
    return kept, refused


def chunks(articles: Sequence[Article], size: int | None = None) -> list[list[Article]]:
    """Cut articles, in order, into runs of about size (default CHUNK_CHARS) characters of text."""
    size = size or CHUNK_CHARS
    out: list[list[Article]] = []
    current: list[Article] = []
    chars = 0
    for article in articles:
        current.append(article)
        chars += len(article.text)
        if chars >= size:
            out.append(current)
            current, chars = [], 0
    if current:
        out.append(current)
    return out


def analyse_and_embed_all(
    articles: Sequence[Article],
    encoder: Encoder,
    *,
    first_sid: int = 0,
    progress: bool = False,
    clock: Stopwatch | None = None,
    engine: str = LOCAL,
) -> Analysed:
    """Analyse and embed articles: on Ray, in the encoder's worker processes, or in this process for small work."""
    if engine == RAY:
        from ..embed.factory import backend_choice
        from ..ingest.analyse import sample_sentences
        from .ray_engine import analyse_and_embed_ray

        results = analyse_and_embed_ray(
            chunks(articles), encoder.name, backend=backend_choice(), calibration=sample_sentences(articles),
            progress=progress, clock=clock,
        )  # fmt: skip
        return assemble(results, first_sid, clock)
    estimate = sum(len(a.text) for a in articles) // CHARS_PER_SENTENCE
    workers = getattr(encoder, "workers", None)
    pool = workers(estimate) if workers is not None else None
    if pool is not None:
        try:
            return _pipelined(pool, articles, first_sid, progress, clock)
        except Exception as exc:  # a worker died or could not start: this process can still do the work
            log.warning("build workers failed (%s: %s); working in this process", type(exc).__name__, exc)
            close = getattr(encoder, "close", None)
            if close is not None:
                close()
    out = analyse_chunk(articles, clock)
    with timed(clock, "embed"):
        out.vectors = encoder.encode([r.text for r in out.records], progress=progress)
    if first_sid:
        out.records = [replace(r, sid=r.sid + first_sid) for r in out.records]
    return out


def _pipelined(
    pool: Any, articles: Sequence[Article], first_sid: int, progress: bool, clock: Stopwatch | None
) -> Analysed:
    started = time.perf_counter()
    out = assemble(_progress(pool.imap(analyse_and_embed, chunks(articles)), progress, len(articles)), first_sid, clock)
    if clock is not None:
        clock.add("analyse+embed wall", time.perf_counter() - started)
        clock.add("workers", float(pool.processes))
    return out


def assemble(results: Iterable[Analysed], first_sid: int = 0, clock: Stopwatch | None = None) -> Analysed:
    """Join the results of consecutive chunks: sentence ids run on from first_sid, vectors are stacked in order."""
    out = Analysed()
    parts: list[np.ndarray] = []
    for result in results:
        offset = first_sid + len(out.records)
        out.records.extend(replace(r, sid=r.sid + offset) for r in result.records)
        out.speakers.extend(result.speakers)
        if result.vectors is not None and len(result.vectors):
            parts.append(result.vectors)
        if clock is not None:
            clock.merge(result.seconds)
    out.vectors = np.vstack(parts) if parts else None
    return out


def _progress(results: Iterator[Analysed], show: bool, articles: int) -> Iterator[Analysed]:
    if not show:
        yield from results
        return
    from tqdm import tqdm

    with tqdm(total=articles, unit="article", desc="Analysing and embedding") as bar:
        for result in results:
            yield result
            bar.update(len({r.doc_id for r in result.records}))


def index_and_publish(
    root: Path,
    model: str,
    articles: Sequence[Article],
    analysed: Analysed,
    *,
    index_kind: str,
    progress: bool = False,
    clock: Stopwatch | None = None,
    started: float | None = None,
    channels: Mapping[str, tuple[str, faiss.Index]] | None = None,
) -> tuple[Manifest, Path]:
    """Make the FAISS, BM25 and SQLite parts of a build from analysed articles and publish it (lock held).

    channels maps a second vector channel's name to its model and its vector index, made by the caller.
    """
    texts = [r.text for r in analysed.records]
    vectors = analysed.vectors if analysed.vectors is not None else np.zeros((0, 0), dtype=np.float32)
    with timed(clock, "FAISS"):
        index = make_vector_index(as_float32(vectors), index_kind)
    with timed(clock, "BM25"):
        lexical = LexicalIndex.build(texts, progress=progress)
    manifest = new_manifest(
        model, [a.fingerprint for a in articles], len(analysed.records), index.d, describe(index), index_kind
    )
    set_channels(manifest, {name: model for name, (model, _) in (channels or {}).items()})
    if started is not None:
        manifest.build_seconds = round(time.perf_counter() - started, 3)
    parts = BuildParts(articles, analysed.records, analysed.speakers, index, lexical)
    parts.channels = {name: vectors for name, (_, vectors) in (channels or {}).items()}
    return manifest, publish_build(root, manifest, parts, clock=clock)
