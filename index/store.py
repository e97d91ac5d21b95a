"""The index on disk: a folder per build (manifest, FAISS vectors, SQLite sentence table, BM25) and an atomic swap."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from .corpus import Article
from .errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from .lexical import LexicalIndex
from .records import SentenceRecord

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: BM25 as segments (index/lexical.py)
CURRENT = "current"
BUILDS = "builds"
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
TABLE = "sentences.sqlite"
LEXICAL = "bm25"
# Ids of sentences of replaced articles: still in the vector and BM25 files (an add does not rewrite them), gone from
# the table, and never returned by a search; a full build drops them.
DELETED = "deleted.npy"
# Older builds kept after a swap, so a reader that resolved the previous one can finish loading it.
KEEP_OLD_BUILDS = 1
PREFETCH_CHUNK = 4 << 20

_SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, body_start INTEGER NOT NULL,
    source TEXT, url TEXT, published TEXT, language TEXT, path TEXT, fingerprint TEXT NOT NULL, ord INTEGER NOT NULL
);
CREATE TABLE sentences (
    sid INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, paragraph INTEGER NOT NULL, position INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    statement INTEGER NOT NULL, speaker TEXT, cue TEXT
);
CREATE INDEX sentences_doc ON sentences (doc_id, position);
CREATE INDEX sentences_speaker ON sentences (speaker);
CREATE TABLE speakers (
    doc_id TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (doc_id, key)
);
"""


@dataclass
class Manifest:
    """What an index holds and how it was made."""

    model: str
    dimension: int
    sentences: int
    documents: int
    corpus_fingerprint: str
    format_version: int = FORMAT_VERSION
    built_at: str = ""
    build_seconds: float = 0.0
    faiss_index: str = "Flat"
    build_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the manifest as a plain dict."""
        return asdict(self)


def corpus_fingerprint(articles: Iterable[Article]) -> str:
    """Return one hash for a set of articles, independent of their order."""
    return combined_fingerprint(a.fingerprint for a in articles)


def combined_fingerprint(fingerprints: Iterable[str]) -> str:
    """Return one hash for a set of article fingerprints, independent of their order."""
    import hashlib

    digest = hashlib.sha256()
    for fp in sorted(fingerprints):
        digest.update(fp.encode())
    return digest.hexdigest()


def new_build_folder(root: Path) -> Path:
    """Create and return an empty, uniquely named folder for a build under root/builds."""
    builds = Path(root) / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    name = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    folder = builds / (".tmp-" + name)
    folder.mkdir()
    return folder


def write_build(
    folder: Path,
    manifest: Manifest,
    articles: Sequence[Article],
    records: Sequence[SentenceRecord],
    speakers: Iterable[tuple[str, Any]],
    index: faiss.Index,
    lexical: LexicalIndex,
    *,
    base: Path | None = None,
    ords: Sequence[int] | None = None,
    deleted: np.ndarray | None = None,
) -> None:
    """Write every part of an index into folder; the manifest goes last, so its presence means complete.

    With a base build, the articles are added to a copy of its sentence table: those whose doc_id it holds replace
    theirs, keeping their place in corpus order (ords), and deleted lists the ids of every replaced sentence.
    """
    faiss.write_index(index, str(folder / VECTORS))
    lexical.save(folder / LEXICAL)
    if deleted is not None and len(deleted):
        np.save(folder / DELETED, np.asarray(deleted, dtype=np.int64))
    if base is not None:
        shutil.copyfile(base / TABLE, folder / TABLE)
    con = sqlite3.connect(folder / TABLE)
    try:
        if base is None:
            con.executescript(_SCHEMA)
        else:
            replaced = [(a.doc_id,) for a in articles]
            for table in ("documents", "sentences", "speakers"):
                con.executemany(f"DELETE FROM {table} WHERE doc_id=?", replaced)
        _insert(con, articles, records, speakers, ords=range(len(articles)) if ords is None else ords)
        con.commit()
    finally:
        con.close()
    _write_manifest(folder, manifest)


def _insert(
    con: sqlite3.Connection,
    articles: Sequence[Article],
    records: Sequence[SentenceRecord],
    speakers: Iterable[tuple[str, Any]],
    ords: Iterable[int],
) -> None:
    fields = ("doc_id", "title", "text", "body_start", "source", "url", "published", "language", "path", "fingerprint")
    con.executemany(
        "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(*(getattr(a, f) for f in fields), n) for a, n in zip(articles, ords, strict=True)],
    )
    con.executemany(
        "INSERT INTO sentences VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (r.sid, r.doc_id, r.paragraph, r.position, r.start, r.end, r.text, int(r.statement), r.speaker, r.cue)
            for r in records
        ],
    )
    con.executemany(
        "INSERT INTO speakers VALUES (?,?,?)",
        [(doc_id, sp.key, json.dumps(asdict(sp), ensure_ascii=False)) for doc_id, sp in speakers],
    )


def _write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write the manifest last: its presence means the build is complete."""
    manifest.build_id = folder.name.removeprefix(".tmp-")
    (folder / MANIFEST).write_text(json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) + "\n")


