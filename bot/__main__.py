"""Start the bot: `python -m bot` (long polling, a webhook with --webhook-url, or a terminal chat without a token)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click
from telegram.error import InvalidToken, NetworkError

from index import __version__, config
from index.cli.options import index_dir_option, log_format_option, model_option
from index.errors import NewsIndexError
from index.logs import setup_logging

from .reload import DEFAULT_RELOAD_INTERVAL, IndexProvider

if TYPE_CHECKING:
    from telegram.ext import Application

    from .handlers import NewsBot
    from .paging import QuestionStore

ENV_TOKEN = "TELEGRAM_BOT_TOKEN"
QUESTIONS_FILE = "bot-questions.sqlite"
ENV_API_BASE_URL = "TELEGRAM_API_BASE_URL"
CONNECT_HINT = (
    f"Telegram is not connected: {ENV_TOKEN} is not set. To serve this bot on Telegram, create a bot with "
    f"@BotFather and run `{ENV_TOKEN}=<token> make run`."
)


def _setup_logging(verbose: bool, token: str | None, terminal: bool, log_format: str | None = None) -> None:
    stderr_level = logging.WARNING if terminal else logging.INFO
    setup_logging("bot", verbose=verbose, stderr_level=stderr_level, log_format=log_format)
    if token:
        from .app import RedactToken

        for handler in logging.getLogger().handlers:
            handler.addFilter(RedactToken(token))


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="newsbot")
@index_dir_option("Index folder (built with `python -m index build`).")
@model_option("Embedding model [default: the index's].")
@click.option("--terminal", is_flag=True, help="Chat in the terminal instead of Telegram, even with a token set.")
@click.option(
    "--api-base-url",
    envvar=ENV_API_BASE_URL,
    show_envvar=True,
    help="Bot API server, e.g. http://localhost:8081 for a local one [default: https://api.telegram.org].",
)
@click.option(
    "--webhook-url",
    envvar="TELEGRAM_WEBHOOK_URL",
    show_envvar=True,
    help="Public HTTPS URL Telegram should POST updates to; serve a webhook instead of long polling.",
)
@click.option(
    "--listen",
    default="127.0.0.1",
    show_default=True,
    envvar="NEWSBOT_LISTEN",
    show_envvar=True,
    help="Bind address of the HTTP server (/healthz, /metrics and, in webhook mode, the webhook).",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    envvar="NEWSBOT_PORT",
    show_envvar=True,
    help="Port of the HTTP server (0: any free port, logged at start).",
)
@click.option(
    "--secret-token",
    envvar="TELEGRAM_WEBHOOK_SECRET",
    show_envvar=True,
    help="Secret Telegram must send in each webhook request (X-Telegram-Bot-Api-Secret-Token); "
    "without one, a random secret is made for the run. Replicas need a shared one.",
)
@click.option(
    "--questions-db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="NEWSBOT_QUESTIONS_DB",
    show_envvar=True,
    help=f"SQLite file of the questions behind 'More' buttons, so that they work after a restart "
    f"[default: {QUESTIONS_FILE} in the index folder].",
)
@click.option(
    "--reload-interval",
    default=DEFAULT_RELOAD_INTERVAL,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds between checks for a new index build (0: only on SIGHUP).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log details to stderr.")
@log_format_option()
def main(
    index_dir: Path,
    model: str | None,
    terminal: bool,
    api_base_url: str | None,
    webhook_url: str | None,
    listen: str,
    port: int,
    secret_token: str | None,
    questions_db: Path | None,
    reload_interval: float,
    verbose: bool,
    log_format: str,
) -> None:
    """Answer questions about the news with verbatim, cited sentences, on Telegram or in the terminal.

    The token comes from $TELEGRAM_BOT_TOKEN; without it, the bot chats in the terminal. A running bot picks up a
    new index published by `python -m index build` or `add` within --reload-interval seconds, or at once on SIGHUP.
    """
    token = os.environ.get(ENV_TOKEN, "").strip()
    terminal = terminal or not token
    if webhook_url and not terminal and not webhook_url.startswith("https://"):
        raise click.ClickException(f"The webhook URL must start with https:// (Telegram requires it): {webhook_url}")
    if webhook_url and not terminal:
        from .serve import webhook_secret

        try:
            webhook_secret(secret_token)
        except ValueError as exc:
            raise click.ClickException(f"TELEGRAM_WEBHOOK_SECRET / --secret-token: {exc}.") from None
    _setup_logging(verbose, token, terminal, log_format)
    if terminal and sys.stderr.isatty():
        click.echo("Loading the index…", err=True)
    try:
        provider = IndexProvider.open(config.index_dir(index_dir), model=model)
    except NewsIndexError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if terminal:
            _terminal(provider, show_hint=not token)
            return
        from .handlers import NewsBot

        with _question_store(questions_db or provider.root / QUESTIONS_FILE) as questions:
            bot = NewsBot(provider, questions=questions)
            if webhook_url:
                _webhook(token, bot, api_base_url, webhook_url, listen, port, secret_token, reload_interval)
            else:
                _polling(token, bot, api_base_url, listen, port, reload_interval)
    finally:
        provider.close()


@contextlib.contextmanager
def _question_store(path: Path) -> Iterator[QuestionStore]:
    """Open the questions file of the "More" buttons, or say in one line why it cannot be used."""
    from .paging import QuestionStore

    try:
        store = QuestionStore(path)
    except (sqlite3.Error, OSError) as exc:
        raise click.ClickException(
            f"Cannot use {path} for the questions behind 'More' buttons ({exc}); choose another file with "
            "--questions-db or NEWSBOT_QUESTIONS_DB."
        ) from None
    try:
        yield store
    finally:
        store.close()


def _terminal(provider: IndexProvider, show_hint: bool) -> None:
    from .terminal import banner, chat

    click.echo(banner(provider))
    if show_hint:
        click.echo(CONNECT_HINT)
    try:
        chat(provider, sys.stdin, sys.stdout, prompt=sys.stdin.isatty())
    except KeyboardInterrupt:
        click.echo()


def _polling(
    token: str, bot: NewsBot, api_base_url: str | None, listen: str, port: int, reload_interval: float
) -> None:
    from .serve import serve_polling

    app = _application(token, bot, api_base_url, reload_interval, polling=True)
    with _telegram_errors(api_base_url), _listening(listen, port):
        asyncio.run(serve_polling(app, listen, port))


def _webhook(
    token: str,
    bot: NewsBot,
    api_base_url: str | None,
    webhook_url: str,
    listen: str,
    port: int,
    secret_token: str | None,
    reload_interval: float,
) -> None:
    from .serve import serve_webhook

    app = _application(token, bot, api_base_url, reload_interval, polling=False)
    with _telegram_errors(api_base_url), _listening(listen, port):
        asyncio.run(serve_webhook(app, webhook_url, listen, port, secret_token))


def _application(
    token: str, bot: NewsBot, api_base_url: str | None, reload_interval: float, *, polling: bool
) -> Application:
    """The bot's Application, reloading the index every reload_interval seconds and on SIGHUP."""
    from .app import build_application

    return build_application(
        token,
        bot.provider,
        api_base_url,
        news_bot=bot,
        reload_interval=reload_interval,
        reload_on_sighup=hasattr(signal, "SIGHUP"),
        polling=polling,
    )


@contextlib.contextmanager
def _listening(listen: str, port: int) -> Iterator[None]:
    """Turn a port that cannot be bound into one line."""
    try:
        yield
    except OSError as exc:
        if exc.errno is None:
            raise
        raise click.ClickException(
            f"Cannot serve HTTP (/healthz, /metrics) on {listen}:{port}: {exc.strerror}; "
            "choose another with --port or NEWSBOT_PORT (0: any free port)."
        ) from None


@contextlib.contextmanager
def _telegram_errors(api_base_url: str | None) -> Iterator[None]:
    """Turn start-up failures talking to Telegram into one line and a non-zero exit."""
    try:
        yield
    except InvalidToken:
        raise click.ClickException(f"Telegram rejected the token in ${ENV_TOKEN}: check it with @BotFather.") from None
    except NetworkError as exc:
        server = api_base_url or "https://api.telegram.org"
        raise click.ClickException(f"Cannot reach the Telegram Bot API at {server}: {exc}") from None


if __name__ == "__main__":
    main(prog_name="python -m bot")
