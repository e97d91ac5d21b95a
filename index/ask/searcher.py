"""The one door into a loaded index: dense (FAISS) and lexical (BM25) retrieval, their fusion, and the records."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from ..embed.base import Encoder
from ..embed.factory import load_encoder
from ..embed.models import canonical_model_name
from ..ingest.corpus import Article
from ..ingest.records import SentenceRecord
from ..stopwatch import Stopwatch, timed
from ..store.manifest import Manifest, check_model
from ..store.reader import IndexStore
from ..store.table import Document
from .speakers import SpeakerDirectory

# Reciprocal rank fusion constant (Cormack et al. 2009): damps the weight of the very first ranks.
RRF_K = 60
# Candidates each retriever contributes before fusion.
CANDIDATES = 100
# Sentences this similar (cosine) to a better-ranked one are the same sentence repeated.
DUPLICATE_COSINE = 0.97


@dataclass(frozen=True)
class Hit:
    """A retrieved sentence id with its fused score and the dense cosine behind it."""

    sid: int
    score: float
    cosine: float
    lexical: float = 0.0


class Searcher:
    """Everything needed to answer questions from one index build; nothing else reads a loaded index."""

    def __init__(self, store: IndexStore, encoder: Encoder) -> None:
        check_model(store.manifest, encoder.name, store.folder)
        one_blas_thread()
        self._store = store
        self.encoder = encoder
        self.speakers = SpeakerDirectory(speaker for _, speaker in store.speakers())
        # Set a Stopwatch here to learn the seconds a question spends per retrieval step (benchmarks do).
        self.clock: Stopwatch | None = None

    @classmethod
    def open(cls, root: Path, model: str | None = None, encoder: Encoder | None = None) -> Searcher:
        """Open the current index under root with the given encoder, or load the model named in the manifest."""
        store = IndexStore.open(root)
        try:
            if encoder is None:
                wanted = canonical_model_name(model) if model else store.manifest.model
                check_model(store.manifest, wanted, store.folder)
                encoder = load_encoder(wanted, calibration=store.sample_texts)
            return cls(store, encoder)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        """Release the index files."""
        self._store.close()

    # ------------------------------------------------------------------ the build
    @property
    def manifest(self) -> Manifest:
        """Return the manifest of the loaded build."""
        return self._store.manifest

    @property
    def build_id(self) -> str:
        """Return the id of the loaded build."""
        return self._store.manifest.build_id

    @property
    def folder(self) -> Path:
        """Return the folder of the loaded build."""
        return self._store.folder

    # -------------------------------------------------------------------- records
    def sentences(self, sids: Sequence[int]) -> list[SentenceRecord]:
        """Return the records for sentence ids, in the order given."""
        return self._store.sentences(sids)

    def statements_by(self, keys: Sequence[str]) -> list[SentenceRecord]:
        """Return every statement made by any of the speakers with these keys, in corpus order."""
        return self._store.statements_by(keys)

    def documents(self) -> list[Document]:
        """Return every article's metadata, in corpus order."""
        return self._store.documents()

    def document(self, doc_id: str) -> Document:
        """Return one article's metadata (KeyError when there is no such article)."""
        return self._store.document(doc_id)

    def article(self, doc_id: str) -> Article:
        """Return one article with its full text, which every result's start/end offsets point into."""
        return self._store.article(doc_id)

    def context(
        self, record: SentenceRecord, before: int = 1, after: int = 1
    ) -> tuple[list[SentenceRecord], list[SentenceRecord]]:
        """Return the sentences just before and after one in its article."""
        return self._store.context(record, before, after)

    def count_statements(self) -> int:
        """Return how many sentences report a statement."""
        return self._store.count_statements()

    # ------------------------------------------------------------------ retrieval
    def embed(self, text: str) -> np.ndarray:
        """Return the query vector for a text."""
        with timed(self.clock, "embed question"):
            return self.encoder.encode_query(text)

    def dense(self, query: np.ndarray, k: int = CANDIDATES) -> list[tuple[int, float]]:
        """Return the k nearest sentences by cosine, best first."""
        with timed(self.clock, "FAISS search"):
            store = self._store
            # replaced articles' sentences are still in the vector index: ask for as many more as there are of them
            wanted = min(k + len(store.deleted), store.vectors.ntotal)
            if k <= 0 or wanted <= 0:
                return []
            scores, ids = store.vectors.search(query.reshape(1, -1), wanted)
            keep = (ids[0] >= 0) & store.live(ids[0])
            return [(int(i), float(s)) for i, s in zip(ids[0][keep], scores[0][keep], strict=True)][:k]

    def lexical(self, text: str, k: int = CANDIDATES) -> list[tuple[int, float]]:
        """Return the k best BM25 matches with a positive score, best first."""
        with timed(self.clock, "BM25"):
            return self._store.lexical.top(text, k, exclude=self._store.deleted)

    def lexical_scores(self, text: str, sids: Sequence[int]) -> np.ndarray:
        """Return the BM25 score of each of some sentences for a text."""
        with timed(self.clock, "BM25"):
            return self._store.lexical.scores(text)[np.asarray(sids, dtype=np.int64)]

    def postings_read(self, text: str) -> int:
        """Return how many BM25 posting entries a question reads (a measure of its lexical cost)."""
        return self._store.lexical.postings_read(text)

    def mentions(self, phrase: str) -> bool:
        """Tell whether any live sentence contains a word of the phrase (BM25 has it)."""
        return bool(self._store.lexical.query_tokens(phrase)) and bool(self.lexical(phrase, 1))

    def vectors(self, sids: Sequence[int]) -> np.ndarray:
        """Return the stored vectors of sentences."""
        with timed(self.clock, "reconstruct vectors"):
            if not len(sids):
                return np.zeros((0, self.encoder.dimension), dtype=np.float32)
            return self._store.vectors.reconstruct_batch(np.asarray(sids, dtype=np.int64))

    def hybrid(self, text: str, query: np.ndarray | None = None, k: int = CANDIDATES) -> list[Hit]:
        """Fuse dense and BM25 rankings with reciprocal rank fusion; near-duplicates are dropped."""
        query = self.embed(text) if query is None else query
        dense = self.dense(query, k)
        lexical = self.lexical(text, k)
        fused: dict[int, float] = {}
        for ranking in (dense, lexical):
            for rank, (sid, _) in enumerate(ranking):
                fused[sid] = fused.get(sid, 0.0) + 1.0 / (RRF_K + rank + 1)
        cosines = dict(dense)
        missing = [s for s in fused if s not in cosines]
        if missing:
            cosines.update(zip(missing, (self.vectors(missing) @ query).tolist(), strict=False))
        lexical_scores = dict(lexical)
        hits = [Hit(s, f, float(cosines[s]), lexical_scores.get(s, 0.0)) for s, f in fused.items()]
        hits.sort(key=lambda h: (-h.score, -h.cosine))
        return self.dedupe(hits)

    def dedupe(self, hits: list[Hit]) -> list[Hit]:
        """Drop hits whose sentence repeats (same words, or near-identical vector) a better-ranked one."""
        with timed(self.clock, "dedupe"):
            if len(hits) < 2:
                return hits
            sids = [h.sid for h in hits]
            texts = self._store.texts(sids)
            vectors = self.vectors(sids)
            earlier_twins: dict[int, list[int]] = {}
            for i, j in zip(*np.nonzero(np.triu(vectors @ vectors.T >= DUPLICATE_COSINE, 1)), strict=True):
                earlier_twins.setdefault(int(j), []).append(int(i))
            kept: set[int] = set()
            seen_text: set[str] = set()
            for i, sid in enumerate(sids):
                key = normalise_text(texts[sid]) if sid in texts else str(sid)
                twins = (t for t in earlier_twins.get(i, ()) if t in kept)
                if key in seen_text or any(same_facts(texts.get(sids[t], ""), texts.get(sid, "")) for t in twins):
                    continue
                seen_text.add(key)
                kept.add(i)
            return [h for i, h in enumerate(hits) if i in kept]


def one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread in this process.

    A searcher multiplies a few hundred vectors at a time: a second BLAS thread saves nothing there and fights the
    encoder's and FAISS's threads for the two cores (p50 at 1M sentences 32 -> 16 ms, BENCHMARKS.md).
    """
    threadpool_limits(1, user_api="blas")


def fact_words(text: str) -> set[str]:
    """Return the words of a text that state facts of their own: numbers and names (capitalised, not first)."""
    words = re.findall(r"\w+", text)
    return {w for n, w in enumerate(words) if any(c.isdigit() for c in w) or (n and w[0].isupper())}


def same_facts(a: str, b: str) -> bool:
    """Tell whether two near-identical sentences name the same numbers and names ("on Friday" vs "on Saturday": no)."""
    return fact_words(a) == fact_words(b)


def normalise_text(text: str) -> str:
    """Return the words of a text, lower-cased: equal for sentences that differ only in punctuation or case."""
    return " ".join(re.findall(r"\w+", text.lower()))
