"""What each feed said last time (validators and entry versions), kept beside the index as feeds.json.

A feed answers 304 to the validators, and an entry seen before in the same version, whose article the index still
holds, is not fetched again; nor is one whose article the operator removed (until the feed changes the entry).
Losing the file costs refetching, never an article.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

STATE_FILE = "feeds.json"


@dataclass
class FeedState:
    """One feed: the validators of its last response and, per entry key, the version seen and its article id."""

    etag: str | None = None
    last_modified: str | None = None
    entries: dict[str, dict[str, str]] = field(default_factory=dict)

    def unchanged(self, key: str, version: str, held: Collection[str]) -> bool:
        """Return whether an entry was seen before in this version and its article is held or was removed on purpose."""
        seen = self.entries.get(key)
        if not seen or seen.get("version") != version:
            return False
        return seen.get("doc_id") in held or bool(seen.get("removed"))

    def complete(self, held: Collection[str]) -> bool:
        """Return whether every entry remembered has its article in the index (or removed on purpose)."""
        return all(seen.get("doc_id") in held or seen.get("removed") for seen in self.entries.values())

    def remember(self, key: str, version: str, doc_id: str) -> None:
        """Record that an entry in this version is the article doc_id."""
        self.entries[key] = {"version": version, "doc_id": doc_id}


class FeedStates:
    """The state of every feed added to one index."""

    def __init__(self, path: Path, feeds: dict[str, FeedState] | None = None) -> None:
        self.path = path
        self.feeds = feeds or {}

    @classmethod
    def load(cls, index_root: Path) -> FeedStates:
        """Read the state kept beside an index; a missing or unreadable file is an empty state."""
        path = Path(index_root) / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            feeds = {
                url: FeedState(
                    etag=item.get("etag"), last_modified=item.get("last_modified"), entries=dict(item["entries"])
                )
                for url, item in data["feeds"].items()
            }
        except FileNotFoundError:
            feeds = {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            log.warning("feed state %s is unreadable; starting afresh", path)
            feeds = {}
        return cls(path, feeds)

    def feed(self, url: str) -> FeedState:
        """Return the state of one feed (created empty when new)."""
        return self.feeds.setdefault(url, FeedState())

    def mark_removed(self, doc_ids: set[str]) -> None:
        """Record that these articles were removed: their entries are not brought back while they stay the same."""
        for state in self.feeds.values():
            for seen in state.entries.values():
                if seen.get("doc_id") in doc_ids:
                    seen["removed"] = "yes"

    def save(self) -> None:
        """Write the state atomically (a reader sees the old file or the new one)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"feeds": {url: asdict(state) for url, state in self.feeds.items()}}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".feeds-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, indent=1)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
