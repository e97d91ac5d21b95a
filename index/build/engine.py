"""Turn articles into an index: sentences, attribution, embeddings, FAISS, BM25, then swap it in."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from .attribution import Speaker, attribute
from .corpus import Article, CorpusProblem, load_corpus, load_file
from .embed import Encoder
from .errors import CorpusError
from .lexical import LexicalIndex
from .records import SentenceRecord
from .segment import split_sentences
from .store import (
    VECTORS,
    IndexStore,
    Manifest,
    as_float32,
    combined_fingerprint,
    new_build_folder,
    publish,
    write_build,
)

log = logging.getLogger(__name__)

# From this many sentences on an approximate index replaces exact search (see make_vector_index): below it a flat
# scan answers in a few ms; above it the flat index costs 1.5 KB a sentence and grows slower (BENCHMARKS.md).
APPROX_THRESHOLD = 50_000
# Inverted lists probed per query: a sixteenth of them, at least 128 (recall@10 of questions >= 0.97, BENCHMARKS.md).
NPROBE_FRACTION = 1 / 16
MIN_NPROBE = 128
# HNSW candidates kept while searching (only when an HNSW factory string is asked for).
HNSW_EF_SEARCH = 128
# An add appends a BM25 segment (old weights untouched) until appended sentences pass this share of the index or
# this many segments; then BM25 is rebuilt whole, which also refreshes every weight's collection statistics.
BM25_APPEND_SHARE = 0.10
BM25_MAX_SEGMENTS = 16
# Sentences of replaced articles stay in the vector and BM25 files, hidden, until they pass this share of them;
# then that add rewrites the index without them.
DELETED_SHARE = 0.10


@dataclass
class BuildReport:
    """What a build or an add did."""

    manifest: Manifest
    folder: Path
    problems: list[CorpusProblem] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    embedded: int = 0


def analyse(articles: Sequence[Article], first_sid: int = 0) -> tuple[list[SentenceRecord], list[tuple[str, Speaker]]]:
    """Split articles into sentences and attribute each; sentence ids start at first_sid."""
    records: list[SentenceRecord] = []
    speakers: list[tuple[str, Speaker]] = []
    for article in articles:
        spans = split_sentences(article.text, article.body_start)
        attributions, found = attribute(article.text, spans, title=article.title)
        for position, (span, attr) in enumerate(zip(spans, attributions, strict=False)):
            records.append(
                SentenceRecord(
                    sid=first_sid + len(records),
                    doc_id=article.doc_id,
                    paragraph=span.paragraph,
                    position=position,
                    start=span.start,
                    end=span.end,
                    text=article.text[span.start : span.end],
                    statement=attr.statement,
                    speaker=attr.speaker if attr.statement else None,
                    cue=attr.cue,
                )
            )
        speakers.extend((article.doc_id, sp) for sp in found)
    return records, speakers


def approximate_kind(count: int) -> str:
    """Return the FAISS factory string used above the threshold: IVF with fp16 codes (~0.8 KB a sentence)."""
    lists = 2 ** round(np.log2(max(2 * np.sqrt(max(count, 1)), 64)))
    while lists > 1 and count < 39 * lists:  # k-means wants about 39 training points a list
        lists //= 2
    return f"IVF{lists},SQfp16"


def make_vector_index(vectors: np.ndarray, kind: str = "auto", threshold: int | None = None) -> faiss.Index:
    """Return a FAISS inner-product index holding the vectors: exact below threshold sentences, IVF from it on."""
    count, dimension = vectors.shape
    if kind == "auto":
        limit = APPROX_THRESHOLD if threshold is None else threshold
        kind = "Flat" if count < limit else approximate_kind(count)
    index = faiss.index_factory(dimension, kind, faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained:
        index.train(_training_sample(vectors, index))
    tune_vector_index(index)
    index.add(vectors)
    return index


def tune_vector_index(index: faiss.Index) -> None:
    """Set search parameters that are saved with the index (nprobe, efSearch) and keep ids reconstructable."""
    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None:
        if ivf.direct_map.type == faiss.DirectMap.NoMap:
            ivf.make_direct_map()  # search.py reconstructs vectors by sentence id
        if ivf.nprobe <= 1:
            ivf.nprobe = min(ivf.nlist, max(MIN_NPROBE, round(ivf.nlist * NPROBE_FRACTION)))
    hnsw = getattr(faiss.downcast_index(index), "hnsw", None)
    if hnsw is not None:
        hnsw.efSearch = max(hnsw.efSearch, HNSW_EF_SEARCH)


def _training_sample(vectors: np.ndarray, index: faiss.Index) -> np.ndarray:
    ivf = faiss.try_extract_index_ivf(index)
    limit = 40 * ivf.nlist if ivf is not None else 100_000
    if len(vectors) <= limit:
        return vectors
    rows = np.sort(np.random.default_rng(0).choice(len(vectors), limit, replace=False))
    return as_float32(vectors[rows])


def extend_vector_index(index: faiss.Index, kept: Sequence[int], new: np.ndarray) -> faiss.Index:
    """Keep the vectors with ids kept (renumbered in order) and append new ones to a trained index, never retraining.

    The index must be a private, writable copy (not the memory-mapped one a store serves from).
    """
    if list(kept) != list(range(index.ntotal)):  # articles were replaced: re-add the survivors to the trained index
        survivors = _reconstruct(index, kept)
        index.reset()
        index.add(survivors)
    if len(new):
        index.add(as_float32(new))
    return index


def build_index(
    corpus: Path, root: Path, encoder: Encoder, *, progress: bool = False, index_kind: str = "auto"
) -> BuildReport:
    """Rebuild the whole index from a corpus folder and make it current."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise CorpusError(f"Corpus folder {corpus} does not exist.")
    articles, problems = load_corpus(corpus)
    if not articles:
        detail = f" ({len(problems)} files could not be read)" if problems else ""
        raise CorpusError(f"No articles found in {corpus}{detail}: add .md, .txt or .jsonl files.")
    return _write(articles, None, root, encoder, problems, progress=progress, index_kind=index_kind)


