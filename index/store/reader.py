"""A loaded build, read-only: vectors, BM25 and the sentence table, checked for consistency when opened."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import faiss
import numpy as np

from ..errors import IndexCorruptError
from ..ingest.attribution import Speaker
from ..ingest.corpus import Article
from ..ingest.records import SentenceRecord
from .layout import DELETED, LEXICAL, TABLE, VECTORS, channel_file, current_build, folder_size, prefetch
from .lexical import LexicalIndex
from .manifest import Manifest, channels, read_build_manifest
from .table import Document, SentenceTable
from .vectors import read_vectors

log = logging.getLogger(__name__)


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
        self._table = SentenceTable(folder / TABLE)
        self.channels: dict[str, faiss.Index] = {}  # second vector channels by name (same sentence ids)

    @classmethod
    def open(cls, root: Path) -> IndexStore:
        """Open the current build under root; refuse a missing or damaged one with one clear sentence."""
        for _ in range(3):
            folder = current_build(root)
            try:
                return cls.open_build(folder)
            except IndexCorruptError:
                if current_build(root) == folder:
                    raise
                # a newer build was swapped in (and this one cleaned up) while we were reading it: try the new one
        return cls.open_build(current_build(root))

    @classmethod
    def open_build(cls, folder: Path) -> IndexStore:
        """Open one build folder."""
        manifest = read_build_manifest(folder)
        prefetch(folder)
        try:
            vectors = read_vectors(folder / VECTORS)
            lexical = LexicalIndex.load(folder / LEXICAL)
            deleted = np.load(folder / DELETED) if (folder / DELETED).exists() else None
            store = cls(folder, manifest, vectors, lexical, deleted)
            store.channels = {name: read_vectors(folder / channel_file(name)) for name in channels(manifest)}
            count = store._table.count()
        except Exception as exc:  # faiss, numpy, json and sqlite each raise their own kinds
            log.warning("cannot open index at %s", folder, exc_info=True)
            raise IndexCorruptError(
                f"The index at {folder} is damaged ({type(exc).__name__}): rebuild it with 'python -m index build'."
            ) from None
        held = count + len(store.deleted)
        if not (vectors.ntotal == held == lexical.documents and count == manifest.sentences) or (
            vectors.d != manifest.dimension or any(c.ntotal != held for c in store.channels.values())
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
        self._table.close()

    def live(self, sids: np.ndarray) -> np.ndarray:
        """Return a mask of the sentence ids that were not deleted."""
        if not len(self.deleted):
            return np.ones(len(sids), dtype=bool)
        at = np.searchsorted(self.deleted, sids).clip(max=len(self.deleted) - 1)
        return self.deleted[at] != sids

    def documents(self) -> list[Document]:
        """Return every article's metadata, in corpus order."""
        return self._table.documents()

    def document(self, doc_id: str) -> Document:
        """Return one article's metadata (KeyError when there is no such article)."""
        return self._table.document(doc_id)

    def articles(self, exclude: Iterable[str] = ()) -> list[Article]:
        """Return the articles with their text, in corpus order, except the excluded ids."""
        return self._table.articles(exclude)

    def article(self, doc_id: str) -> Article:
        """Return one article with its text (KeyError when there is no such article)."""
        return self._table.article(doc_id)

    def fingerprints(self) -> dict[str, str]:
        """Return every article's content fingerprint by doc_id, in corpus order."""
        return self._table.fingerprints()

    def sentences(self, sids: Sequence[int]) -> list[SentenceRecord]:
        """Return the records for sentence ids, in the order given."""
        return self._table.sentences(sids)

    def texts(self, sids: Sequence[int]) -> dict[int, str]:
        """Return the text of sentence ids, by id."""
        return self._table.texts(sids)

    def positions(self, sids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """Return the position in its article and the text of sentence ids, by id."""
        return self._table.positions(sids)

    def all_texts(self) -> list[str]:
        """Return the text of every sentence id the vectors hold, in id order ("" for deleted sentences)."""
        return self._table.all_texts(self.vectors.ntotal)

    def sample_texts(self, limit: int = 512) -> list[str]:
        """Return the texts of the first sentences (calibration material for an int8 encoder)."""
        return self._table.sample_texts(limit)

    def sids_of(self, doc_ids: Sequence[str]) -> list[int]:
        """Return the sentence ids of some articles, ascending."""
        return self._table.sids_of(doc_ids)

    def all_sentences(self, exclude: Iterable[str] = ()) -> list[SentenceRecord]:
        """Return every sentence in id order, except those of the excluded articles."""
        return self._table.all_sentences(exclude)

    def context(
        self, record: SentenceRecord, before: int = 1, after: int = 1
    ) -> tuple[list[SentenceRecord], list[SentenceRecord]]:
        """Return the sentences just before and after one in its article."""
        around = self._table.context(record, before, after)
        return [r for r in around if r.position < record.position], [r for r in around if r.position > record.position]

    def count_statements(self) -> int:
        """Return how many sentences report a statement."""
        return self._table.count(statements_only=True)

    def statements_by(self, speakers: Sequence[str]) -> list[SentenceRecord]:
        """Return every statement made by any of the given speakers, in corpus order."""
        return self._table.statements_by(speakers)

    def speakers(self, exclude: Iterable[str] = ()) -> list[tuple[str, Speaker]]:
        """Return (doc_id, speaker) for every speaker of every article, except the excluded articles."""
        return self._table.speakers(exclude)

    def size_bytes(self) -> int:
        """Return the size of the build folder on disk."""
        return folder_size(self.folder)
