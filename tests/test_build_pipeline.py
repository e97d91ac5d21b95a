"""The pipelined build (workers analyse and embed chunks of articles) builds what the one-process build does."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.build import pipeline
from index.build.full import build_index
from index.store.reader import IndexStore
from testkit.encoders import FakeEncoder, PooledFakeEncoder

DATA = Path(__file__).resolve().parent / "data"


def _rows(root: Path) -> tuple[list[tuple[object, ...]], np.ndarray, list[str]]:
    store = IndexStore.open(root)
    try:
        rows = [(r.sid, r.doc_id, r.position, r.start, r.end, r.statement, r.speaker) for r in store.all_sentences()]
        vectors = store.vectors.reconstruct_n(0, store.vectors.ntotal)
        speakers = sorted(repr(s) for s in store.speakers())
    finally:
        store.close()
    return rows, vectors, speakers


def test_workers_build_the_same_index_as_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for source in ("articles", "heldout"):
        for path in sorted((DATA / source).glob("*.md")):
            shutil.copy(path, corpus / f"{source}-{path.name}")
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1_500)  # many chunks: results must come back in order
    one = build_index(corpus, tmp_path / "one", FakeEncoder())
    pooled = PooledFakeEncoder()
    try:
        many = build_index(corpus, tmp_path / "many", pooled)
    finally:
        pooled.close()
    assert many.stages["workers"] == 2 and many.stages["analyse+embed wall"] > 0
    assert "workers" not in one.stages
    rows_one, vectors_one, speakers_one = _rows(tmp_path / "one")
    rows_many, vectors_many, speakers_many = _rows(tmp_path / "many")
    assert len(rows_one) > 50 and rows_many == rows_one and speakers_many == speakers_one
    assert np.array_equal(vectors_many, vectors_one)