def publish(root: Path, folder: Path) -> Path:
    """Make a finished build the current one with an atomic symlink swap; return its final path."""
    root = Path(root)
    final = folder.with_name(folder.name.removeprefix(".tmp-"))
    os.rename(folder, final)
    link = root / CURRENT
    tmp_link = root / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(final, root), tmp_link)
    os.replace(tmp_link, link)  # rename(2) over the old link: readers see the old build or the new, never neither
    _remove_old_builds(root, keep={final.name})
    return final


def _remove_old_builds(root: Path, keep: set[str]) -> None:
    builds = sorted((p for p in (root / BUILDS).iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    finished = [p for p in builds if not p.name.startswith(".tmp-") and p.name not in keep]
    for old in finished[: max(len(finished) - KEEP_OLD_BUILDS, 0)]:
        shutil.rmtree(old, ignore_errors=True)
    for tmp in (p for p in builds if p.name.startswith(".tmp-")):
        if time.time() - tmp.stat().st_mtime > 24 * 3600:  # a build that crashed long ago
            shutil.rmtree(tmp, ignore_errors=True)


def current_build(root: Path) -> Path:
    """Return the folder of the current build, or raise IndexMissingError."""
    root = Path(root)
    link = root / CURRENT
    if not link.exists():
        raise IndexMissingError(f"No index at {root}: run 'python -m index build' (or 'make index') first.")
    return link.resolve()


def read_manifest(root: Path) -> Manifest:
    """Read and validate the current build's manifest."""
    return _read_manifest(current_build(root))


def _read_manifest(folder: Path) -> Manifest:
    try:
        data = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise IndexCorruptError(
            f"The index at {folder} is damaged (unreadable manifest): rebuild it with 'python -m index build'."
        ) from None
    version = data.get("format_version") if isinstance(data, dict) else None
    if version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"The index at {folder} has format version {version}, this program reads version {FORMAT_VERSION}: "
            "rebuild it with 'python -m index build'."
        )
    try:
        return Manifest(**data)
    except TypeError:
        raise IndexCorruptError(
            f"The index at {folder} is damaged (manifest fields): rebuild it with 'python -m index build'."
        ) from None


class IndexStore:
    """A loaded, read-only index build: vectors, BM25 and the sentence table."""

    def __init__(
        self,
        folder: Path,
        manifest: Manifest,
        vectors: faiss.Index,
        lexical: LexicalIndex,
        deleted: np.ndarray | None = None,
    ) -> None:
        self.folder = folder
        self.manifest = manifest
        self.vectors = vectors
        self.lexical = lexical
        self.deleted = np.zeros(0, dtype=np.int64) if deleted is None else np.sort(deleted.astype(np.int64))
        self._lock = threading.Lock()
        self._con = sqlite3.connect(f"file:{folder / TABLE}?mode=ro", uri=True, check_same_thread=False)
        self._con.row_factory = sqlite3.Row

    @classmethod
    def open(cls, root: Path) -> IndexStore:
        """Open the current build under root; refuse a missing or damaged one with one clear sentence."""
        for _ in range(3):
            folder = current_build(root)
            try:
                return cls._open_build(folder)
            except IndexCorruptError:
                if current_build(root) == folder:
                    raise
                # a newer build was swapped in (and this one cleaned up) while we were reading it: try the new one
        return cls._open_build(current_build(root))

    @classmethod
    def _open_build(cls, folder: Path) -> IndexStore:
        manifest = _read_manifest(folder)
        prefetch(folder)
        try:
            vectors = read_vectors(folder / VECTORS)
            lexical = LexicalIndex.load(folder / LEXICAL)
            deleted = np.load(folder / DELETED) if (folder / DELETED).exists() else None
            store = cls(folder, manifest, vectors, lexical, deleted)
            count = store._query("SELECT COUNT(*) AS n FROM sentences")[0]["n"]
        except Exception as exc:  # faiss, numpy, json and sqlite each raise their own kinds
            log.warning("cannot open index at %s", folder, exc_info=True)
            raise IndexCorruptError(
                f"The index at {folder} is damaged ({type(exc).__name__}): rebuild it with 'python -m index build'."
            ) from None
        held = count + len(store.deleted)
        if not (vectors.ntotal == held == lexical.documents and count == manifest.sentences) or (
            vectors.d != manifest.dimension
        ):
            store.close()
            raise IndexCorruptError(
                f"The index at {folder} is inconsistent ({vectors.ntotal} vectors, {lexical.documents} BM25 rows, "
                f"{count} sentences + {len(store.deleted)} deleted, manifest says {manifest.sentences}): "
                "rebuild it with 'python -m index build'."
            )
        return store

    def close(self) -> None:
        """Release the sentence table."""
        self._con.close()

    def live(self, sids: np.ndarray) -> np.ndarray:
        """Return a mask of the sentence ids that were not deleted."""
        if not len(self.deleted):
            return np.ones(len(sids), dtype=bool)
        at = np.searchsorted(self.deleted, sids).clip(max=len(self.deleted) - 1)
        return self.deleted[at] != sids

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def documents(self) -> list[dict[str, Any]]:
        """Return every article's metadata and text, in corpus order."""
        return [dict(row) for row in self._query("SELECT * FROM documents ORDER BY ord")]

    def fingerprints(self) -> dict[str, str]:
        """Return every article's content fingerprint by doc_id, in corpus order (no texts are read)."""
        rows = self._query("SELECT doc_id, fingerprint FROM documents ORDER BY ord")
        return {r["doc_id"]: r["fingerprint"] for r in rows}

    def document(self, doc_id: str) -> dict[str, Any]:
        """Return one article's metadata and text (KeyError when there is no such article)."""
        rows = self._query("SELECT * FROM documents WHERE doc_id=?", (doc_id,))
        if not rows:
            raise KeyError(doc_id)
        return dict(rows[0])

    def sentences(self, sids: Sequence[int]) -> list[SentenceRecord]:
        """Return the records for sentence ids, in the order given."""
        if not sids:
            return []
        rows: dict[int, SentenceRecord] = {}
        ids = [int(s) for s in sids]
        for chunk in range(0, len(ids), 900):
            part = ids[chunk : chunk + 900]
            sql = f"SELECT * FROM sentences WHERE sid IN ({','.join('?' * len(part))})"
            rows.update((r["sid"], _record(r)) for r in self._query(sql, part))
        return [rows[s] for s in ids if s in rows]

    def texts(self, sids: Sequence[int]) -> dict[int, str]:
        """Return the text of sentence ids, by id (ids that do not exist are left out)."""
        found: dict[int, str] = {}
        ids = [int(s) for s in sids]
        for chunk in range(0, len(ids), 900):
            part = ids[chunk : chunk + 900]
            sql = f"SELECT sid, text FROM sentences WHERE sid IN ({','.join('?' * len(part))})"
            found.update((r["sid"], r["text"]) for r in self._query(sql, part))
        return found

    def all_texts(self) -> list[str]:
        """Return the text of every sentence id the vectors hold, in id order ("" for deleted sentences)."""
        texts = [""] * self.vectors.ntotal
        for row in self._query("SELECT sid, text FROM sentences"):
            texts[row["sid"]] = row["text"]
        return texts

    def sids_of(self, doc_ids: Sequence[str]) -> list[int]:
        """Return the sentence ids of some articles."""
        if not doc_ids:
            return []
        sql = f"SELECT sid FROM sentences WHERE doc_id IN ({','.join('?' * len(doc_ids))}) ORDER BY sid"
        return [r["sid"] for r in self._query(sql, list(doc_ids))]

    def all_sentences(self) -> list[SentenceRecord]:
        """Return every sentence in id order."""
        return [_record(r) for r in self._query("SELECT * FROM sentences ORDER BY sid")]

    def context(
        self, record: SentenceRecord, before: int = 1, after: int = 1
    ) -> tuple[list[SentenceRecord], list[SentenceRecord]]:
        """Return the sentences just before and after one in its article."""
        rows = self._query(
            "SELECT * FROM sentences WHERE doc_id=? AND position BETWEEN ? AND ? ORDER BY position",
            (record.doc_id, record.position - before, record.position + after),
        )
        records = [_record(r) for r in rows]
        return [r for r in records if r.position < record.position], [
            r for r in records if r.position > record.position
        ]

    def count_statements(self) -> int:
        """Return how many sentences report a statement."""
        return int(self._query("SELECT COUNT(*) AS n FROM sentences WHERE statement=1")[0]["n"])

    def statements_by(self, speakers: Sequence[str]) -> list[SentenceRecord]:
        """Return every statement made by any of the given speakers, in corpus order."""
        if not speakers:
            return []
        sql = (
            "SELECT s.* FROM sentences s JOIN documents d USING (doc_id) "
            f"WHERE s.statement=1 AND s.speaker IN ({','.join('?' * len(speakers))}) ORDER BY d.ord, s.position"
        )
        return [_record(r) for r in self._query(sql, list(speakers))]

    def speaker_rows(self) -> list[tuple[str, dict[str, Any]]]:
        """Return (doc_id, speaker fields) for every speaker of every article."""
        return [(r["doc_id"], json.loads(r["data"])) for r in self._query("SELECT * FROM speakers")]

    def size_bytes(self) -> int:
        """Return the size of the build folder on disk."""
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())


