"""Retrieval over a loaded index: dense (FAISS), lexical (BM25) and their reciprocal rank fusion."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from .attribution import Speaker
from .embed import Encoder, canonical_model_name, load_encoder
from .speakers import SpeakerDirectory
from .store import IndexStore, check_model

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
    """Everything needed to answer questions from one index build."""

    def __init__(self, store: IndexStore, encoder: Encoder) -> None:
        check_model(store.manifest, encoder.name, store.folder)
        one_blas_thread()
        self.store = store
        self.encoder = encoder
        self.speakers = SpeakerDirectory(Speaker(**fields) for _, fields in store.speaker_rows())

    @classmethod
    def open(cls, root: Path, model: str | None = None, encoder: Encoder | None = None) -> Searcher:
        """Open the current index under root with the given encoder, or load the model named in the manifest."""
        store = IndexStore.open(root)
        try:
            if encoder is None:
                wanted = canonical_model_name(model) if model else store.manifest.model
                check_model(store.manifest, wanted, store.folder)
                encoder = load_encoder(wanted)
            return cls(store, encoder)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        """Release the index files."""
        self.store.close()

    @property
    def build_id(self) -> str:
        """Return the id of the loaded build."""
        return self.store.manifest.build_id

    def embed(self, text: str) -> np.ndarray:
        """Return the query vector for a text."""
        return self.encoder.encode_query(text)

    def dense(self, query: np.ndarray, k: int = CANDIDATES) -> list[tuple[int, float]]:
        """Return the k nearest sentences by cosine, best first."""
        # replaced articles' sentences are still in the vector index: ask for as many more as there are of them
        wanted = min(k + len(self.store.deleted), self.store.vectors.ntotal)
        if k <= 0 or wanted <= 0:
            return []
        scores, ids = self.store.vectors.search(query.reshape(1, -1), wanted)
        keep = (ids[0] >= 0) & self.store.live(ids[0])
        return [(int(i), float(s)) for i, s in zip(ids[0][keep], scores[0][keep], strict=True)][:k]

    def lexical(self, text: str, k: int = CANDIDATES) -> list[tuple[int, float]]:
        """Return the k best BM25 matches with a positive score, best first."""
        return self.store.lexical.top(text, k, exclude=self.store.deleted)

    def vectors(self, sids: list[int]) -> np.ndarray:
        """Return the stored vectors of sentences."""
        if not sids:
            return np.zeros((0, self.encoder.dimension), dtype=np.float32)
        return self.store.vectors.reconstruct_batch(np.asarray(sids, dtype=np.int64))

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
        if len(hits) < 2:
            return hits
        sids = [h.sid for h in hits]
        texts = self.store.texts(sids)
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
