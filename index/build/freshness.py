"""Decide whether the index on disk still matches the corpus and the model."""

from __future__ import annotations

from pathlib import Path

from ..embed.factory import channel_names
from ..errors import NewsIndexError
from ..ingest.corpus import load_corpus
from ..store.manifest import channels, corpus_fingerprint, read_manifest


def index_is_fresh(corpus: Path, index_dir: Path, model: str) -> tuple[bool, str]:
    """Return (True, "") when the index exists and was built from this corpus with this model, else why not."""
    try:
        manifest = read_manifest(index_dir)
    except NewsIndexError as exc:
        return False, str(exc).split(":")[0].lower()
    if manifest.model != model:
        return False, f"the index was built with {manifest.model}, not {model}"
    if sorted(channels(manifest)) != sorted(channel_names()):
        return False, f"the index has the vector channels {sorted(channels(manifest))}, not {sorted(channel_names())}"
    articles, _ = load_corpus(Path(corpus))
    if corpus_fingerprint(articles) != manifest.corpus_fingerprint:
        return False, "the corpus changed since the last build"
    return True, ""
