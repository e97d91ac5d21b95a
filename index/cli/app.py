"""The click group of `python -m index`, the options every command shares, and one-line errors."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from .. import __version__, config
from ..errors import NewsIndexError
from ..logs import log_path, setup_logging
from ..textio import printable
from .options import index_dir_option, log_format_option, model_option

log = logging.getLogger("index")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="newsbot-index")
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
@log_format_option()
def cli(verbose: bool, log_format: str) -> None:
    """Build and query the news index: every answer is verbatim sentences from the corpus, with sources."""
    setup_logging("index", verbose, log_format=log_format)


def shared_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options every command shares: --index-dir and --model, with their environment variables."""
    func = index_dir_option()(func)
    return model_option(
        f"Embedding model name or folder [build default: {config.DEFAULT_MODEL}; search default: the index's]."
    )(func)


def friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into one line and unexpected ones into one line plus a logged traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsIndexError as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None
        except BrokenPipeError:  # stdout's reader left (`| head -1`): click ends quietly
            raise
        except Exception as exc:
            log.exception("unexpected error in %s", func.__name__)
            raise click.ClickException(
                f"Unexpected error: {type(exc).__name__}: {exc} (traceback in {log_path('index')})"
            ) from None

    return wrapper


def show_progress(flag: bool | None) -> bool:
    """Return whether to draw progress bars: as asked, else when stderr is a terminal."""
    return sys.stderr.isatty() if flag is None else flag


def print_problems(problems: Sequence[Any]) -> None:
    """Warn about every file (and line) that was skipped."""
    for problem in problems:
        click.echo(printable(f"warning: skipped {problem}"), err=True)


def main() -> None:
    """Run the command line (`python -m index`, or `newsbot-index` when installed)."""
    cli()
