"""The index the bot answers from, swapped for a new build while the bot runs.

How reload works: `python -m index build` and `add` write a new build folder and then atomically repoint the
`<index>/current` symlink at it. `IndexProvider.watch` resolves that link every few seconds (a readlink: cheap) and,
on SIGHUP, immediately. When it points somewhere new, the new build is opened in a worker thread, reusing the loaded
model when the build was made with the same one. Only once it opened fine does the provider swap its reference; a
question already running keeps the searcher it started with, and the old searcher is closed when its last question
finishes. A build that fails to open is logged once and the old one keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from index.ask.answer import Answer, answer
from index.ask.searcher import Searcher
from index.embed.base import Encoder, serialized
from index.embed.models import canonical_model_name
from index.errors import NewsIndexError
from index.store.layout import current_target
from index.store.manifest import Manifest, read_manifest
from index.store.table import Document

log = logging.getLogger(__name__)

DEFAULT_RELOAD_INTERVAL = 2.0


class IndexProvider:
    """Holds the current Searcher for an index folder and swaps in new builds without failing a question."""

    def __init__(
        self,
        root: Path,
        model: str | None = None,
        encoder: Encoder | None = None,
        loader: Callable[[str], Encoder] | None = None,
    ) -> None:
        self.root = Path(root)
        self._model = canonical_model_name(model) if model else None
        self._loader = loader
        self._encoder: Encoder | None = serialized(encoder) if encoder is not None else None
        self._lock = threading.Lock()  # guards the fields below
        self._reload_lock = threading.Lock()  # one reload at a time
        self._searcher: Searcher | None = None
        self._folder = ""
        self._users: dict[int, int] = {}  # id(searcher) -> questions using it
        self._retired: dict[int, Searcher] = {}
        self._failed_target = ""
        self._wake: asyncio.Event | None = None
        self.reloads = 0
        self.reload_failures = 0

    @classmethod
    def open(cls, root: Path, model: str | None = None, encoder: Encoder | None = None) -> IndexProvider:
        """Open the current build under root, or raise the index's one-sentence NewsIndexError."""
        provider = cls(root, model=model, encoder=encoder)
        provider.reload(force=True)
        return provider

    # ------------------------------------------------------------------ serving
    @property
    def build_id(self) -> str:
        """Return the id of the build being served."""
        return self._current().build_id

    @property
    def folder(self) -> str:
        """Return the build folder being served."""
        return self._folder

    def _current(self) -> Searcher:
        searcher = self._searcher
        if searcher is None:
            raise RuntimeError("the index provider has no index loaded (closed, or never opened)")
        return searcher

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """Lend the current searcher for one question; it stays open until given back, even across a swap."""
        with self._lock:
            searcher = self._current()
            self._users[id(searcher)] = self._users.get(id(searcher), 0) + 1
        try:
            yield searcher
        finally:
            with self._lock:
                left = self._users[id(searcher)] = self._users[id(searcher)] - 1
                retired = self._retired.pop(id(searcher), None) if left == 0 else None
                if left == 0:
                    del self._users[id(searcher)]
            if retired is not None:
                retired.close()

    def answer(self, text: str, limit: int = 5, offset: int = 0) -> Answer:
        """Answer a question from the current build (blocking: call it from a worker thread)."""
        with self.searcher() as searcher:
            return answer(searcher, text, limit=limit, offset=offset)

    def documents(self) -> list[Document]:
        """Return the articles of the current build."""
        with self.searcher() as searcher:
            return searcher.documents()

    def manifest(self) -> Manifest:
        """Return the manifest of the current build."""
        return self._current().manifest

    # ---------------------------------------------------------------- reloading
    def target(self) -> str:
        """Return the build folder the index's `current` link points at now ('' when there is none)."""
        return current_target(self.root)

    def changed(self) -> bool:
        """Return True when the operator has published a build other than the one being served."""
        target = self.target()
        return bool(target) and target != self._folder and target != self._failed_target

    def reload(self, force: bool = False) -> bool:
        """Open the current build and swap it in when it is new (or always, with force); True when swapped.

        Raises the index's NewsIndexError when nothing is loaded yet; afterwards a failure is logged and the build
        being served stays.
        """
        with self._reload_lock:
            target = self.target()
            if not force and (not target or target in (self._folder, self._failed_target)):
                return False
            try:
                searcher = self._open()
            except Exception as exc:
                if self._searcher is None:
                    raise
                self._failed_target = target
                self.reload_failures += 1
                expected = isinstance(exc, NewsIndexError)  # says what is wrong in one sentence: no traceback
                log.warning(
                    "index reload failed, still serving build %s: %s", self.build_id, exc, exc_info=not expected
                )
                return False
            self._swap(searcher)
            self._failed_target = ""
            return True

    def _open(self) -> Searcher:
        wanted = self._model or canonical_model_name(read_manifest(self.root).model)
        encoder = self._encoder
        if encoder is None or encoder.name != wanted:
            log.info("loading embedding model %s", wanted)
            encoder = serialized(self._loader(wanted)) if self._loader is not None else None
        searcher = Searcher.open(self.root, model=wanted, encoder=encoder)  # loads the model when none is given
        self._encoder = searcher.encoder
        return searcher

    def _swap(self, searcher: Searcher) -> None:
        with self._lock:
            old: Searcher | None = self._searcher
            self._searcher = searcher
            self._folder = str(searcher.folder.resolve())
            in_use = old is not None and self._users.get(id(old), 0) > 0
            if in_use and old is not None:
                self._retired[id(old)] = old
        if old is not None:
            self.reloads += 1
            m = searcher.manifest
            log.info(
                "index reloaded: build %s (%d articles, %d sentences), was %s", m.build_id, m.documents, m.sentences,
                old.build_id,
            )  # fmt: skip
            if not in_use:
                old.close()

    def request_reload(self) -> None:
        """Ask the watcher to reload now (call from the event loop, e.g. a SIGHUP handler)."""
        if self._wake is not None:
            self._wake.set()

    async def watch(self, interval: float = DEFAULT_RELOAD_INTERVAL) -> None:
        """Reload whenever the `current` link moves (checked every interval seconds, 0 = never) or on request."""
        self._wake = asyncio.Event()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval if interval > 0 else None)
            forced = self._wake.is_set()
            self._wake.clear()
            if forced or self.changed():
                try:
                    await asyncio.to_thread(self.reload, forced)
                except Exception:  # reload logs its own failures; never let the watcher die
                    log.exception("index watcher error")

    def close(self) -> None:
        """Close the searcher being served (retired ones close when their last question ends)."""
        with self._lock:
            current: Searcher | None = self._searcher
            self._searcher = None
            in_use = current is not None and self._users.get(id(current), 0) > 0
            if in_use and current is not None:
                self._retired[id(current)] = current
        if current is not None and not in_use:
            current.close()
