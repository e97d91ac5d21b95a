"""Second vector channels in a build: the same sentences embedded by another model (e.g. the cross-lingual one)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import faiss

from ..embed.base import Encoder
from ..embed.factory import load_channel_encoder
from ..store.layout import channel_file
from ..store.manifest import Manifest, channels, set_channels
from ..store.reader import IndexStore
from ..store.vectors import as_float32, grow_vector_index, make_vector_index


def make_channels(
    encoders: Mapping[str, Encoder], texts: Sequence[str], kind: str, *, progress: bool = False
) -> dict[str, faiss.Index]:
    """Embed the texts with each channel's encoder into a vector index of the build's kind."""
    return {name: make_vector_index(enc.encode(texts, progress=progress), kind) for name, enc in encoders.items()}


def grow_channels(
    base: IndexStore, texts: Sequence[str], kept: Sequence[int], *, progress: bool = False
) -> dict[str, faiss.Index]:
    """The base build's channels with only the kept ids and the new texts appended (their models from its manifest)."""
    grown = {}
    for name, model in channels(base.manifest).items():
        vectors = load_channel_encoder(model).encode(texts, progress=progress)
        file = base.folder / channel_file(name)
        grown[name] = grow_vector_index(base.channels[name], file, as_float32(vectors), kept, base.manifest.index_type)
    return grown


def linked_channels(base: IndexStore) -> dict[str, faiss.Index | Path]:
    """The base build's channel files, to link unchanged into a new build."""
    return {name: base.folder / channel_file(name) for name in channels(base.manifest)}


def record_channels(manifest: Manifest, models: Mapping[str, str]) -> Manifest:
    """Record the channels (name -> model) in a new build's manifest and return it."""
    set_channels(manifest, dict(models))
    return manifest
