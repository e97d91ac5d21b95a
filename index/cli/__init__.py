"""The operator's command line, `python -m index` (installed as `newsbot-index`): build, add, remove, list, watch,
stats, query and eval.

Modules: app (the click group, shared options and error handling), write (build, remove), news (add, list, watch;
ingesting holds what add and watch share), read (stats, query, eval), options (options shared with `python -m bot`).
"""

from .app import cli, main
from .news import add, list_articles, watch
from .read import evaluate, query, stats
from .write import build, remove

__all__ = ["add", "build", "cli", "evaluate", "list_articles", "main", "query", "remove", "stats", "watch"]
