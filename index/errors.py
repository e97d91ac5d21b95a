"""User-facing errors: each carries one clear sentence saying what is wrong and what to do."""

from __future__ import annotations


class NewsIndexError(Exception):
    """Base class for errors shown to users and operators as one line, without a traceback."""


class CorpusError(NewsIndexError):
    """The corpus folder or an article file cannot be used."""


class IndexMissingError(NewsIndexError):
    """No index has been built at the given folder."""


class IndexCorruptError(NewsIndexError):
    """The index folder exists but cannot be read."""


class IndexMismatchError(NewsIndexError):
    """The index was built with another model or format version."""


class ModelError(NewsIndexError):
    """The embedding model cannot be loaded."""


class QuestionError(NewsIndexError):
    """The question is empty or too long."""


class IndexLockedError(NewsIndexError):
    """Another build, add or remove holds the index's write lock."""
