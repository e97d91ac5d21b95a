"""FAISS in one place: which index type a build gets, how it is tuned, extended, described, read and written."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

log = logging.getLogger(__name__)

AUTO = "auto"
FLAT = "Flat"
# From this many sentences an approximate index replaces exact search (see make_vector_index): below it a flat
# scan answers in a few ms; above it the flat index costs 1.5 KB a sentence and grows slower (BENCHMARKS.md).
APPROX_THRESHOLD = 50_000
# Inverted lists probed per query: a sixteenth of them, at least 128 (recall@10 of questions >= 0.97, BENCHMARKS.md).
NPROBE_FRACTION = 1 / 16
MIN_NPROBE = 128
# HNSW candidates kept while searching (only when an HNSW factory string is asked for).
HNSW_EF_SEARCH = 128


def as_float32(vectors: np.ndarray) -> np.ndarray:
    """Return vectors as a C-contiguous float32 array, as FAISS requires."""
    return np.ascontiguousarray(vectors, dtype=np.float32)


def approximate_kind(count: int) -> str:
    """Return the FAISS factory string used above the threshold: IVF with fp16 codes (~0.8 KB a sentence)."""
    lists = 2 ** round(np.log2(max(2 * np.sqrt(max(count, 1)), 64)))
    while lists > 1 and count < 39 * lists:  # k-means wants about 39 training points a list
        lists //= 2
    return f"IVF{lists},SQfp16"


def resolve_kind(kind: str, count: int, threshold: int | None = None) -> str:
    """Return the factory string for a requested kind: "auto" picks exact or IVF by size; anything else is kept."""
    if kind != AUTO:
        return kind
    limit = APPROX_THRESHOLD if threshold is None else threshold
    return FLAT if count < limit else approximate_kind(count)


def make_vector_index(vectors: np.ndarray, kind: str = AUTO, threshold: int | None = None) -> faiss.Index:
    """Return a FAISS inner-product index holding the vectors: "auto" is exact below threshold, IVF from it on."""
    count, dimension = vectors.shape
    index = faiss.index_factory(dimension, resolve_kind(kind, count, threshold), faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained:
        index.train(_training_sample(vectors, index))
    tune_vector_index(index)
    index.add(as_float32(vectors))
    return index


def tune_vector_index(index: faiss.Index) -> None:
    """Set search parameters that are saved with the index (nprobe, efSearch) and keep ids reconstructable."""
    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None:
        if ivf.direct_map.type == faiss.DirectMap.NoMap:  # type: ignore[attr-defined]
            ivf.make_direct_map()  # the searcher reconstructs vectors by sentence id
        if ivf.nprobe <= 1:
            ivf.nprobe = min(ivf.nlist, max(MIN_NPROBE, round(ivf.nlist * NPROBE_FRACTION)))
    hnsw = getattr(faiss.downcast_index(index), "hnsw", None)
    if hnsw is not None:
        hnsw.efSearch = max(hnsw.efSearch, HNSW_EF_SEARCH)


def _training_sample(vectors: np.ndarray, index: faiss.Index) -> np.ndarray:
    ivf = faiss.try_extract_index_ivf(index)
    limit = 40 * ivf.nlist if ivf is not None else 100_000
    if len(vectors) <= limit:
        return as_float32(vectors)
    rows = np.sort(np.random.default_rng(0).choice(len(vectors), limit, replace=False))
    return as_float32(vectors[rows])


def is_exact(index: faiss.Index) -> bool:
    """Tell whether an index is a flat (exact) one, which a build remakes rather than extends."""
    return isinstance(index, faiss.IndexFlat)


def extend_vector_index(index: faiss.Index, kept: Sequence[int], new: np.ndarray) -> faiss.Index:
    """Keep the vectors with ids kept (renumbered in order) and append new ones to a trained index, never retraining.

    The index must be a private, writable copy (not the memory-mapped one a store serves from).
    """
    if list(kept) != list(range(index.ntotal)):  # articles were replaced: re-add the survivors to the trained index
        survivors = reconstruct(index, kept)
        index.reset()
        index.add(survivors)
    if len(new):
        index.add(as_float32(new))
    return index


def grow_vector_index(
    base: faiss.Index, base_file: Path, new: np.ndarray, kept: Sequence[int], kind: str = AUTO
) -> faiss.Index:
    """Return the base index with only the kept vectors and the new ones appended.

    An exact index is remade with the kind the build asked for (so that "auto" turns approximate at the threshold);
    an approximate one is trained once, so it is copied from disk (the open one is memory-mapped and read-only) and
    extended.
    """
    if is_exact(base):
        return make_vector_index(as_float32(np.vstack([reconstruct(base, kept), new])), kind)
    return extend_vector_index(faiss.read_index(str(base_file)), kept, new)


def describe(index: faiss.Index) -> str:
    """Return the factory-like name of an index, as the manifest records it."""
    if isinstance(index, faiss.IndexFlat):
        return FLAT
    if isinstance(index, faiss.IndexHNSW):
        return f"HNSW{index.hnsw.nb_neighbors(1)}"  # type: ignore[attr-defined]
    found = faiss.try_extract_index_ivf(index)
    ivf = faiss.downcast_index(found) if found is not None else None
    if isinstance(ivf, faiss.IndexIVFScalarQuantizer):
        codes = {faiss.ScalarQuantizer.QT_fp16: "SQfp16", faiss.ScalarQuantizer.QT_8bit: "SQ8"}
        return f"IVF{ivf.nlist},{codes.get(ivf.sq.qtype, 'SQ')}"
    if isinstance(ivf, faiss.IndexIVFFlat):
        return f"IVF{ivf.nlist},Flat"
    return type(index).__name__


def reconstruct(index: faiss.Index, sids: Sequence[int]) -> np.ndarray:
    """Return the stored vectors of some ids, in the order given."""
    if not len(sids):
        return np.zeros((0, index.d), dtype=np.float32)
    all_vectors = index.reconstruct_n(0, index.ntotal)
    return as_float32(all_vectors[np.asarray(sids, dtype=np.int64)])


def read_vectors(path: Path) -> faiss.Index:
    """Read a FAISS index memory-mapped and read-only (fast start, pages shared between processes).

    Never add to the returned index: FAISS aborts the process on a write to a mapped one; read a copy instead.
    """
    try:
        return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError:  # an index type this FAISS cannot map: read it into memory
        log.debug("cannot memory-map %s", path, exc_info=True)
        return faiss.read_index(str(path))


def write_vectors(index: faiss.Index, path: Path) -> None:
    """Write a FAISS index to a file."""
    faiss.write_index(index, str(path))
