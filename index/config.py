"""Defaults and environment variables shared by the CLI, the searcher and the bot.

Paths never depend on where the code is installed: everything the program writes lives in one data folder,
$NEWSBOT_HOME, else the checkout's var/ when run from a source checkout (`make run`), else $XDG_DATA_HOME/newsbot
(~/.local/share/newsbot).
"""

from __future__ import annotations

import os
from pathlib import Path

# The source tree this module sits in; a checkout only when it holds the project's pyproject.toml.
REPO_ROOT = Path(__file__).resolve().parent.parent

ENV_HOME = "NEWSBOT_HOME"
ENV_INDEX_DIR = "NEWSBOT_INDEX_DIR"
ENV_CORPUS_DIR = "NEWSBOT_CORPUS_DIR"
ENV_MODEL = "NEWSBOT_MODEL"

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"

# Longest question accepted; longer ones are refused rather than silently cut.
MAX_QUESTION_CHARS = 1000


def checkout_root() -> Path | None:
    """Return the source checkout this code runs from, or None for an installed copy."""
    if (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "index" / "__init__.py").is_file():
        return REPO_ROOT
    return None


def data_home() -> Path:
    """Return the data folder: $NEWSBOT_HOME, else the checkout's var/, else $XDG_DATA_HOME/newsbot."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    root = checkout_root()
    if root is not None:
        return root / "var"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "newsbot"


def default_index_dir() -> Path:
    """Return the index folder when none is given: <data home>/index."""
    return data_home() / "index"


def default_corpus_dir() -> Path:
    """Return the corpus folder when none is given: the checkout's corpus/, else <data home>/corpus."""
    root = checkout_root()
    if root is not None and not os.environ.get(ENV_HOME):
        return root / "corpus"
    return data_home() / "corpus"


DEFAULT_INDEX_DIR = default_index_dir()
DEFAULT_CORPUS_DIR = default_corpus_dir()


def index_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """Return the index folder: the given value, else $NEWSBOT_INDEX_DIR, else <data home>/index."""
    if value:
        return Path(value)
    env = os.environ.get(ENV_INDEX_DIR)
    return Path(env) if env else default_index_dir()


def corpus_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """Return the corpus folder: the given value, else $NEWSBOT_CORPUS_DIR, else the default corpus folder."""
    if value:
        return Path(value)
    env = os.environ.get(ENV_CORPUS_DIR)
    return Path(env) if env else default_corpus_dir()


def model_name(value: str | None = None) -> str:
    """Return the embedding model name or path: the given value, else $NEWSBOT_MODEL, else the default."""
    return value or os.environ.get(ENV_MODEL) or DEFAULT_MODEL
