"""The python-telegram-bot Application: handlers, defaults, start-up and shut-down hooks."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
from collections.abc import AsyncIterator
from typing import Any, cast

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from .handlers import NewsBot
from .paging import PREFIX
from .reload import DEFAULT_RELOAD_INTERVAL, IndexProvider
from .updates import BoundedUpdateProcessor

log = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.telegram.org"
COMMANDS = (
    BotCommand("ask", "Ask a question about the news"),
    BotCommand("sources", "List the articles I quote from"),
    BotCommand("help", "How to ask, with examples"),
    BotCommand("start", "What I know"),
)
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY)
NEWS_BOT = "newsbot"  # the key of the NewsBot in application.bot_data
# Retries on Telegram's flood control (429 RetryAfter) after waiting as told; AIORateLimiter does them.
RETRY_AFTER_RETRIES = 3
# Loggers that write API URLs (which contain the token): PTB's bots at DEBUG, httpx and httpcore at INFO and DEBUG.
TOKEN_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot", "httpx", "httpcore")


class RedactToken(logging.Filter):
    """Replaces the bot token with '<token>' in every log line that would contain it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without the token; never drops a record."""
        if not self.token:
            return True
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), None
        return True


def api_urls(base: str | None) -> tuple[str, str]:
    """Return PTB's (base_url, base_file_url) for a Bot API server address such as http://localhost:8081."""
    base = (base or DEFAULT_API_BASE_URL).strip().rstrip("/")
    if "{token}" in base:  # already in PTB's own template form
        return base, base.replace("/bot{token}", "/file/bot{token}")
    root = base.removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def build_application(
    token: str,
    provider: IndexProvider,
    base_url: str | None = None,
    *,
    news_bot: NewsBot | None = None,
    reload_interval: float = DEFAULT_RELOAD_INTERVAL,
    reload_on_sighup: bool = False,
    polling: bool = True,
    concurrent_updates: int = 256,
    queued_updates: int = 1024,
    connection_pool_size: int = 64,
    pool_timeout: float = 5.0,
    rate_limit: bool = True,
) -> Application:
    """Return the bot's Application, talking to base_url (Telegram's own server by default).

    The index is watched for new builds every reload_interval seconds (0: never) and, with reload_on_sighup,
    reloaded on SIGHUP. Up to concurrent_updates updates are handled at once and up to queued_updates more wait;
    further ones are shed (see bot.updates). They share connection_pool_size connections to the Bot API (a burst of
    replies waits up to pool_timeout seconds for one). Outgoing messages keep to Telegram's limits (30 a second,
    20 a minute per group) through PTB's AIORateLimiter, which also waits out and retries flood control, unless
    rate_limit is False. With polling=False there is no Updater: updates come from a webhook (see bot.serve).
    """
    for noisy in ("httpx", "httpcore"):  # they log every request URL, and those contain the token
        logging.getLogger(noisy).setLevel(logging.WARNING)
    redact = RedactToken(token)
    for name in TOKEN_LOGGERS:
        if not any(isinstance(f, RedactToken) and f.token == token for f in logging.getLogger(name).filters):
            logging.getLogger(name).addFilter(redact)
    bot = news_bot or NewsBot(provider)
    api_url, file_url = api_urls(base_url)
    watcher: list[asyncio.Task[None]] = []

    async def post_init(app: Application) -> None:
        try:
            await app.bot.set_my_commands(list(COMMANDS))
        except TelegramError as exc:  # the bot works without its command menu
            log.warning("could not register the command menu: %s", exc)
        watcher.append(asyncio.create_task(provider.watch(reload_interval), name="index-watcher"))
        if reload_on_sighup:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, provider.request_reload)
        log.info("bot @%s serving index build %s (%s)", app.bot.username, provider.build_id, provider.folder)

    async def post_shutdown(app: Application) -> None:
        if reload_on_sighup:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        for task in watcher:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        bot.close()

    builder = (
        Application.builder()
        .token(token)
        .base_url(api_url)
        .base_file_url(file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .concurrent_updates(
            BoundedUpdateProcessor(concurrent_updates, queued_updates, on_shed=lambda _: bot.metrics.updates_shed.inc())
        )
        .connection_pool_size(connection_pool_size)
        .pool_timeout(pool_timeout)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if rate_limit:
        builder = cast(Any, builder).rate_limiter(AIORateLimiter(max_retries=RETRY_AFTER_RETRIES))
    if not polling:
        builder = builder.updater(None)
    app = builder.build()
    app.bot_data[NEWS_BOT] = bot
    add_handlers(app, bot)
    return app


def news_bot_of(app: Application) -> NewsBot:
    """Return the NewsBot an application built by build_application serves."""
    bot = app.bot_data.get(NEWS_BOT)
    if not isinstance(bot, NewsBot):
        raise TypeError("the application was not made by build_application")
    return bot


def add_handlers(app: Application, bot: NewsBot) -> None:
    """Register the bot's handlers and its one error handler."""
    message = filters.UpdateType.MESSAGE
    app.add_handlers(
        [
            CommandHandler("start", bot.start, filters=message),
            CommandHandler("help", bot.help, filters=message),
            CommandHandler("sources", bot.sources, filters=message),
            CommandHandler("ask", bot.ask, filters=message),
            MessageHandler(message & filters.COMMAND, bot.unknown_command),
            MessageHandler(message & filters.TEXT, bot.text),
            MessageHandler(message & filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, bot.not_text),
            CallbackQueryHandler(bot.more, pattern=rf"^{PREFIX}:"),
            InlineQueryHandler(bot.inline),
        ]
    )
    app.add_error_handler(bot.on_error)


@contextlib.asynccontextmanager
async def running(app: Application, *, poll_timeout: float = 10.0) -> AsyncIterator[Application]:
    """Run the application inside an `async with` block, in the order `run_polling` uses.

    Polls for updates when the application has an Updater; without one, feed app.update_queue yourself.
    """
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        if app.updater is not None:

            def on_polling_error(exc: TelegramError) -> None:
                app.create_task(app.process_error(error=exc, update=None))

            await app.updater.start_polling(
                timeout=dt.timedelta(seconds=poll_timeout),
                allowed_updates=list(ALLOWED_UPDATES),
                error_callback=on_polling_error,
            )
        await app.start()
        try:
            yield app
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
                if app.post_stop:
                    await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
