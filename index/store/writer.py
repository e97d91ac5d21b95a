"""Write a build's files into a new folder and publish it; a failure leaves the current build untouched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from ..ingest.attribution import Speaker
from ..ingest.corpus import Article
from ..ingest.records import SentenceRecord
from ..stopwatch import Stopwatch, timed
from .layout import DELETED, LEXICAL, TABLE, VECTORS, channel_file, discard, link_or_copy, new_build_folder, publish
from .lexical import LexicalIndex
from .manifest import Manifest, write_manifest
from .table import write_table
from .vectors import write_vectors


@dataclass
class BuildParts:
    """Everything a build folder holds besides its manifest.

    With a base build, articles/records/speakers are only what changed: they are added to a copy of the base's
    table, replacing the base's rows of the same doc_id (keeping corpus order by ords), and the removed doc_ids
    leave it. vectors may be a file to link instead of an index to write (nothing changed in them); so may each
    second vector channel (name -> index or file, the same sentence ids embedded by another model).
    """

    articles: Sequence[Article]
    records: Sequence[SentenceRecord]
    speakers: Sequence[tuple[str, Speaker]]
    vectors: faiss.Index | Path
    lexical: LexicalIndex
    base: Path | None = None
    ords: Sequence[int] | None = None
    removed: Sequence[str] = ()
    deleted: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    channels: dict[str, faiss.Index | Path] = field(default_factory=dict)


def write_build(folder: Path, manifest: Manifest, parts: BuildParts, clock: Stopwatch | None = None) -> None:
    """Write every part of an index into folder; the manifest goes last, so its presence means complete.

    clock, when given, adds the seconds spent writing each part (FAISS, BM25, SQLite).
    """
    with timed(clock, "FAISS"):
        for vectors, name in [(parts.vectors, VECTORS), *((v, channel_file(c)) for c, v in parts.channels.items())]:
            if isinstance(vectors, Path):
                link_or_copy(vectors, folder / name)
            else:
                write_vectors(vectors, folder / name)
    with timed(clock, "BM25"):
        parts.lexical.save(folder / LEXICAL)
    if len(parts.deleted):
        np.save(folder / DELETED, np.asarray(parts.deleted, dtype=np.int64))
    base_table = parts.base / TABLE if parts.base is not None else None
    with timed(clock, "SQLite"):
        write_table(
            folder / TABLE, parts.articles, parts.records, parts.speakers, base=base_table, ords=parts.ords,
            removed=parts.removed,
        )  # fmt: skip
    write_manifest(folder, manifest)


def publish_build(root: Path, manifest: Manifest, parts: BuildParts, clock: Stopwatch | None = None) -> Path:
    """Write a build into a fresh folder under root and make it current; return its final folder."""
    folder = new_build_folder(root)
    try:
        write_build(folder, manifest, parts, clock)
        with timed(clock, "publish"):
            return publish(root, folder)
    except BaseException:
        discard(folder)
        raise