def prefetch(folder: Path) -> None:
    """Ask the kernel to read a build's files into the page cache in the background (no-op where unsupported).

    Searches touch the memory-mapped vectors and BM25 postings at random: on a cold cache each first touch is a disk
    read, and at 1M sentences the first questions took 0.3-1.3 s instead of ~15 ms.
    """
    advise = getattr(os, "posix_fadvise", None)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if advise is None or sum(p.stat().st_size for p in files) > _physical_memory() // 2:
        return  # an index this large would push everything else out of memory: it warms up as it is used
    for path in files:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            size = os.fstat(fd).st_size
            for offset in range(0, size, PREFETCH_CHUNK):  # the kernel reads ahead at most a few MB per request
                advise(fd, offset, PREFETCH_CHUNK, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 0


def read_vectors(path: Path) -> faiss.Index:
    """Read a FAISS index memory-mapped and read-only (fast start, pages shared between processes).

    Never add to the returned index: FAISS aborts the process on a write to a mapped one; read a copy instead.
    """
    try:
        return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError:  # an index type this FAISS cannot map: read it into memory
        log.debug("cannot memory-map %s", path, exc_info=True)
        return faiss.read_index(str(path))


def _record(row: sqlite3.Row) -> SentenceRecord:
    return SentenceRecord(
        sid=row["sid"],
        doc_id=row["doc_id"],
        paragraph=row["paragraph"],
        position=row["position"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
        statement=bool(row["statement"]),
        speaker=row["speaker"],
        cue=row["cue"],
    )


def check_model(manifest: Manifest, model: str, folder: Path) -> None:
    """Refuse to search an index with a model other than the one that built it."""
    if manifest.model != model:
        raise IndexMismatchError(
            f"The index at {folder} was built with model '{manifest.model}' but the searcher uses '{model}': "
            "rebuild with 'python -m index build' or set the same model."
        )


def as_float32(vectors: np.ndarray) -> np.ndarray:
    """Return vectors as a C-contiguous float32 array, as FAISS requires."""
    return np.ascontiguousarray(vectors, dtype=np.float32)
