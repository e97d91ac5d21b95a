"""Writing the index: one writer at a time, durable swaps, the index type asked for, duplicate ids, removal."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from index.ask.searcher import Searcher
from index.build import incremental
from index.build.full import build_index
from index.build.incremental import add_files, remove_articles
from index.config import DEFAULT_CORPUS_DIR
from index.errors import CorpusError, IndexLockedError
from index.store import layout, vectors
from index.store.lock import writer_lock
from index.store.reader import IndexStore
from testkit.encoders import FakeEncoder


class SlowEncoder(FakeEncoder):
    """The fake encoder, taking its time: two writers started together overlap for sure."""

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Encode after a pause."""
        time.sleep(0.5)
        return super().encode(texts, progress=progress)


def article(folder: Path, doc_id: str, sentence: str) -> Path:
    """Write a one-sentence article file and return its path."""
    path = folder / f"{doc_id}.md"
    path.write_text(f"---\ntitle: {doc_id.title()} news\n---\n{doc_id.title()} news\n{sentence}\n")
    return path


def doc_ids(root: Path) -> list[str]:
    """Return the ids of the articles in the current build."""
    store = IndexStore.open(root)
    try:
        return [d.doc_id for d in store.documents()]
    finally:
        store.close()


def test_two_adds_at_once_keep_both_articles(writable_fake_index: Path, tmp_path: Path) -> None:
    first = article(tmp_path, "otters", "The otters returned to the river on Monday.")
    second = article(tmp_path, "beavers", "The beavers built a dam near the mill.")
    errors: list[BaseException] = []

    def add(path: Path) -> None:
        try:
            add_files([path], writable_fake_index, SlowEncoder())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(p,)) for p in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert {"otters", "beavers"} <= set(doc_ids(writable_fake_index))


def test_a_writer_that_cannot_get_the_lock_says_so(
    writable_fake_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBOT_LOCK_TIMEOUT", "0.2")
    path = article(tmp_path, "otters", "The otters returned to the river on Monday.")
    with writer_lock(writable_fake_index), pytest.raises(IndexLockedError, match="Another build, add or remove"):
        add_files([path], writable_fake_index, FakeEncoder())
    assert "otters" not in doc_ids(writable_fake_index)
    add_files([path], writable_fake_index, FakeEncoder())  # the lock is free again
    assert "otters" in doc_ids(writable_fake_index)


def test_publishing_reaches_the_disk_before_and_after_the_swap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        events.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    root = tmp_path / "index"
    report = build_index(DEFAULT_CORPUS_DIR, root, FakeEncoder())
    swap = events.index(("replace", str(root / layout.CURRENT)))
    before = {path for kind, path in events[:swap] if kind == "fsync"}
    after = {path for kind, path in events[swap:] if kind == "fsync"}
    final = report.folder.resolve()
    for name in (layout.MANIFEST, layout.VECTORS, layout.TABLE):
        assert any(p.endswith(name) for p in before), name  # the files, under their temporary folder
    assert str(final.parent) in before  # the rename of the build folder into place
    assert str(root.resolve()) in after  # the swapped link itself


def test_index_type_flat_stays_flat_past_the_threshold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors, "APPROX_THRESHOLD", 20)  # the seed corpus's ~50 sentences count as "large"
    flat = build_index(DEFAULT_CORPUS_DIR, tmp_path / "flat", FakeEncoder(), index_kind="Flat")
    auto = build_index(DEFAULT_CORPUS_DIR, tmp_path / "auto", FakeEncoder())
    assert flat.manifest.faiss_index == "Flat" and auto.manifest.faiss_index.startswith("IVF")
    added = add_files([article(tmp_path, "otters", "Otters swam.")], tmp_path / "flat", FakeEncoder())
    assert added.manifest.faiss_index == "Flat"  # an add keeps what the operator asked for


def test_an_add_with_one_id_twice_keeps_the_first_and_says_so(writable_fake_index: Path, tmp_path: Path) -> None:
    path = article(tmp_path, "otters", "The otters returned to the river on Monday.")
    twice = tmp_path / "twice.jsonl"
    twice.write_text(
        '{"id": "mill", "title": "Mill", "text": "Mill\\nThe mill reopened."}\n'
        '{"id": "mill", "title": "Mill", "text": "Mill\\nThe mill burned down."}\n'
    )
    report = add_files([path, path, twice], writable_fake_index, FakeEncoder())
    assert sorted(report.added) == ["mill", "otters"]
    assert sum("duplicate article id" in str(p) for p in report.problems) == 2
    store = IndexStore.open(writable_fake_index)
    try:
        texts = [r.text for r in store.all_sentences()]
        assert "The mill reopened." in texts and "The mill burned down." not in texts
    finally:
        store.close()


def test_remove_hides_an_article_everywhere(writable_fake_index: Path, tmp_path: Path) -> None:
    encoder = FakeEncoder()
    add_files([article(tmp_path, "otters", "The otters returned to the river.")], writable_fake_index, encoder)
    before = IndexStore.open(writable_fake_index)
    counts = (before.manifest.documents, before.manifest.sentences)
    before.close()
    report = remove_articles(["otters", "no-such-article"], writable_fake_index)
    assert report.removed == ["otters"] and [p.path for p in report.problems] == ["no-such-article"]
    store = IndexStore.open(writable_fake_index)
    try:
        searcher = Searcher(store, encoder)
        assert (store.manifest.documents, store.manifest.sentences) == (counts[0] - 1, counts[1] - 1)
        assert "otters" not in [d.doc_id for d in store.documents()]
        assert searcher.lexical("otters river", 10) == []
        dense = [sid for sid, _ in searcher.dense(encoder.encode_query("The otters returned."), store.vectors.ntotal)]
        assert all(store.sentences([sid]) for sid in dense)  # no hit points at a removed sentence
    finally:
        store.close()


def test_remove_past_the_share_rewrites_without_dead_rows(
    writable_fake_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(incremental, "DELETED_SHARE", 0.0)
    add_files([article(tmp_path, "otters", "The otters returned.")], writable_fake_index, FakeEncoder())
    remove_articles(["otters"], writable_fake_index)
    store = IndexStore.open(writable_fake_index)
    try:
        assert len(store.deleted) == 0 and store.vectors.ntotal == store.manifest.sentences == store.lexical.documents
        assert "otters" not in [d.doc_id for d in store.documents()]
    finally:
        store.close()


def test_remove_refuses_nothing_and_everything(writable_fake_index: Path) -> None:
    with pytest.raises(CorpusError, match="Nothing to remove"):
        remove_articles(["no-such-article"], writable_fake_index)
    with pytest.raises(CorpusError, match="leave the index empty"):
        remove_articles(doc_ids(writable_fake_index), writable_fake_index)


def test_remove_command(writable_fake_index: Path, tmp_path: Path) -> None:
    from index.cli import cli

    add_files([article(tmp_path, "otters", "The otters returned.")], writable_fake_index, FakeEncoder())
    result = CliRunner().invoke(cli, ["remove", "otters", "--index-dir", str(writable_fake_index)])
    assert result.exit_code == 0, result.output
    assert "Removed 1 article" in result.output and "otters" not in doc_ids(writable_fake_index)
    again = CliRunner().invoke(cli, ["remove", "otters", "--index-dir", str(writable_fake_index)])
    assert again.exit_code == 1 and "Nothing to remove" in again.output and "Traceback" not in again.output
