"""The Ray Data engine builds the same index as the local engine (against a local Ray; issue 14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.build import pipeline
from index.build.full import build_index
from index.ingest.corpus import load_corpus
from testkit.compare import compare_builds

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Our invented articles: the attribution test articles and the held-out ones, in one folder."""
    folder = tmp_path_factory.mktemp("corpus")
    for source in ("articles", "heldout"):
        for path in sorted((DATA / source).glob("*.md")):
            shutil.copy(path, folder / f"{source}-{path.name}")
    return folder


def test_ray_engine_builds_the_same_index(
    corpus: Path, tmp_path: Path, real_encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 2_000)  # several chunks, so that both actors get work
    local = build_index(corpus, tmp_path / "local", real_encoder)
    ray = build_index(corpus, tmp_path / "ray", real_encoder, engine=pipeline.RAY)
    assert ray.stages["workers"] >= 1 and "ray start" in ray.stages
    assert len(pipeline.chunks(load_corpus(corpus)[0])) > 2
    result = compare_builds(tmp_path / "local", tmp_path / "ray", real_encoder)
    assert local.manifest.sentences == ray.manifest.sentences > 50
    assert result.counts[0] == result.counts[1] and result.counts[0]["statements"] > 10
    assert not result.different_rows and not result.different_speakers
    assert result.min_cosine > 0.995  # int8 noise: batches differ between the engines
    assert result.questions >= 5 and not result.different_answers
