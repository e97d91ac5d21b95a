"""Shared fixtures: indexes of the real corpus built with the fake encoder and with the real packaged model."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.build.full import build_index
from index.config import DEFAULT_CORPUS_DIR, DEFAULT_MODEL
from index.ingest.analyse import sample_sentences
from index.ingest.corpus import load_corpus
from testkit.encoders import FakeEncoder
from testkit.fake_telegram import FakeTelegram

os.environ.setdefault("NEWSBOT_LOG_FILE", os.devnull)
REPO = Path(__file__).resolve().parent.parent
# Fixtures that load the packaged sentence model: tests using them get the "model" marker.
REAL_MODEL_FIXTURES = frozenset({"real_encoder", "real_index", "real_searcher", "real_provider"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that loads the real model (`pytest -m "not model"` runs the rest in seconds)."""
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session")
def fake_encoder() -> FakeEncoder:
    """A deterministic stand-in for the sentence model."""
    return FakeEncoder()


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory: pytest.TempPathFactory, fake_encoder: FakeEncoder) -> Path:
    """The real corpus indexed with the fake encoder (read-only: copy it before changing it)."""
    root = tmp_path_factory.mktemp("fake-index")
    build_index(DEFAULT_CORPUS_DIR, root, fake_encoder)
    return root


@pytest.fixture
def writable_fake_index(tmp_path: Path, fake_index: Path) -> Path:
    """A private copy of fake_index that a test may rebuild or add to."""
    target = tmp_path / "index"
    shutil.copytree(fake_index, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def seed_sentences() -> list[str]:
    """The sentences of the seed articles (the calibration material of the int8 encoder)."""
    return sample_sentences(load_corpus(DEFAULT_CORPUS_DIR)[0])


@pytest.fixture(scope="session")
def real_encoder(seed_sentences: list[str]):
    """The packaged all-MiniLM-L6-v2 model, loaded once (int8, calibrated on the seed articles as a build does)."""
    from index.embed.factory import load_encoder

    return load_encoder(DEFAULT_MODEL, calibration=lambda: seed_sentences)


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory, real_encoder) -> Path:
    """The real corpus indexed with the real model (read-only)."""
    root = tmp_path_factory.mktemp("real-index")
    build_index(DEFAULT_CORPUS_DIR, root, real_encoder)
    return root


@pytest.fixture(scope="session")
def real_searcher(real_index: Path, real_encoder):
    """A searcher over the real corpus with the real model."""
    from index.ask.searcher import Searcher

    searcher = Searcher.open(real_index, encoder=real_encoder)
    yield searcher
    searcher.close()


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A running fake Telegram Bot API server on 127.0.0.1, stopped after the test."""
    with FakeTelegram() as fake:
        yield fake
