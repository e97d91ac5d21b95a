"""The IndexProvider: swapping in new builds safely, keeping the old one when a new one is broken."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import uuid
from pathlib import Path

import pytest

from bot.reload import IndexProvider
from index.ask.answer import answer
from index.build.full import build_index
from index.build.incremental import add_files
from index.config import DEFAULT_CORPUS_DIR
from index.embed.base import SerializedEncoder
from index.errors import IndexMissingError
from index.store.layout import BUILDS, CURRENT
from testkit.encoders import FakeEncoder

pytestmark = pytest.mark.timeout(60)

ARTICLE = """---
title: "Otters open a floating library"
source: "River Gazette"
---
Otters open a floating library

The otters of the northern river opened a floating library stocked with waterproof books.
"""
OTTER_SENTENCE = "The otters of the northern river opened a floating library stocked with waterproof books."


def add_otters(root: Path, encoder: FakeEncoder, folder: Path) -> None:
    path = folder / f"otters-{uuid.uuid4().hex[:6]}.md"
    path.write_text(ARTICLE)
    add_files([path], root, encoder)


def point_current_at_broken_build(root: Path) -> None:
    broken = root / BUILDS / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    tmp_link = root / ".current-test"
    os.symlink(os.path.relpath(broken, root), tmp_link)
    os.replace(tmp_link, root / CURRENT)


def test_missing_index_raises_the_index_error(tmp_path: Path, fake_encoder: FakeEncoder) -> None:
    with pytest.raises(IndexMissingError, match="No index at"):
        IndexProvider.open(tmp_path / "nothing", encoder=fake_encoder)


def test_new_build_is_swapped_in_and_the_model_reused(
    writable_fake_index: Path, fake_encoder: FakeEncoder, tmp_path: Path
) -> None:
    loads: list[str] = []
    provider = IndexProvider(writable_fake_index, encoder=fake_encoder, loader=lambda name: loads.append(name))
    provider.reload(force=True)
    assert not provider.changed() and not provider.reload()
    old = provider.build_id
    assert OTTER_SENTENCE not in [r.text for r in provider.answer(OTTER_SENTENCE).results]
    add_otters(writable_fake_index, fake_encoder, tmp_path)
    assert provider.changed()
    assert provider.reload() and provider.build_id != old and provider.reloads == 1
    assert OTTER_SENTENCE in [r.text for r in provider.answer(OTTER_SENTENCE).results]
    assert loads == []  # same model: the loaded encoder is reused, never loaded again
    provider.close()


def test_a_build_with_another_model_loads_that_model(writable_fake_index: Path, fake_encoder: FakeEncoder) -> None:
    provider = IndexProvider(writable_fake_index, encoder=fake_encoder, loader=lambda name: FakeEncoder(name=name))
    provider.reload(force=True)
    build_index(DEFAULT_CORPUS_DIR, writable_fake_index, FakeEncoder(name="other-fake"))
    assert provider.reload()
    assert provider.manifest().model == "other-fake"
    with provider.searcher() as searcher:
        assert searcher.encoder.name == "other-fake" and isinstance(searcher.encoder, SerializedEncoder)
    provider.close()


def test_a_broken_build_keeps_the_old_one_serving(
    writable_fake_index: Path, fake_encoder: FakeEncoder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    provider = IndexProvider.open(writable_fake_index, encoder=fake_encoder)
    old = provider.build_id
    point_current_at_broken_build(writable_fake_index)
    with caplog.at_level(logging.WARNING, logger="bot.reload"):
        assert provider.changed() and not provider.reload()
    assert provider.build_id == old and provider.answer("What did Polyansky say?").answered
    assert len([r for r in caplog.records if "reload failed" in r.getMessage()]) == 1
    assert not provider.changed()  # the broken build is not retried every few seconds
    build_index(DEFAULT_CORPUS_DIR, writable_fake_index, fake_encoder)  # the operator rebuilds
    assert provider.changed() and provider.reload() and provider.build_id != old
    provider.close()


def test_a_question_in_flight_keeps_its_searcher_until_it_finishes(
    writable_fake_index: Path, fake_encoder: FakeEncoder, tmp_path: Path
) -> None:
    provider = IndexProvider.open(writable_fake_index, encoder=fake_encoder)
    with provider.searcher() as old:
        add_otters(writable_fake_index, fake_encoder, tmp_path)
        assert provider.reload()
        assert provider.build_id != old.build_id
        assert answer(old, "What did Polyansky say?").answered  # still open mid-question
    with pytest.raises(sqlite3.ProgrammingError):
        old.sentences([0])  # closed once the last question gave it back
    provider.close()


def test_questions_during_many_swaps_never_fail(
    writable_fake_index: Path, fake_encoder: FakeEncoder, tmp_path: Path
) -> None:
    provider = IndexProvider.open(writable_fake_index, encoder=fake_encoder)
    errors: list[BaseException] = []
    answered = 0
    stop = threading.Event()

    def ask_forever() -> None:
        nonlocal answered
        while not stop.is_set():
            try:
                assert provider.answer("What did Polyansky say?").answered
                answered += 1
            except BaseException as exc:
                errors.append(exc)

    askers = [threading.Thread(target=ask_forever) for _ in range(4)]
    for thread in askers:
        thread.start()
    try:
        for _ in range(4):  # old builds are deleted from disk by later swaps while still being read
            add_otters(writable_fake_index, fake_encoder, tmp_path)
            assert provider.reload()
    finally:
        stop.set()
        for thread in askers:
            thread.join()
        provider.close()
    assert errors == [] and answered > 0 and provider.reloads == 4
