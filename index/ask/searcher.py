"""The one door into a loaded index: dense (FAISS) and lexical (BM25) retrieval, their fusion, and the records."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from ..embed.base import Encoder
from ..embed.factory import load_channel_encoder, load_encoder
from ..embed.models import canonical_model_name
from ..ingest.corpus import Article
from ..ingest.records import SentenceRecord
from ..stopwatch import Stopwatch, timed
from ..store.manifest import Manifest, channels, check_model
from ..store.reader import IndexStore
from ..store.table import Document
from .fusion import context_coverage, fuse, lexical_query
from .speakers import SpeakerDirectory

# Candidates each retriever returns by default, and for a topic question before fusion (ReQA dev: 50 and 100 rank the
# same; fewer candidates cost less to fuse and dedupe).
CANDIDATES = 100
TOPIC_CANDIDATES = 50
# Fused hits kept (and checked for duplicates): more than an answer ever quotes (answer.MAX_RESULTS).
MAX_HITS = 64
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
        self._channel_encoders: dict[str, Encoder] = {}
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

    def all_texts(self) -> list[str]:
        """Return the text of every sentence id, in id order ("" for deleted sentences)."""
        return self._store.all_texts()

    def count_statements(self) -> int:
        """Return how many sentences report a statement."""
        return self._store.count_statements()

    # ------------------------------------------------------------------ retrieval
    def embed(self, text: str) -> np.ndarray:
        """Return the query vector for a text."""
        with timed(self.clock, "embed question"):
            return self.encoder.encode_query(text)

    # ------------------------------------------------------- second vector channels
    def has_channel(self, name: str) -> bool:
        """Tell whether the build has a second vector channel of this name (e.g. "xl", cross-lingual)."""
        return name in self._store.channels

    def embed_channel(self, name: str, text: str) -> np.ndarray:
        """Return a text's query vector in a channel (its encoder loaded once, by the model the manifest names)."""
        if name not in self._channel_encoders:
            self._channel_encoders[name] = load_channel_encoder(channels(self._store.manifest)[name])
        with timed(self.clock, "embed question"):
            return self._channel_encoders[name].encode_query(text)

    def dense(self, query: np.ndarray, k: int = CANDIDATES, channel: str | None = None) -> list[tuple[int, float]]:
        """Return the k nearest sentences by cosine, best first (in a second vector channel when one is named)."""
        with timed(self.clock, "FAISS search"):
            store = self._store
            index = store.vectors if channel is None else store.channels[channel]
            # replaced articles' sentences are still in the vector index: ask for as many more as there are of them
            wanted = min(k + len(store.deleted), index.ntotal)
            if k <= 0 or wanted <= 0:
                return []
            scores, ids = index.search(query.reshape(1, -1), wanted)
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

    def lexical_terms(self) -> set[str]:
        """Return every word (stemmed, lower-case) the BM25 index holds."""
        return {term for segment in self._store.lexical.segments for term in segment.terms}

    def mentions(self, phrase: str) -> bool:
        """Tell whether any live sentence contains a word of the phrase (BM25 has it)."""
        return bool(self._store.lexical.query_tokens(phrase)) and bool(self.lexical(phrase, 1))

    def vectors(self, sids: Sequence[int], channel: str | None = None) -> np.ndarray:
        """Return the stored vectors of sentences (in a second vector channel when one is named)."""
        with timed(self.clock, "reconstruct vectors"):
            index = self._store.vectors if channel is None else self._store.channels[channel]
            if not len(sids):
                return np.zeros((0, index.d), dtype=np.float32)
            return index.reconstruct_batch(np.asarray(sids, dtype=np.int64))

    def hybrid(self, text: str, query: np.ndarray | None = None, k: int = TOPIC_CANDIDATES) -> list[Hit]:
        """Rank dense and BM25 candidates by their fused score (fusion.py); near-duplicates are dropped."""
        query = self.embed(text) if query is None else query
        dense = self.dense(query, k)
        words = lexical_query(text)
        lexical, bm25 = self._store.lexical.search(words, k, exclude=self._store.deleted)
        cosines = dict(dense)
        sids = list(dict.fromkeys([s for s, _ in dense] + [s for s, _ in lexical]))
        if not sids:
            return []
        missing = [s for s in sids if s not in cosines]
        if missing:
            cosines.update(zip(missing, (self.vectors(missing) @ query).tolist(), strict=True))
        cands = np.asarray(sids, dtype=np.int64)
        before = cands - 1
        rows = self._store.positions(np.concatenate([cands, before[before >= 0]]).tolist())
        cosine = np.array([cosines[s] for s in sids], dtype=np.float64)
        scores = bm25[cands] if len(bm25) else np.zeros(len(sids))
        idf, held = self._store.lexical.presence(words, np.concatenate([cands, before]))
        fused = fuse(cosine, scores, context_coverage(idf, held, _previous(cands, rows)))
        hits = [Hit(s, float(f), float(c), float(b)) for s, f, c, b in zip(sids, fused, cosine, scores, strict=True)]
        hits.sort(key=lambda h: (-h.score, -h.cosine, h.sid))
        return self.dedupe(hits[:MAX_HITS], {sid: text for sid, (_, text) in rows.items()})

    def dedupe(self, hits: list[Hit], texts: dict[int, str] | None = None) -> list[Hit]:
        """Drop hits whose sentence repeats (same words, or near-identical vector) a better-ranked one."""
        with timed(self.clock, "dedupe"):
            if len(hits) < 2:
                return hits
            sids = [h.sid for h in hits]
            texts = self._store.texts(sids) if texts is None else texts
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


def _previous(cands: np.ndarray, rows: dict[int, tuple[int, str]]) -> np.ndarray:
    """Return, per candidate, the column of the sentence before it (len(cands) + i) when in its article, else -1.

    Articles hold consecutive sentence ids in reading order: the sentence before is sid - 1 when its position is one
    less.
    """
    count = len(cands)
    out = np.full(count, -1, dtype=np.int64)
    for i, sid in enumerate(cands.tolist()):
        here, there = rows.get(sid), rows.get(sid - 1)
        if here and there and here[0] > 0 and there[0] == here[0] - 1:
            out[i] = count + i
    return out


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
