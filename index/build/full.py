"""Full builds: every article of a corpus analysed, embedded and written into a new build, swapped in atomically."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..embed.base import Encoder
from ..errors import CorpusError
from ..ingest.analyse import analyse
from ..ingest.corpus import Article, CorpusProblem, load_corpus
from ..stopwatch import Stopwatch, timed
from ..store.layout import VECTORS
from ..store.lexical import LexicalIndex
from ..store.lock import writer_lock
from ..store.manifest import Manifest, new_manifest
from ..store.manifest import channels as channel_models
from ..store.reader import IndexStore
from ..store.vectors import AUTO, as_float32, describe, grow_vector_index
from ..store.writer import BuildParts, publish_build
from .channels import grow_channels, make_channels, record_channels
from .pipeline import LOCAL, admit, analyse_and_embed_all, index_and_publish


@dataclass
class BuildReport:
    """What a build, an add or a remove did."""

    manifest: Manifest
    folder: Path
    problems: list[CorpusProblem] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embedded: int = 0
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage (index/build/pipeline.py)


def load_articles(corpus: Path) -> tuple[list[Article], list[CorpusProblem]]:
    """Load a corpus folder; refuse a missing folder or one without a readable article."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise CorpusError(f"Corpus folder {corpus} does not exist.")
    articles, problems = load_corpus(corpus)
    if not articles:
        detail = f" ({len(problems)} files could not be read)" if problems else ""
        raise CorpusError(f"No articles found in {corpus}{detail}: add .md, .txt or .jsonl files.")
    return articles, problems


def build_index(
    corpus: Path,
    root: Path,
    encoder: Encoder,
    *,
    progress: bool = False,
    index_kind: str = AUTO,
    engine: str = LOCAL,
    channels: Mapping[str, Encoder] | None = None,
) -> BuildReport:
    """Rebuild the whole index from a corpus folder and make it current."""
    articles, problems = load_articles(corpus)
    return build_articles(
        articles, root, encoder, problems=problems, progress=progress, index_kind=index_kind, engine=engine,
        channels=channels,
    )  # fmt: skip


def build_articles(
    articles: Sequence[Article],
    root: Path,
    encoder: Encoder,
    *,
    problems: Sequence[CorpusProblem] = (),
    progress: bool = False,
    index_kind: str = AUTO,
    clock: Stopwatch | None = None,
    engine: str = LOCAL,
    channels: Mapping[str, Encoder] | None = None,
) -> BuildReport:
    """Build an index of exactly these articles and make it current; clock, when given, gets seconds per stage.

    engine "local" works in this machine's worker processes, "ray" on Ray (index/build/ray_engine.py). Each of
    channels (name -> encoder) embeds the same sentences into a second vector index (index/build/channels.py).
    """
    clock = clock if clock is not None else Stopwatch()
    articles, problems = admit(articles, problems)
    if not articles:
        raise CorpusError("No article can be indexed: " + "; ".join(str(p) for p in problems))
    with writer_lock(root):
        started = time.perf_counter()
        analysed = analyse_and_embed_all(articles, encoder, progress=progress, clock=clock, engine=engine)
        with timed(clock, "channels"):
            extra = make_channels(channels or {}, [r.text for r in analysed.records], index_kind, progress=progress)
        manifest, folder = index_and_publish(
            root, encoder.name, articles, analysed, index_kind=index_kind, progress=progress, clock=clock,
            started=started, channels={name: (e.name, extra[name]) for name, e in (channels or {}).items()},
        )  # fmt: skip
    return BuildReport(
        manifest, folder, problems, added=[a.doc_id for a in articles], embedded=len(analysed.records),
        stages=dict(clock.seconds),
    )  # fmt: skip


def rewrite(
    base: IndexStore,
    root: Path,
    new: Sequence[Article],
    removed: Collection[str],
    encoder: Encoder | None,
    *,
    problems: Sequence[CorpusProblem] = (),
    progress: bool = False,
) -> BuildReport:
    """Rewrite an index without its dead rows: the base's articles minus removed ones, plus new (replacing by id).

    Only the new articles are embedded; the kept vectors are copied, and a trained approximate index is reused.
    The caller holds the write lock.
    """
    started = time.perf_counter()
    fingerprints = base.fingerprints()
    drop = {a.doc_id for a in new} | set(removed)
    kept_articles = base.articles(exclude=drop)
    old = base.all_sentences(exclude=drop)
    kept_records = [replace(r, sid=i) for i, r in enumerate(old)]
    records, speakers = analyse(new, first_sid=len(kept_records))
    texts = [r.text for r in records]
    if encoder is not None:
        vectors = encoder.encode(texts, progress=progress)
    else:
        vectors = np.zeros((0, base.vectors.d), dtype=np.float32)
    kind = base.manifest.index_type
    index = grow_vector_index(base.vectors, base.folder / VECTORS, as_float32(vectors), [r.sid for r in old], kind)
    extra = grow_channels(base, texts, [r.sid for r in old], progress=progress)
    all_records = kept_records + records
    articles = [*kept_articles, *new]
    lexical = LexicalIndex.build([r.text for r in all_records], progress=progress)
    model = encoder.name if encoder is not None else base.manifest.model
    manifest = new_manifest(model, [a.fingerprint for a in articles], len(all_records), index.d, describe(index), kind)
    record_channels(manifest, channel_models(base.manifest))
    manifest.build_seconds = round(time.perf_counter() - started, 3)
    parts = BuildParts(articles, all_records, [*base.speakers(exclude=drop), *speakers], index, lexical)
    parts.channels = dict(extra)
    folder = publish_build(root, manifest, parts)
    return BuildReport(
        manifest,
        folder,
        list(problems),
        added=[a.doc_id for a in new if a.doc_id not in fingerprints],
        replaced=[a.doc_id for a in new if a.doc_id in fingerprints],
        removed=sorted(set(removed) & set(fingerprints)),
        embedded=len(records),
    )
