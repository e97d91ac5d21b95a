"""Command-line options shared by `python -m index` and `python -m bot`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import config
from ..logs import LOG_FORMAT_ENV, LOG_FORMATS

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def index_dir_option(help: str = "Index folder.") -> Decorator:
    """Return the --index-dir option ($NEWSBOT_INDEX_DIR, default <data home>/index)."""
    return click.option(
        "--index-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=config.ENV_INDEX_DIR,
        default=str(config.DEFAULT_INDEX_DIR),  # <data home>/index: var/index in a checkout
        show_default=True,
        show_envvar=True,
        help=help,
    )


def corpus_option(help: str = "Corpus folder.") -> Decorator:
    """Return the --corpus option ($NEWSBOT_CORPUS_DIR, default <data home>/corpus or the checkout's corpus/)."""
    return click.option(
        "--corpus",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=config.ENV_CORPUS_DIR,
        default=str(config.DEFAULT_CORPUS_DIR),
        show_default=True,
        show_envvar=True,
        help=help,
    )


def model_option(help: str) -> Decorator:
    """Return the --model option ($NEWSBOT_MODEL)."""
    return click.option("--model", envvar=config.ENV_MODEL, default=None, show_envvar=True, help=help)


def log_format_option() -> Decorator:
    """Return the --log-format option ($NEWSBOT_LOG_FORMAT): text, or one JSON object per record."""
    return click.option(
        "--log-format",
        type=click.Choice(LOG_FORMATS),
        envvar=LOG_FORMAT_ENV,
        default="text",
        show_default=True,
        show_envvar=True,
        help="Log records as text lines or as JSON objects (for log shippers).",
    )
