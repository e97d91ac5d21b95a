"""The SQLite table of a build: articles, sentences (with offsets and speaker) and speakers, and typed rows."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..ingest.attribution import Speaker
from ..ingest.corpus import Article
from ..ingest.records import SentenceRecord

_SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, body_start INTEGER NOT NULL,
    source TEXT, url TEXT, published TEXT, language TEXT, path TEXT, fingerprint TEXT NOT NULL, ord INTEGER NOT NULL,
    author TEXT
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
_ARTICLE_FIELDS = ("doc_id", "title", "text", "body_start", "source", "url", "published", "language", "path", "author")
_DOCUMENT_COLUMNS = "doc_id, title, body_start, source, url, published, language, path, fingerprint, ord, author"
# Tables written before authors were kept lack the column: reading them gives NULL, adding to them adds it.
_AUTHOR_COLUMN = "ALTER TABLE documents ADD COLUMN author TEXT"
# Speakers of a sentence's further clauses ("While A vowed ..., B pledged ..."); sentences.speaker is the first.
_CLAUSES = """
CREATE TABLE IF NOT EXISTS clause_speakers (sid INTEGER NOT NULL, doc_id TEXT NOT NULL, speaker TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS clause_speakers_speaker ON clause_speakers (speaker);
"""
_SEP = "\x1f"  # joins a sentence's further speakers in one column of a query
_CHUNK = 900  # ids per "IN (...)" query, under SQLite's parameter limit


@dataclass(frozen=True)
class Document:
    """An indexed article's metadata (its text stays in the table), in corpus order (ord)."""

    doc_id: str
    title: str
    body_start: int
    source: str | None
    url: str | None
    published: str | None
    language: str | None
    path: str | None
    fingerprint: str
    ord: int
    author: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict."""
        return asdict(self)


def write_table(
    path: Path,
    articles: Sequence[Article],
    records: Sequence[SentenceRecord],
    speakers: Iterable[tuple[str, Speaker]],
    *,
    base: Path | None = None,
    ords: Sequence[int] | None = None,
    removed: Sequence[str] = (),
) -> None:
    """Write the table: new, or a copy of base where the articles replace theirs (keeping ords) and removed go."""
    if base is not None:
        shutil.copyfile(base, path)
    con = sqlite3.connect(path)
    try:
        if base is None:
            con.executescript(_SCHEMA)
        con.executescript(_CLAUSES)  # also into a base written before the table existed
        if base is not None:
            if "author" not in _columns(con, "documents"):
                con.execute(_AUTHOR_COLUMN)
            gone = [(doc_id,) for doc_id in [*(a.doc_id for a in articles), *removed]]
            for table in ("documents", "sentences", "speakers", "clause_speakers"):
                con.executemany(f"DELETE FROM {table} WHERE doc_id=?", gone)
        places = range(len(articles)) if ords is None else ords
        con.executemany(
            f"INSERT INTO documents ({', '.join(_ARTICLE_FIELDS)}, fingerprint, ord) VALUES ({'?,' * 11}?)",
            [
                (*(getattr(a, f) for f in _ARTICLE_FIELDS), a.fingerprint, n)
                for a, n in zip(articles, places, strict=True)
            ],
        )
        con.executemany(
            "INSERT INTO sentences VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (r.sid, r.doc_id, r.paragraph, r.position, r.start, r.end, r.text, int(r.statement), r.speaker, r.cue)
                for r in records
            ],
        )
        con.executemany(
            "INSERT INTO clause_speakers VALUES (?,?,?)",
            [(r.sid, r.doc_id, key) for r in records for key in r.others],
        )
        con.executemany(
            "INSERT INTO speakers VALUES (?,?,?)",
            [(doc_id, sp.key, json.dumps(asdict(sp), ensure_ascii=False)) for doc_id, sp in speakers],
        )
        con.commit()
    finally:
        con.close()


class SentenceTable:
    """A read-only connection to a build's table, shared by threads, answering with typed rows."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._con.row_factory = sqlite3.Row
        self._authors = "author" in _columns(self._con, "documents")

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def _cols(self, columns: str) -> str:
        """Return a column list for this table (NULL for the author column of tables written before it existed)."""
        return columns if self._authors else columns.replace(", author", ", NULL AS author")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def _in(self, sql: str, ids: Sequence[Any]) -> list[sqlite3.Row]:
        """Run sql, whose "IN ({})" takes the ids, in chunks."""
        rows: list[sqlite3.Row] = []
        for start in range(0, len(ids), _CHUNK):
            part = list(ids[start : start + _CHUNK])
            rows.extend(self._query(sql.format(",".join("?" * len(part))), part))
        return rows

    def count(self, statements_only: bool = False) -> int:
        """Return how many sentences (or statements) the table holds."""
        where = " WHERE statement=1" if statements_only else ""
        return int(self._query(f"SELECT COUNT(*) AS n FROM sentences{where}")[0]["n"])

    def sentence_counts(self) -> dict[str, int]:
        """Return how many sentences each article has, by doc_id."""
        rows = self._query("SELECT doc_id, COUNT(*) AS n FROM sentences GROUP BY doc_id")
        return {r["doc_id"]: int(r["n"]) for r in rows}

    def documents(self) -> list[Document]:
        """Return every article's metadata, in corpus order."""
        rows = self._query(f"SELECT {self._cols(_DOCUMENT_COLUMNS)} FROM documents ORDER BY ord")
        return [_document(r) for r in rows]

    def document(self, doc_id: str) -> Document:
        """Return one article's metadata (KeyError when there is no such article)."""
        rows = self._query(f"SELECT {self._cols(_DOCUMENT_COLUMNS)} FROM documents WHERE doc_id=?", (doc_id,))
        if not rows:
            raise KeyError(doc_id)
        return _document(rows[0])

    def articles(self, exclude: Iterable[str] = ()) -> list[Article]:
        """Return every article with its text, in corpus order, except those with the excluded ids."""
        skip = set(exclude)
        fields = self._cols(", ".join(_ARTICLE_FIELDS))
        rows = self._query(f"SELECT {fields} FROM documents ORDER BY ord")
        return [Article(**{f: r[f] for f in _ARTICLE_FIELDS}) for r in rows if r["doc_id"] not in skip]

    def article(self, doc_id: str) -> Article:
        """Return one article with its text (KeyError when there is no such article)."""
        rows = self._query(f"SELECT {self._cols(', '.join(_ARTICLE_FIELDS))} FROM documents WHERE doc_id=?", (doc_id,))
        if not rows:
            raise KeyError(doc_id)
        return Article(**{f: rows[0][f] for f in _ARTICLE_FIELDS})

    def fingerprints(self) -> dict[str, str]:
        """Return every article's content fingerprint by doc_id, in corpus order (no texts are read)."""
        rows = self._query("SELECT doc_id, fingerprint FROM documents ORDER BY ord")
        return {r["doc_id"]: r["fingerprint"] for r in rows}

    def sentences(self, sids: Sequence[int]) -> list[SentenceRecord]:
        """Return the records for sentence ids, in the order given (unknown ids are left out)."""
        ids = [int(s) for s in sids]
        found = {r["sid"]: _record(r) for r in self._in("SELECT * FROM sentences WHERE sid IN ({})", ids)}
        return [found[s] for s in ids if s in found]

    def texts(self, sids: Sequence[int]) -> dict[int, str]:
        """Return the text of sentence ids, by id (ids that do not exist are left out)."""
        rows = self._in("SELECT sid, text FROM sentences WHERE sid IN ({})", [int(s) for s in sids])
        return {r["sid"]: r["text"] for r in rows}

    def positions(self, sids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """Return the position in its article and the text of sentence ids, by id (unknown ids are left out)."""
        rows = self._in("SELECT sid, position, text FROM sentences WHERE sid IN ({})", [int(s) for s in sids])
        return {r["sid"]: (r["position"], r["text"]) for r in rows}

    def all_texts(self, size: int) -> list[str]:
        """Return the text of sentence ids 0..size-1 in id order ("" for ids the table no longer holds)."""
        texts = [""] * size
        for row in self._query("SELECT sid, text FROM sentences"):
            texts[row["sid"]] = row["text"]
        return texts

    def sample_texts(self, limit: int) -> list[str]:
        """Return the texts of the first sentences, in id order."""
        return [r["text"] for r in self._query("SELECT text FROM sentences ORDER BY sid LIMIT ?", (limit,))]

    def sids_of(self, doc_ids: Sequence[str]) -> list[int]:
        """Return the sentence ids of some articles, ascending."""
        rows = self._in("SELECT sid FROM sentences WHERE doc_id IN ({})", list(doc_ids))
        return sorted(r["sid"] for r in rows)

    def all_sentences(self, exclude: Iterable[str] = ()) -> list[SentenceRecord]:
        """Return every sentence in id order, except those of the excluded articles."""
        skip = set(exclude)
        return [_record(r) for r in self._query("SELECT * FROM sentences ORDER BY sid") if r["doc_id"] not in skip]

    def context(self, record: SentenceRecord, before: int, after: int) -> list[SentenceRecord]:
        """Return the sentences around one in its article (itself included), in article order."""
        rows = self._query(
            "SELECT * FROM sentences WHERE doc_id=? AND position BETWEEN ? AND ? ORDER BY position",
            (record.doc_id, record.position - before, record.position + after),
        )
        return [_record(r) for r in rows]

    def statements_by(self, speakers: Sequence[str]) -> list[SentenceRecord]:
        """Return every statement made by any of the given speakers (in any clause), in corpus order."""
        if not speakers:
            return []
        marks = ",".join("?" * len(speakers))
        if not self._has_clauses():  # a table written before clause speakers were kept
            sql = (
                "SELECT s.* FROM sentences s JOIN documents d USING (doc_id) "
                f"WHERE s.statement=1 AND s.speaker IN ({marks}) ORDER BY d.ord, s.position"
            )
            return [_record(r) for r in self._query(sql, list(speakers))]
        sql = (
            f"SELECT s.*, (SELECT group_concat(c.speaker, '{_SEP}') FROM clause_speakers c WHERE c.sid = s.sid) "
            "AS others FROM sentences s JOIN documents d USING (doc_id) "
            f"WHERE s.statement=1 AND (s.speaker IN ({marks}) "
            f"OR s.sid IN (SELECT sid FROM clause_speakers WHERE speaker IN ({marks}))) ORDER BY d.ord, s.position"
        )
        return [_record(r) for r in self._query(sql, [*speakers, *speakers])]

    def _has_clauses(self) -> bool:
        rows = self._query("SELECT 1 FROM sqlite_master WHERE type='table' AND name='clause_speakers'")
        return bool(rows)

    def speakers(self, exclude: Iterable[str] = ()) -> list[tuple[str, Speaker]]:
        """Return (doc_id, speaker) for every speaker of every article, except the excluded articles."""
        skip = set(exclude)
        rows = self._query("SELECT doc_id, data FROM speakers")
        return [(r["doc_id"], _speaker(json.loads(r["data"]))) for r in rows if r["doc_id"] not in skip]


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in con.execute(f"PRAGMA table_info({table})")}


def _speaker(fields: dict[str, Any]) -> Speaker:
    return Speaker(
        key=fields["key"],
        name=fields["name"],
        kind=fields["kind"],
        aliases=tuple(fields.get("aliases") or ()),
        descriptions=tuple(fields.get("descriptions") or ()),
    )


def _document(row: sqlite3.Row) -> Document:
    return Document(**{k: row[k] for k in row.keys()})  # noqa: SIM118 (sqlite3.Row is not a mapping)


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
        others=tuple(row["others"].split(_SEP)) if "others" in row.keys() and row["others"] else (),  # noqa: SIM118
    )
