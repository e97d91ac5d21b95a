"""Paging: the questions behind "More" buttons, and the offsets inline queries continue from.

Callback data is limited to 64 bytes, so a button carries a short id of its question, kept here.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

PREFIX = "more"
_DATA = re.compile(rf"^{PREFIX}:([A-Za-z0-9_-]{{1,16}}):(\d{{1,6}})$")


@dataclass
class _Entry:
    question: str
    served: set[int] = field(default_factory=set)


class QuestionStore:
    """Remembers the most recent questions (least recently used ones are forgotten) and which pages were sent."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, question: str) -> str:
        """Remember a question whose first page was sent; return its id."""
        with self._lock:
            qid = secrets.token_urlsafe(6)  # unguessable, so nobody can page through someone else's question
            while qid in self._entries:
                qid = secrets.token_urlsafe(6)
            self._entries[qid] = _Entry(question, {0})
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
            return qid

    def get(self, qid: str) -> str | None:
        """Return the question stored under qid, or None when it was forgotten."""
        with self._lock:
            entry = self._entries.get(qid)
            if entry is None:
                return None
            self._entries.move_to_end(qid)
            return entry.question

    def claim(self, qid: str, offset: int) -> bool:
        """Return True the first time the page at offset is asked for (a double tap must not send it twice)."""
        with self._lock:
            entry = self._entries.get(qid)
            if entry is None or offset in entry.served:
                return False
            entry.served.add(offset)
            return True

    def release(self, qid: str, offset: int) -> None:
        """Forget that a page was claimed, so that it can be asked for again (its sending failed)."""
        with self._lock:
            entry = self._entries.get(qid)
            if entry is not None:
                entry.served.discard(offset)


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
