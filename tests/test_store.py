"""Index on disk: round trip, atomic swap, add, and refusal of missing, corrupt or mismatched indexes."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from index.ask.searcher import Searcher
from index.build.full import build_index
from index.build.incremental import add_files
from index.config import DEFAULT_CORPUS_DIR
from index.errors import CorpusError, IndexCorruptError, IndexMismatchError, IndexMissingError
from index.store.layout import CURRENT, MANIFEST, VECTORS, current_build
from index.store.manifest import FORMAT_VERSION
from index.store.reader import IndexStore
from testkit.encoders import FakeEncoder


def test_round_trip(fake_index: Path, fake_encoder: FakeEncoder) -> None:
    store = IndexStore.open(fake_index)
    try:
        m = store.manifest
        assert (m.documents, m.model, m.dimension, m.format_version) == (2, fake_encoder.name, 64, FORMAT_VERSION)
        records = store.all_sentences()
        assert len(records) == m.sentences == store.vectors.ntotal
        for record in records:
            assert store.article(record.doc_id).text[record.start : record.end] == record.text
        titles = {d.title for d in store.documents()}
        assert "Moscow warns of direct clash with NATO" in titles
        before, after = store.context(records[1])
        assert before[0].sid == records[0].sid and after[0].sid == records[2].sid
    finally:
        store.close()


def test_missing_index_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="python -m index build"):
        IndexStore.open(tmp_path / "nothing")


def test_corrupt_manifest_refused(writable_fake_index: Path) -> None:
    (current_build(writable_fake_index) / MANIFEST).write_text("{not json")
    with pytest.raises(IndexCorruptError, match="rebuild"):
        IndexStore.open(writable_fake_index)


def test_damaged_vectors_refused(writable_fake_index: Path) -> None:
    (current_build(writable_fake_index) / VECTORS).write_bytes(b"garbage")
    with pytest.raises(IndexCorruptError, match="damaged"):
        IndexStore.open(writable_fake_index)


def test_other_format_version_refused(writable_fake_index: Path) -> None:
    path = current_build(writable_fake_index) / MANIFEST
    data = json.loads(path.read_text())
    data["format_version"] = FORMAT_VERSION + 1
    path.write_text(json.dumps(data))
    with pytest.raises(IndexMismatchError, match="format version"):
        IndexStore.open(writable_fake_index)


def test_other_model_refused(fake_index: Path) -> None:
    with pytest.raises(IndexMismatchError, match="built with model 'fake-hash-encoder'"):
        Searcher.open(fake_index, encoder=FakeEncoder(name="another-model"))


def test_failed_build_leaves_current_untouched(writable_fake_index: Path) -> None:
    before = current_build(writable_fake_index)

    class Broken(FakeEncoder):
        def encode(self, texts, *, progress=False):  # type: ignore[no-untyped-def]
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        build_index(DEFAULT_CORPUS_DIR, writable_fake_index, Broken())
    assert current_build(writable_fake_index) == before
    assert not [p for p in (writable_fake_index / "builds").iterdir() if p.name.startswith(".tmp-")]


def test_swap_is_atomic_for_readers(writable_fake_index: Path, fake_encoder: FakeEncoder) -> None:
    errors: list[BaseException] = []
    opened: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                store = IndexStore.open(writable_fake_index)
                opened.append(store.manifest.build_id)
                store.close()
            except BaseException as exc:  # any failure is what this test looks for
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for _ in range(4):
            build_index(DEFAULT_CORPUS_DIR, writable_fake_index, fake_encoder)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert len(set(opened)) >= 2  # readers saw more than one build come and go
    assert (writable_fake_index / CURRENT).is_symlink()
    assert len([p for p in (writable_fake_index / "builds").iterdir()]) <= 2  # old builds are cleaned up


def test_add_embeds_only_new_articles(writable_fake_index: Path, tmp_path: Path) -> None:
    encoder = FakeEncoder()
    article = tmp_path / "harbour.md"
    article.write_text(
        "---\ntitle: Harbour reopens\nsource: Coast Gazette\n---\nHarbour reopens\n"
        "The harbour reopened on Tuesday after repairs. “We are relieved,” the harbour master said.\n"
    )
    before = IndexStore.open(writable_fake_index)
    old_count, old_build = before.manifest.sentences, before.manifest.build_id
    old_texts = [r.text for r in before.all_sentences()]
    before.close()
    report = add_files([article], writable_fake_index, encoder)
    assert report.added == ["harbour"] and report.embedded == 2
    after = IndexStore.open(writable_fake_index)
    try:
        assert after.manifest.build_id != old_build
        assert after.manifest.sentences == old_count + 2 and after.manifest.documents == 3
        assert [r.text for r in after.all_sentences()][:old_count] == old_texts
        assert after.document("harbour").source == "Coast Gazette"
        searcher = Searcher(after, encoder)
        top = searcher.sentences([searcher.dense(encoder.encode_query("harbour reopened repairs"), 1)[0][0]])
        assert top[0].doc_id == "harbour"
    finally:
        after.close()
    # adding the same id again replaces the article instead of duplicating it
    article.write_text("---\ntitle: Harbour reopens\n---\nHarbour reopens\nThe harbour reopened.\n")
    report = add_files([article], writable_fake_index, encoder)
    assert report.replaced == ["harbour"] and report.added == []
    store = IndexStore.open(writable_fake_index)
    assert store.manifest.sentences == old_count + 1 and len(store.all_sentences()) == old_count + 1
    assert store.manifest.documents == 3 and [d.doc_id for d in store.documents()].count("harbour") == 1
    store.close()


def test_replacing_an_article_hides_its_old_sentences_until_a_rewrite_drops_them(
    writable_fake_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.ask.answer import answer
    from index.build import incremental as build

    encoder = FakeEncoder()
    article = tmp_path / "harbour.md"
    article.write_text("---\ntitle: Harbour\n---\nHarbour\nThe harbour master said the quay was flooded.\n")
    add_files([article], writable_fake_index, encoder)
    article.write_text("---\ntitle: Harbour\n---\nHarbour\nThe harbour master said the ferries were running.\n")
    report = add_files([article], writable_fake_index, encoder)
    assert report.replaced == ["harbour"]
    store = IndexStore.open(writable_fake_index)
    try:
        searcher = Searcher(store, encoder)
        old = int(store.deleted[-1])
        assert len(store.deleted) == 1 and store.vectors.ntotal == store.manifest.sentences + 1
        assert store.sentences([old]) == []  # gone from the table, still in the vector and BM25 files
        everything = store.vectors.ntotal
        assert old not in [sid for sid, _ in searcher.dense(encoder.encode_query("quay was flooded"), everything)]
        assert old not in [sid for sid, _ in searcher.lexical("quay flooded", everything)]
        assert searcher.lexical("quay flooded", 5) == []  # only the deleted sentence held those words
        texts = [r.text for r in answer(searcher, "What did the harbour master say?", limit=50).results]
        assert "The harbour master said the ferries were running." in texts
        assert "The harbour master said the quay was flooded." not in texts
        ords = [d.doc_id for d in store.documents()]
        assert ords[-1] == "harbour"  # kept its place in corpus order
    finally:
        store.close()
    monkeypatch.setattr(build, "DELETED_SHARE", 0.0)
    article.write_text("---\ntitle: Harbour\n---\nHarbour\nThe harbour master said the storm had passed.\n")
    add_files([article], writable_fake_index, encoder)
    store = IndexStore.open(writable_fake_index)
    try:
        assert len(store.deleted) == 0 and store.vectors.ntotal == store.manifest.sentences == store.lexical.documents
        assert not (store.folder / "deleted.npy").exists()
        found = store.sentences([store.lexical.top("storm passed harbour", 1)[0][0]])[0]
        assert found.text == "The harbour master said the storm had passed."
    finally:
        store.close()


def test_add_nothing_readable_is_an_error(writable_fake_index: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    with pytest.raises(CorpusError, match="No article could be read"):
        add_files([bad], writable_fake_index, FakeEncoder())


def test_build_refuses_empty_corpus(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    with pytest.raises(CorpusError, match="No articles found"):
        build_index(tmp_path / "corpus", tmp_path / "index", FakeEncoder())


def test_add_appends_a_bm25_segment_until_their_share_calls_for_a_rebuild(
    writable_fake_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.build import incremental as build

    encoder = FakeEncoder()
    first, second = tmp_path / "harbour.md", tmp_path / "bridge.md"
    first.write_text("---\ntitle: Harbour\n---\nHarbour\nThe harbour reopened after the storm.\n")
    second.write_text("---\ntitle: Bridge\n---\nBridge\nThe old bridge closed for repairs.\n")
    base = current_build(writable_fake_index)
    add_files([first], writable_fake_index, encoder)
    store = IndexStore.open(writable_fake_index)
    try:
        assert [s.documents for s in store.lexical.segments] == [store.manifest.sentences - 1, 1]
        weights = "bm25/seg000/weights.npy"
        assert (store.folder / weights).stat().st_ino == (base / weights).stat().st_ino  # linked, not rewritten
        sid = store.lexical.top("harbour reopened", 1)[0][0]
        assert store.sentences([sid])[0].doc_id == "harbour"
        # the manifest says what a full build of the corpus plus the article would: `build --if-stale` agrees
        from index.ingest.corpus import load_corpus, load_file
        from index.store.manifest import corpus_fingerprint

        articles = load_corpus(DEFAULT_CORPUS_DIR)[0] + load_file(first)[0]
        assert store.manifest.corpus_fingerprint == corpus_fingerprint(articles)
        assert store.manifest.documents == len(articles)
    finally:
        store.close()
    monkeypatch.setattr(build, "BM25_APPEND_SHARE", 0.0)
    add_files([second], writable_fake_index, encoder)
    store = IndexStore.open(writable_fake_index)
    try:
        assert len(store.lexical.segments) == 1 and store.lexical.documents == store.manifest.sentences
        found = [store.sentences([store.lexical.top(q, 1)[0][0]])[0].doc_id for q in ("harbour", "bridge repairs")]
        assert found == ["harbour", "bridge"]
    finally:
        store.close()


def test_damaged_bm25_is_refused_with_one_sentence(writable_fake_index: Path) -> None:
    (current_build(writable_fake_index) / "bm25" / "segments.json").write_text("{")
    with pytest.raises(IndexCorruptError, match="rebuild it"):
        IndexStore.open(writable_fake_index)


def test_opening_asks_the_kernel_to_read_every_file_of_the_build(
    fake_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    asked: dict[str, int] = {}
    names: dict[int, str] = {}
    real_open = os.open

    def tracking_open(path, flags, *args):  # type: ignore[no-untyped-def]
        fd = real_open(path, flags, *args)
        names[fd] = str(path)
        return fd

    def advise(fd: int, offset: int, length: int, what: int) -> None:
        assert what == os.POSIX_FADV_WILLNEED
        asked[names[fd]] = max(asked.get(names[fd], 0), offset + length)

    monkeypatch.setattr(os, "open", tracking_open)
    monkeypatch.setattr(os, "posix_fadvise", advise)
    store = IndexStore.open(fake_index)
    try:
        files = [p for p in store.folder.rglob("*") if p.is_file() and p.stat().st_size]
        assert files and all(asked.get(str(p), 0) >= p.stat().st_size for p in files)
    finally:
        store.close()
