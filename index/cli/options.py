"""Command-line options shared by `python -m index` and `python -m bot`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import config

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def index_dir_option(help: str = "Index folder.") -> Decorator:
    """Return the --index-dir option ($NEWSBOT_INDEX_DIR, default var/index)."""
    return click.option(
        "--index-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=config.ENV_INDEX_DIR,
        default=str(config.DEFAULT_INDEX_DIR),
        show_default=True,
        show_envvar=True,
        help=help,
    )


def model_option(help: str) -> Decorator:
    """Return the --model option ($NEWSBOT_MODEL)."""
    return click.option("--model", envvar=config.ENV_MODEL, default=None, show_envvar=True, help=help)
