"""The operator's command line, `python -m index`: build, add, remove, stats, query and eval.

Modules: app (the click group, shared options and error handling), write (build, add, remove), read (stats, query,
eval), options (options shared with `python -m bot`).
"""

from .app import cli, main
from .read import evaluate, query, stats
from .write import add, build, remove

__all__ = ["add", "build", "cli", "evaluate", "main", "query", "remove", "stats"]
