"""Paging: the questions behind "More" buttons, and the offsets inline queries continue from.

Callback data is limited to 64 bytes, so a button carries a short id of its question, kept here.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import threading
import time
from pathlib import Path

PREFIX = "more"
_DATA = re.compile(rf"^{PREFIX}:([A-Za-z0-9_-]{{1,16}}):(\d{{1,6}})$")


class QuestionStore:
    """Remembers recent questions and which of their pages were sent, in SQLite (a file survives restarts).

    With a path, "More" buttons keep working across a restart or a rolling deploy (processes on one machine may
    share the file). Without one, the store lives in memory. The least recently used questions beyond capacity
    are forgotten; their buttons then say the question is too old.
    """

    def __init__(self, path: Path | str | None = None, capacity: int = 100_000) -> None:
        self.path = str(path) if path else ":memory:"
        self.capacity = capacity
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False)
        try:
            if path:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._count = int(self._db.execute("SELECT count(*) FROM questions").fetchone()[0])
        except sqlite3.Error:
            self._db.close()
            raise

    def add(self, question: str) -> str:
        """Remember a question whose first page was sent; return its id."""
        with self._lock, self._db:
            while True:
                qid = secrets.token_urlsafe(6)  # unguessable, so nobody can page through someone else's question
                inserted = self._db.execute(
                    "INSERT OR IGNORE INTO questions (qid, question, used) VALUES (?, ?, ?)", (qid, question, _now())
                ).rowcount
                if inserted:
                    break
            self._db.execute("INSERT INTO pages (qid, offset) VALUES (?, 0)", (qid,))
            self._count += 1
            if self._count > self.capacity:
                self._forget_oldest()
            return qid

    def _forget_oldest(self) -> None:
        self._count = int(self._db.execute("SELECT count(*) FROM questions").fetchone()[0])
        excess = self._count - self.capacity
        if excess > 0:
            excess += self.capacity // 10  # make room for a while: counting is a scan
            old = "SELECT qid FROM questions ORDER BY used, rowid LIMIT ?"
            self._db.execute(f"DELETE FROM pages WHERE qid IN ({old})", (excess,))
            self._count -= self._db.execute(f"DELETE FROM questions WHERE qid IN ({old})", (excess,)).rowcount

    def get(self, qid: str) -> str | None:
        """Return the question stored under qid, or None when it was forgotten."""
        with self._lock, self._db:
            row = self._db.execute("SELECT question FROM questions WHERE qid = ?", (qid,)).fetchone()
            if row is not None:
                self._db.execute("UPDATE questions SET used = ? WHERE qid = ?", (_now(), qid))
            return None if row is None else str(row[0])

    def claim(self, qid: str, offset: int) -> bool:
        """Return True the first time the page at offset is asked for (a double tap must not send it twice)."""
        with self._lock, self._db:
            if self._db.execute("SELECT 1 FROM questions WHERE qid = ?", (qid,)).fetchone() is None:
                return False
            return bool(self._db.execute("INSERT OR IGNORE INTO pages VALUES (?, ?)", (qid, offset)).rowcount)

    def release(self, qid: str, offset: int) -> None:
        """Forget that a page was claimed, so that it can be asked for again (its sending failed)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM pages WHERE qid = ? AND offset = ?", (qid, offset))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (qid TEXT PRIMARY KEY, question TEXT NOT NULL, used REAL NOT NULL);
CREATE INDEX IF NOT EXISTS questions_used ON questions (used);
CREATE TABLE IF NOT EXISTS pages (qid TEXT NOT NULL, offset INTEGER NOT NULL, PRIMARY KEY (qid, offset))
    WITHOUT ROWID;
"""


def _now() -> float:
    return time.time()


def more_data(qid: str, offset: int) -> str:
    """Return the callback data of a "More" button."""
    return f"{PREFIX}:{qid}:{offset}"


def parse_more(data: str | None) -> tuple[str, int] | None:
    """Return (question id, offset) from a "More" button's callback data, or None when it is not one."""
    match = _DATA.match(data or "")
    return (match.group(1), int(match.group(2))) if match else None


def inline_offset(text: str | None) -> int:
    """Return the page offset an inline query continues from: the bot's own ASCII digits, else 0 (first page).

    The offset comes back from the client, so anything else ("²", "٣", "-1", a 30-digit number) starts over.
    """
    text = text or ""
    if not (text.isascii() and text.isdecimal() and len(text) <= 6):
        return 0
    try:
        return int(text)
    except ValueError:
        return 0
