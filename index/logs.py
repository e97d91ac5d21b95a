"""Logging set-up shared by the CLI and the bot: one line per message on stderr, tracebacks only in the log file.

With the JSON format (--log-format json, $NEWSBOT_LOG_FORMAT) every record is one JSON object, for log shippers.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from .config import data_home

LOG_FILE_ENV = "NEWSBOT_LOG_FILE"
LOG_FORMAT_ENV = "NEWSBOT_LOG_FORMAT"
LOG_FORMATS = ("text", "json")
NOISY = ("sentence_transformers", "transformers", "httpx", "httpcore", "faiss", "bm25s", "telegram.ext.Updater")
_TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Fields of each JSON record (python-json-logger adds any `extra=` given to the call).
_JSON = "%(asctime)s %(levelname)s %(name)s %(message)s"


class OneLineFormatter(logging.Formatter):
    """Format records without their traceback: people read one line, the log file keeps the rest."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record formatted without exception or stack text."""
        return super().format(_without_traceback(record))


def _without_traceback(record: logging.LogRecord) -> logging.LogRecord:
    plain = logging.makeLogRecord(record.__dict__)
    plain.exc_info = plain.exc_text = plain.stack_info = None
    return plain


def _json_formatter(traceback: bool) -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    class OneLineJson(JsonFormatter):
        def format(self, record: logging.LogRecord) -> str:
            return super().format(record if traceback else _without_traceback(record))

    return OneLineJson(_JSON, rename_fields={"levelname": "level", "name": "logger"})


def log_path(name: str) -> Path:
    """Return the log file: $NEWSBOT_LOG_FILE, else <data home>/log/<name>.log (var/log in a checkout)."""
    env = os.environ.get(LOG_FILE_ENV)
    return Path(env) if env else data_home() / "log" / f"{name}.log"


def setup_logging(
    name: str, verbose: bool = False, stderr_level: int = logging.WARNING, log_format: str | None = None
) -> Path:
    """Send INFO and up (with tracebacks) to the log file and one-line messages to stderr; return the file path."""
    fmt = (log_format or os.environ.get(LOG_FORMAT_ENV) or "text").lower()
    if fmt not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}, not {fmt!r}")
    path = log_path(name)
    handlers: list[logging.Handler] = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(path, encoding="utf-8")
        file_handler.setFormatter(_json_formatter(True) if fmt == "json" else logging.Formatter(_TEXT))
        handlers.append(file_handler)
    except OSError:
        pass  # a read-only checkout still works, with stderr only
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.DEBUG if verbose else stderr_level)
    stderr.setFormatter(_json_formatter(False) if fmt == "json" else OneLineFormatter(_TEXT))
    handlers.append(stderr)
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
