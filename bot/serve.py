"""Run the bot: long polling or a webhook, each with /healthz and /metrics served over HTTP beside it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import signal
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from telegram.ext import Application

from .app import ALLOWED_UPDATES, RedactToken, news_bot_of, running
from .httpserver import BODY_TIMEOUT, HEADER_TIMEOUT, HttpServer, Webhook

log = logging.getLogger(__name__)

# Telegram's rule for a webhook secret: 1-256 characters, letters, digits, '_' and '-'.
SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def webhook_secret(given: str | None) -> str:
    """Return the secret Telegram must send with each update: the one given, or a strong random one.

    Raises ValueError when the given one is not something Telegram accepts.
    """
    if not given:
        return secrets.token_urlsafe(32)  # 43 characters from Telegram's alphabet, 256 random bits
    if not SECRET.fullmatch(given):
        raise ValueError("the webhook secret must be 1-256 characters: letters, digits, '_' and '-'")
    return given


@contextlib.asynccontextmanager
async def _until_stopped(stop: asyncio.Event, handle_signals: bool) -> AsyncIterator[None]:
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)


async def serve_polling(
    app: Application,
    listen: str = "127.0.0.1",
    port: int = 8080,
    *,
    stop: asyncio.Event | None = None,
    ready: asyncio.Future[int] | None = None,
    handle_signals: bool = True,
) -> None:
    """Long-poll Telegram until stop is set (or SIGINT/SIGTERM); /healthz and /metrics on listen:port meanwhile."""
    stop = stop or asyncio.Event()
    bot = news_bot_of(app)
    server = HttpServer(bot.provider, bot.metrics)
    async with _until_stopped(stop, handle_signals), running(app):
        bound = await server.start(listen, port)
        try:
            log.info("health and metrics on http://%s:%d/healthz and /metrics", listen, bound)
            if ready is not None:
                ready.set_result(bound)
            await stop.wait()
        finally:
            await server.stop()


async def serve_webhook(
    app: Application,
    webhook_url: str,
    listen: str = "127.0.0.1",
    port: int = 8080,
    secret_token: str | None = None,
    *,
    stop: asyncio.Event | None = None,
    ready: asyncio.Future[int] | None = None,
    handle_signals: bool = True,
    header_timeout: float | None = None,
    body_timeout: float | None = None,
) -> None:
    """Register webhook_url with Telegram and serve updates until stop is set (or SIGINT/SIGTERM arrives).

    Every update must carry the secret token: the one given, or one generated for this run and registered with
    setWebhook (never none). ready, when given, receives the bound port once updates are being accepted.
    """
    stop = stop or asyncio.Event()
    secret = webhook_secret(secret_token)
    if not secret_token:
        log.warning("webhook: no secret token given, so this run uses a random one (replicas need a shared one)")
    redact = RedactToken(secret)  # PTB logs setWebhook's parameters at debug level
    for name in ("telegram.Bot", "telegram.ext.ExtBot"):
        logging.getLogger(name).addFilter(redact)
    bot = news_bot_of(app)
    path = urlsplit(webhook_url).path or "/"
    server = HttpServer(
        bot.provider,
        bot.metrics,
        Webhook(app, path, secret),
        header_timeout=header_timeout or HEADER_TIMEOUT,
        body_timeout=body_timeout or BODY_TIMEOUT,
    )
    try:
        async with _until_stopped(stop, handle_signals), running(app):
            bound = await server.start(listen, port)
            try:
                await app.bot.set_webhook(webhook_url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))
                log.info("webhook: listening on %s:%d for %s (also /healthz and /metrics)", listen, bound, path)
                if ready is not None:
                    ready.set_result(bound)
                await stop.wait()
            finally:
                await server.stop()
    finally:
        for name in ("telegram.Bot", "telegram.ext.ExtBot"):
            logging.getLogger(name).removeFilter(redact)
