"""Logging set-up shared by the CLI and the bot: one line per message on stderr, tracebacks only in the log file."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from .config import REPO_ROOT

LOG_FILE_ENV = "NEWSBOT_LOG_FILE"
NOISY = ("sentence_transformers", "transformers", "httpx", "httpcore", "faiss", "bm25s", "telegram.ext.Updater")


class OneLineFormatter(logging.Formatter):
    """Format records without their traceback: people read one line, the log file keeps the rest."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record formatted without exception or stack text."""
        plain = logging.makeLogRecord(record.__dict__)
        plain.exc_info = plain.exc_text = plain.stack_info = None
        return super().format(plain)


def log_path(name: str) -> Path:
    """Return the log file: $NEWSBOT_LOG_FILE, else var/log/<name>.log."""
    env = os.environ.get(LOG_FILE_ENV)
    return Path(env) if env else REPO_ROOT / "var" / "log" / f"{name}.log"


def setup_logging(name: str, verbose: bool = False, stderr_level: int = logging.WARNING) -> Path:
    """Send INFO and up (with tracebacks) to the log file and one-line messages to stderr; return the file path."""
    path = log_path(name)
    handlers: list[logging.Handler] = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(path, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handlers.append(file_handler)
    except OSError:
        pass  # a read-only checkout still works, with stderr only
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.DEBUG if verbose else stderr_level)
    stderr.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handlers.append(stderr)
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
