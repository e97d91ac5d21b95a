"""Change a built index a few articles at a time: add, replace (same doc_id) and remove, writing only what changed.

An add embeds only the new articles' sentences: they are appended to a copy of the vector index (never retrained),
to a copy of the sentence table, and get a BM25 segment of their own. The sentences of replaced or removed articles
stay in the vector and BM25 files, listed as deleted and never returned, until they pass a share of the index;
then that change rewrites the index without them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..embed.base import Encoder
from ..errors import CorpusError
from ..ingest.analyse import analyse
from ..ingest.corpus import Article, CorpusProblem, load_files
from ..stopwatch import Stopwatch, timed
from ..store.layout import VECTORS
from ..store.lexical import LexicalIndex
from ..store.lock import writer_lock
from ..store.manifest import channels, check_model, new_manifest
from ..store.reader import IndexStore
from ..store.vectors import describe, grow_vector_index
from ..store.writer import BuildParts, publish_build
from .channels import grow_channels, linked_channels, record_channels
from .full import BuildReport, rewrite
from .pipeline import admit

# An add appends a BM25 segment (old weights untouched) until appended sentences pass this share of the index or
# this many segments; then BM25 is rebuilt whole, which also refreshes every weight's collection statistics.
BM25_APPEND_SHARE = 0.10
BM25_MAX_SEGMENTS = 16
# Sentences of replaced or removed articles stay in the vector and BM25 files, hidden, until they pass this share
# of them; then that change rewrites the index without them.
DELETED_SHARE = 0.10


def add_files(
    paths: Sequence[Path], root: Path, encoder: Encoder, *, progress: bool = False, clock: Stopwatch | None = None
) -> BuildReport:
    """Add (or replace, by doc_id) the articles of some files; the files' problems are reported, not fatal."""
    articles, problems = load_files(paths)
    if not articles:
        raise CorpusError("No article could be read from " + ", ".join(str(p) for p in paths) + ".")
    return add_articles(articles, root, encoder, problems=problems, progress=progress, clock=clock)


def add_articles(
    articles: Sequence[Article],
    root: Path,
    encoder: Encoder,
    *,
    problems: Sequence[CorpusProblem] = (),
    progress: bool = False,
    clock: Stopwatch | None = None,
) -> BuildReport:
    """Add (or replace, by doc_id) articles in the current index, embedding only theirs (clock: seconds per stage)."""
    articles, problems = admit(articles, problems)
    if not articles:
        raise CorpusError("No article can be added: " + "; ".join(str(p) for p in problems))
    with writer_lock(root):
        base = IndexStore.open(root)
        try:
            check_model(base.manifest, encoder.name, base.folder)
            fingerprints = base.fingerprints()
            replaced = [a.doc_id for a in articles if a.doc_id in fingerprints]
            deleted = np.union1d(base.deleted, base.sids_of(replaced)).astype(np.int64)
            if len(deleted) > DELETED_SHARE * base.vectors.ntotal:
                return rewrite(base, root, articles, (), encoder, problems=problems, progress=progress)
            started = time.perf_counter()
            first_sid = base.vectors.ntotal
            records, speakers = analyse(articles, first_sid=first_sid, clock=clock)
            texts = [r.text for r in records]
            with timed(clock, "embed"):
                vectors = encoder.encode(texts, progress=progress)
            kind = base.manifest.index_type
            with timed(clock, "FAISS"):
                index = grow_vector_index(base.vectors, base.folder / VECTORS, vectors, range(first_sid), kind)
            with timed(clock, "channels"):
                extra = grow_channels(base, texts, range(first_sid), progress=progress)
            with timed(clock, "BM25"):
                lexical = _grown_lexical(base, texts, progress)
            fingerprints.update((a.doc_id, a.fingerprint) for a in articles)  # a replaced article keeps its place
            place = {doc_id: n for n, doc_id in enumerate(fingerprints)}
            sentences = first_sid + len(records) - len(deleted)
            manifest = new_manifest(
                encoder.name, list(fingerprints.values()), sentences, index.d, describe(index), kind
            )
            record_channels(manifest, channels(base.manifest))
            manifest.build_seconds = round(time.perf_counter() - started, 3)
            ords = [place[a.doc_id] for a in articles]
            parts = BuildParts(
                articles, records, speakers, index, lexical, base=base.folder, ords=ords, deleted=deleted
            )
            parts.channels = dict(extra)
            folder = publish_build(root, manifest, parts, clock=clock)
        finally:
            base.close()
    added = [a.doc_id for a in articles if a.doc_id not in replaced]
    return BuildReport(manifest, folder, list(problems), added=added, replaced=replaced, embedded=len(records))


def _grown_lexical(base: IndexStore, texts: list[str], progress: bool) -> LexicalIndex:
    """The base's BM25 with a segment for the new texts, or rebuilt whole once appended segments grow too large."""
    lexical = base.lexical
    total = base.vectors.ntotal + len(texts)
    if lexical.appended + len(texts) <= BM25_APPEND_SHARE * total and len(lexical.segments) < BM25_MAX_SEGMENTS:
        return lexical.extended(texts)
    return LexicalIndex.build(base.all_texts() + texts, progress=progress)


def remove_articles(doc_ids: Sequence[str], root: Path) -> BuildReport:
    """Remove articles by doc_id; ids the index does not hold are reported as problems, not fatal."""
    with writer_lock(root):
        base = IndexStore.open(root)
        try:
            fingerprints = base.fingerprints()
            present = list(dict.fromkeys(d for d in doc_ids if d in fingerprints))
            problems = [
                CorpusProblem(d, "no article with this id in the index") for d in doc_ids if d not in fingerprints
            ]
            if not present:
                raise CorpusError("Nothing to remove: " + "; ".join(str(p) for p in problems) + ".")
            if len(present) == len(fingerprints):
                raise CorpusError("Removing these articles would leave the index empty; build a new corpus instead.")
            gone = base.sids_of(present)
            deleted = np.union1d(base.deleted, gone).astype(np.int64)
            if len(deleted) > DELETED_SHARE * base.vectors.ntotal:
                return rewrite(base, root, [], present, None, problems=problems)
            started = time.perf_counter()
            kept = [fp for doc_id, fp in fingerprints.items() if doc_id not in set(present)]
            m = base.manifest
            manifest = new_manifest(m.model, kept, m.sentences - len(gone), m.dimension, m.faiss_index, m.index_type)
            record_channels(manifest, channels(m))
            manifest.build_seconds = round(time.perf_counter() - started, 3)
            parts = BuildParts(
                [], [], [], base.folder / VECTORS, base.lexical, base=base.folder, removed=present, deleted=deleted
            )
            parts.channels = linked_channels(base)
            folder = publish_build(root, manifest, parts)
        finally:
            base.close()
    return BuildReport(manifest, folder, problems, removed=present)
