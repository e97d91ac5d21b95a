"""Defaults and environment variables shared by the CLI, the searcher and the bot."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

ENV_INDEX_DIR = "NEWSBOT_INDEX_DIR"
ENV_CORPUS_DIR = "NEWSBOT_CORPUS_DIR"
ENV_MODEL = "NEWSBOT_MODEL"

DEFAULT_INDEX_DIR = REPO_ROOT / "var" / "index"
DEFAULT_CORPUS_DIR = REPO_ROOT / "corpus"
DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"

# Longest question accepted; longer ones are refused rather than silently cut.
MAX_QUESTION_CHARS = 1000


def index_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """Return the index folder: the given value, else $NEWSBOT_INDEX_DIR, else var/index."""
    if value:
        return Path(value)
    env = os.environ.get(ENV_INDEX_DIR)
    return Path(env) if env else DEFAULT_INDEX_DIR


def corpus_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """Return the corpus folder: the given value, else $NEWSBOT_CORPUS_DIR, else corpus/."""
    if value:
        return Path(value)
    env = os.environ.get(ENV_CORPUS_DIR)
    return Path(env) if env else DEFAULT_CORPUS_DIR


def model_name(value: str | None = None) -> str:
    """Return the embedding model name or path: the given value, else $NEWSBOT_MODEL, else the default."""
    return value or os.environ.get(ENV_MODEL) or DEFAULT_MODEL
