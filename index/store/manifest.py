"""The manifest of a build: what it holds and how it was made. Its presence marks a build as complete."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import IndexCorruptError, IndexMismatchError
from ..ingest.corpus import Article
from .layout import MANIFEST, build_id, current_build

FORMAT_VERSION = 2  # 2: BM25 as segments (index/store/lexical.py)


@dataclass
class Manifest:
    """What an index holds and how it was made."""

    model: str
    dimension: int
    sentences: int
    documents: int
    corpus_fingerprint: str
    format_version: int = FORMAT_VERSION
    built_at: str = ""
    build_seconds: float = 0.0
    faiss_index: str = "Flat"
    index_type: str = "auto"  # what the operator asked for ("auto", "Flat", a factory string): kept by later adds
    build_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the manifest as a plain dict."""
        return asdict(self)


def new_manifest(
    model: str, fingerprints: Sequence[str], sentences: int, dimension: int, faiss_index: str, index_type: str
) -> Manifest:
    """Return the manifest of a build holding articles (by fingerprint) and sentences, stamped now."""
    return Manifest(
        model=model,
        dimension=dimension,
        sentences=sentences,
        documents=len(fingerprints),
        corpus_fingerprint=combined_fingerprint(fingerprints),
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        faiss_index=faiss_index,
        index_type=index_type,
    )


def channels(manifest: Manifest) -> dict[str, str]:
    """Return the build's second vector channels: name -> model (kept in extra, so older readers are unaffected)."""
    found = manifest.extra.get("channels", {})
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def set_channels(manifest: Manifest, models: dict[str, str]) -> None:
    """Record the build's second vector channels (name -> model) in the manifest."""
    if models:
        manifest.extra["channels"] = dict(models)
    else:
        manifest.extra.pop("channels", None)


def corpus_fingerprint(articles: Iterable[Article]) -> str:
    """Return one hash for a set of articles, independent of their order."""
    return combined_fingerprint(a.fingerprint for a in articles)


def combined_fingerprint(fingerprints: Iterable[str]) -> str:
    """Return one hash for a set of article fingerprints, independent of their order."""
    digest = hashlib.sha256()
    for fp in sorted(fingerprints):
        digest.update(fp.encode())
    return digest.hexdigest()


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write the manifest into a build folder (last: its presence means the build is complete)."""
    manifest.build_id = build_id(folder)
    path = folder / MANIFEST
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())


def read_manifest(root: Path) -> Manifest:
    """Read and validate the current build's manifest."""
    return read_build_manifest(current_build(root))


def read_build_manifest(folder: Path) -> Manifest:
    """Read and validate the manifest of one build folder."""
    try:
        data = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise IndexCorruptError(
            f"The index at {folder} is damaged (unreadable manifest): rebuild it with 'python -m index build'."
        ) from None
    version = data.get("format_version") if isinstance(data, dict) else None
    if version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"The index at {folder} has format version {version}, this program reads version {FORMAT_VERSION}: "
            "rebuild it with 'python -m index build'."
        )
    try:
        return Manifest(**data)
    except TypeError:
        raise IndexCorruptError(
            f"The index at {folder} is damaged (manifest fields): rebuild it with 'python -m index build'."
        ) from None


def check_model(manifest: Manifest, model: str, folder: Path) -> None:
    """Refuse to search an index with a model other than the one that built it."""
    if manifest.model != model:
        raise IndexMismatchError(
            f"The index at {folder} was built with model '{manifest.model}' but the searcher uses '{model}': "
            "rebuild with 'python -m index build' or set the same model."
        )