def add_articles(files: Sequence[Path], root: Path, encoder: Encoder, *, progress: bool = False) -> BuildReport:
    """Add (or replace, by doc_id) articles in the current index, embedding only the new ones."""
    new: list[Article] = []
    problems: list[CorpusProblem] = []
    for path in files:
        found, bad = load_file(Path(path))
        new.extend(found)
        problems.extend(bad)
    if not new:
        raise CorpusError("No article could be read from " + ", ".join(str(f) for f in files) + ".")
    store = IndexStore.open(root)
    try:
        replaced = [a.doc_id for a in new if a.doc_id in store.fingerprints()]
        deleted = np.union1d(store.deleted, store.sids_of(replaced)).astype(np.int64)
        if len(deleted) > DELETED_SHARE * store.vectors.ntotal:
            # too many replaced sentences still take room and search time: rewrite the index without them
            return _write(new, store, root, encoder, problems, progress=progress, index_kind=store.manifest.faiss_index)
        return _append(new, store, root, encoder, problems, deleted, progress=progress)
    finally:
        store.close()


def _append(
    new: list[Article],
    base: IndexStore,
    root: Path,
    encoder: Encoder,
    problems: list[CorpusProblem],
    deleted: np.ndarray,
    *,
    progress: bool,
) -> BuildReport:
    """Add articles: only their sentences are analysed, embedded, weighed and written; replaced ones are deleted."""
    started = time.perf_counter()
    first_sid = base.vectors.ntotal
    records, speakers = analyse(new, first_sid=first_sid)
    texts = [r.text for r in records]
    vectors = encoder.encode(texts, progress=progress)
    if isinstance(base.vectors, faiss.IndexFlat):  # small: rebuilt, so that it turns approximate at the threshold
        old = _reconstruct(base.vectors, range(first_sid))
        index = make_vector_index(as_float32(np.vstack([old, vectors])))
    else:
        index = extend_vector_index(faiss.read_index(str(base.folder / VECTORS)), range(first_sid), vectors)
    lexical = base.lexical
    total = first_sid + len(records)
    if lexical.appended + len(records) <= BM25_APPEND_SHARE * total and len(lexical.segments) < BM25_MAX_SEGMENTS:
        lexical = lexical.extended(texts)
    else:
        lexical = LexicalIndex.build(base.all_texts() + texts, progress=progress)
    fingerprints = base.fingerprints()
    replaced = [a.doc_id for a in new if a.doc_id in fingerprints]
    fingerprints.update((a.doc_id, a.fingerprint) for a in new)  # a replaced article keeps its place
    place = {doc_id: n for n, doc_id in enumerate(fingerprints)}
    manifest = new_manifest(encoder.name, list(fingerprints.values()), total - len(deleted), index)
    folder = new_build_folder(root)
    try:
        manifest.build_seconds = round(time.perf_counter() - started, 3)
        ords = [place[a.doc_id] for a in new]
        parts = (new, records, speakers, index, lexical)
        write_build(folder, manifest, *parts, base=base.folder, ords=ords, deleted=deleted)
        final = publish(root, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    added = [a.doc_id for a in new if a.doc_id not in replaced]
    return BuildReport(
        manifest=manifest, folder=final, problems=problems, added=added, replaced=replaced, embedded=len(records)
    )


def _write(
    new: list[Article],
    base: IndexStore | None,
    root: Path,
    encoder: Encoder,
    problems: list[CorpusProblem],
    *,
    progress: bool,
    index_kind: str,
) -> BuildReport:
    started = time.perf_counter()
    new_ids = {a.doc_id for a in new}
    kept_articles: list[Article] = []
    kept_records: list[SentenceRecord] = []
    kept_speakers: list[tuple[str, Speaker]] = []
    kept_sids: list[int] = []
    if base is not None:
        kept_articles = [_article(d) for d in base.documents() if d["doc_id"] not in new_ids]
        old = [r for r in base.all_sentences() if r.doc_id not in new_ids]
        kept_sids = [r.sid for r in old]
        kept_records = [_renumber(r, i) for i, r in enumerate(old)]
        kept_speakers = [(d, Speaker(**s)) for d, s in base.speaker_rows() if d not in new_ids]
    records, speakers = analyse(new, first_sid=len(kept_records))
    vectors = encoder.encode([r.text for r in records], progress=progress)
    all_records = kept_records + records
    articles = kept_articles + new
    if base is not None and not isinstance(base.vectors, faiss.IndexFlat):
        # An approximate index is trained once: adding copies it (from disk: the open one is read-only) and appends.
        index = extend_vector_index(faiss.read_index(str(base.folder / VECTORS)), kept_sids, vectors)
    else:
        kept_vectors = _reconstruct(base.vectors, kept_sids) if base is not None else vectors[:0]
        kind = "auto" if index_kind in ("auto", "Flat") else index_kind
        index = make_vector_index(as_float32(np.vstack([kept_vectors, vectors])), kind)
    lexical = LexicalIndex.build([r.text for r in all_records], progress=progress)
    manifest = new_manifest(encoder.name, [a.fingerprint for a in articles], len(all_records), index)
    folder = new_build_folder(root)
    try:
        manifest.build_seconds = round(time.perf_counter() - started, 3)
        write_build(folder, manifest, articles, all_records, kept_speakers + speakers, index, lexical)
        final = publish(root, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    old_ids = {a.doc_id for a in kept_articles} if base is not None else set()
    replaced = sorted(new_ids & {d["doc_id"] for d in base.documents()}) if base is not None else []
    return BuildReport(
        manifest=manifest,
        folder=final,
        problems=problems,
        added=[a.doc_id for a in new if a.doc_id not in old_ids and a.doc_id not in replaced],
        replaced=replaced,
        embedded=len(records),
    )


def new_manifest(model: str, fingerprints: Sequence[str], sentences: int, index: faiss.Index) -> Manifest:
    """Return the manifest of a build holding articles (by fingerprint), sentences and a vector index, stamped now."""
    return Manifest(
        model=model,
        dimension=index.d,
        sentences=sentences,
        documents=len(fingerprints),
        corpus_fingerprint=combined_fingerprint(fingerprints),
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        faiss_index=_describe(index),
    )


def _describe(index: faiss.Index) -> str:
    if isinstance(index, faiss.IndexFlat):
        return "Flat"
    if isinstance(index, faiss.IndexHNSW):
        return f"HNSW{index.hnsw.nb_neighbors(1)}"
    ivf = faiss.try_extract_index_ivf(index)
    ivf = faiss.downcast_index(ivf) if ivf is not None else None
    if isinstance(ivf, faiss.IndexIVFScalarQuantizer):
        codes = {faiss.ScalarQuantizer.QT_fp16: "SQfp16", faiss.ScalarQuantizer.QT_8bit: "SQ8"}
        return f"IVF{ivf.nlist},{codes.get(ivf.sq.qtype, 'SQ')}"
    if isinstance(ivf, faiss.IndexIVFFlat):
        return f"IVF{ivf.nlist},Flat"
    return type(index).__name__


def _reconstruct(index: faiss.Index, sids: Sequence[int]) -> np.ndarray:
    if not sids:
        return np.zeros((0, index.d), dtype=np.float32)
    all_vectors = index.reconstruct_n(0, index.ntotal)
    return as_float32(all_vectors[np.asarray(sids, dtype=np.int64)])


def _renumber(record: SentenceRecord, sid: int) -> SentenceRecord:
    from dataclasses import replace

    return replace(record, sid=sid)


def _article(row: dict[str, Any]) -> Article:
    fields = {
        k: row[k] for k in ("doc_id", "title", "text", "body_start", "source", "url", "published", "language", "path")
    }
    return Article(**fields)
