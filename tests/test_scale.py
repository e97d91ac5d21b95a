"""Index scaling: exact below a threshold, IVF above, recall against exact, mmap round trip, add without retraining."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from index.ask.searcher import Searcher
from index.build.full import build_index
from index.build.incremental import add_files
from index.config import DEFAULT_CORPUS_DIR
from index.store import vectors
from index.store.layout import VECTORS
from index.store.reader import IndexStore
from index.store.vectors import describe, extend_vector_index, make_vector_index, read_vectors
from testkit.encoders import FakeEncoder


def _clustered(n: int, dimension: int = 64, clusters: int = 40, seed: int = 0) -> np.ndarray:
    """Unit vectors around random centres, like sentence embeddings of a few topics."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dimension)).astype(np.float32)
    rows = centres[rng.integers(0, clusters, n)] + 0.6 * rng.standard_normal((n, dimension)).astype(np.float32)
    return np.ascontiguousarray(rows / np.linalg.norm(rows, axis=1, keepdims=True), dtype=np.float32)


def _centroids(index: faiss.Index) -> np.ndarray:
    ivf = faiss.extract_index_ivf(index)
    return ivf.quantizer.reconstruct_n(0, ivf.nlist)


def test_automatic_choice_switches_at_the_threshold() -> None:
    vectors = _clustered(2_000)
    assert isinstance(make_vector_index(vectors[:1_999], threshold=2_000), faiss.IndexFlat)
    approximate = make_vector_index(vectors, threshold=2_000)
    ivf = faiss.extract_index_ivf(approximate)
    assert ivf.ntotal == 2_000 and ivf.nprobe > 1
    assert describe(approximate).startswith("IVF") and describe(approximate).endswith("SQfp16")


def test_recall_at_10_against_exact_search() -> None:
    vectors = _clustered(12_000)  # enough for 256 lists, so that a query probes only some of them
    queries = _clustered(200, seed=1)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    approximate = make_vector_index(vectors, threshold=2_000)
    _, truth = exact.search(queries, 10)
    ivf = faiss.extract_index_ivf(approximate)
    assert ivf.nprobe < ivf.nlist
    _, found = approximate.search(queries, 10)
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])
    assert recall >= 0.95


def test_search_parameters_and_reconstruct_survive_a_memory_mapped_read(tmp_path: Path) -> None:
    vectors = _clustered(2_500)
    index = make_vector_index(vectors, threshold=2_000)
    faiss.write_index(index, str(tmp_path / VECTORS))
    loaded = read_vectors(tmp_path / VECTORS)
    assert faiss.extract_index_ivf(loaded).nprobe == faiss.extract_index_ivf(index).nprobe
    for sid in (0, 1_234, 2_499):
        assert np.allclose(loaded.reconstruct(sid), vectors[sid], atol=2e-3)


def test_extend_appends_without_retraining() -> None:
    vectors = _clustered(2_600)
    index = make_vector_index(vectors[:2_500], threshold=2_000)
    centroids = _centroids(index)
    extend_vector_index(index, range(2_500), vectors[2_500:])
    assert index.ntotal == 2_600 and np.array_equal(_centroids(index), centroids)
    assert np.allclose(index.reconstruct(2_550), vectors[2_550], atol=2e-3)
    # replacing drops ids: the survivors are renumbered in order, still with the same training
    kept = [i for i in range(2_600) if i % 10]
    extend_vector_index(index, kept, vectors[:5])
    assert index.ntotal == len(kept) + 5 and np.array_equal(_centroids(index), centroids)
    assert np.allclose(index.reconstruct(1), vectors[kept[1]], atol=2e-3)
    assert np.allclose(index.reconstruct(len(kept) + 4), vectors[4], atol=2e-3)


def test_approximate_index_round_trips_through_store_search_and_add(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors, "APPROX_THRESHOLD", 20)  # the real corpus's ~50 sentences count as "large"
    encoder = FakeEncoder()
    root = tmp_path / "index"
    report = build_index(DEFAULT_CORPUS_DIR, root, encoder)
    assert report.manifest.faiss_index.startswith("IVF")
    store = IndexStore.open(root)
    searcher = Searcher(store, encoder)
    try:
        assert faiss.extract_index_ivf(store.vectors).ntotal == store.manifest.sentences
        records = store.all_sentences()
        target = records[7]
        hits = searcher.hybrid(target.text)
        assert hits and hits[0].sid == target.sid
        assert np.allclose(searcher.vectors([target.sid])[0], encoder.encode_query(target.text), atol=2e-3)
        centroids = _centroids(store.vectors)
    finally:
        searcher.close()
    article = tmp_path / "harbour.md"
    article.write_text("---\ntitle: Harbour reopens\n---\nHarbour reopens\nThe harbour reopened after repairs.\n")
    calls: list[int] = []
    monkeypatch.setattr(vectors, "make_vector_index", lambda *a, **k: calls.append(1))  # must not be needed
    report = add_files([article], root, encoder)
    assert not calls and report.manifest.faiss_index.startswith("IVF")
    store = IndexStore.open(root)
    searcher = Searcher(store, encoder)
    try:
        assert (
            report.embedded
            and store.vectors.ntotal == len(records) + report.embedded
            and np.array_equal(_centroids(store.vectors), centroids)
        )
        top = store.sentences([searcher.dense(encoder.encode_query("The harbour reopened after repairs."), 1)[0][0]])
        assert top[0].doc_id == "harbour"
    finally:
        searcher.close()


def test_a_searcher_keeps_blas_to_one_thread(fake_index: Path, fake_encoder: FakeEncoder) -> None:
    from threadpoolctl import threadpool_info, threadpool_limits

    with threadpool_limits(2, user_api="blas"):
        searcher = Searcher.open(fake_index, encoder=fake_encoder)
        try:
            blas = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
            assert blas and set(blas) == {1}
        finally:
            searcher.close()
