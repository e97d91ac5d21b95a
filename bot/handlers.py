"""Telegram update handlers: commands, questions, the "More" button, inline queries and the one error handler."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import re
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from index.ask.answer import Answer
from index.ask.texts import say
from index.errors import QuestionError

from . import texts
from .delivery import deliver
from .flood import FloodGuard, Verdict
from .metrics import Metrics
from .paging import QuestionStore, inline_offset, more_data, parse_more
from .reload import IndexProvider
from .render import escape, render_answer, render_sources, result_html

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
T = TypeVar("T")

PAGE_SIZE = 5
INLINE_PAGE = 10
TYPING_AFTER = 0.4  # seconds a search may take before the chat shows "typing…"
LOGGED_QUESTION = 80  # characters of a question written to the log


def _short(text: str, size: int = LOGGED_QUESTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _user_language(update: Update) -> str:
    """The language of the bot's own words for a user: their Telegram language when supported, else English."""
    user = update.effective_user
    return texts.user_language(user.language_code if user else None)


def question_in(message: Message, bot_username: str, bot_id: int) -> str | None:
    """Return the question a message asks the bot, or None when it is group chatter not addressed to the bot."""
    text = message.text or ""
    mention = re.compile(rf"(?<![\w@])@{re.escape(bot_username)}\b", re.IGNORECASE) if bot_username else None
    if message.chat.type != ChatType.PRIVATE:
        replied = message.reply_to_message
        to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
        if not to_bot and not (mention and mention.search(text)):
            return None
    return mention.sub(" ", text).strip() if mention else text.strip()


class NewsBot:
    """The bot's behaviour: answers questions from an IndexProvider, one handler per kind of update."""

    def __init__(
        self,
        provider: IndexProvider,
        *,
        flood: FloodGuard | None = None,
        inline_flood: FloodGuard | None = None,
        questions: QuestionStore | None = None,
        metrics: Metrics | None = None,
        page_size: int = PAGE_SIZE,
        workers: int | None = None,
        typing_after: float = TYPING_AFTER,
    ) -> None:
        self.provider = provider
        self.flood = flood or FloodGuard()
        # Inline queries arrive while people type, so they get a looser limit of their own.
        self.inline_flood = inline_flood or FloodGuard(burst=30, period=30.0)
        self.questions = questions or QuestionStore()
        self.metrics = metrics or Metrics(provider)
        self.page_size = page_size
        self.typing_after = typing_after
        self._workers = workers or min(16, (os.cpu_count() or 2) + 4)
        self._executor = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="search")
        self._searching = 0  # searches submitted and not finished (on the event loop thread only)
        # A chat's lock lives while a handler holds or awaits it, then drops out of this mapping by itself.
        self._chat_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._facts: tuple[str, texts.CorpusFacts] | None = None

    def close(self) -> None:
        """Stop the search threads (questions in flight finish first)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------ helpers
    async def _run(self, func: Callable[..., T], *args: Any) -> T:
        """Run blocking index work in the search threads, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, functools.partial(func, *args))

    async def search(self, question: str, offset: int = 0, limit: int | None = None) -> Answer:
        """Answer a question off the event loop."""
        self._searching += 1
        try:
            return await self._run(self.provider.answer, question, limit or self.page_size, offset)
        finally:
            self._searching -= 1

    async def _search_showing_typing(self, chat_id: int, question: str, offset: int, context: Context) -> Answer:
        """Search; when it takes a while, show "typing…" in the chat meanwhile (unless the bot is swamped)."""
        task = asyncio.ensure_future(self.search(question, offset))
        done, _ = await asyncio.wait({task}, timeout=self.typing_after)
        # Under a burst every search queues past the delay; more API calls then would only slow the answers.
        if not done and self._searching <= self._workers:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        return await task

    async def facts(self) -> texts.CorpusFacts:
        """Return the corpus description for /start and /help, worked out once per build."""
        with self.provider.searcher() as searcher:
            if self._facts is None or self._facts[0] != searcher.build_id:
                self._facts = (searcher.build_id, await self._run(texts.corpus_facts, searcher))
            return self._facts[1]

    @staticmethod
    async def _reply(message: Message, html: str, markup: InlineKeyboardMarkup | None = None) -> Message:
        """Reply in the message's chat (quoting it in groups), riding out flood control and network hiccups."""
        return await deliver(lambda: message.reply_html(html, reply_markup=markup))

    def _in_order(self, chat: Chat | None) -> contextlib.AbstractAsyncContextManager[Any]:
        """Serialise answers within a private chat, where replies do not quote their question.

        Updates are handled concurrently, so two quick questions could otherwise be answered in swapped order.
        Group replies quote their question, so groups (shared by many users) are not held up this way.
        """
        if chat is None or chat.type != ChatType.PRIVATE:
            return contextlib.nullcontext()
        lock = self._chat_locks.get(chat.id)
        if lock is None:
            lock = self._chat_locks[chat.id] = asyncio.Lock()
        return lock

    def _admit(self, update: Update, guard: FloodGuard | None = None) -> Verdict:
        user = update.effective_user
        key = user.id if user else (update.effective_chat.id if update.effective_chat else 0)
        return (guard or self.flood).check(key)

    async def _flooded(self, update: Update, message: Message | None) -> bool:
        """Return True when the user is over their limit; the first refused request is told to slow down."""
        verdict = self._admit(update)
        if verdict is Verdict.ALLOW:
            return False
        user_id = update.effective_user.id if update.effective_user else None
        log.info("flood: user=%s verdict=%s", user_id, verdict.value)
        self.metrics.refusals.labels(reason="flood").inc()
        if verdict is Verdict.WARN and message is not None:
            wait = self.flood.retry_after(user_id or 0)
            await self._reply(message, texts.slow_down(wait, _user_language(update)))
        return True

    # ----------------------------------------------------------------- commands
    async def start(self, update: Update, context: Context) -> None:
        """/start: greet and say what the bot knows, with example questions."""
        message = update.effective_message
        if message is None or await self._flooded(update, message):
            return
        user = update.effective_user
        lang = _user_language(update)
        await self._reply(message, texts.welcome(await self.facts(), user.first_name if user else None, lang))

    async def help(self, update: Update, context: Context) -> None:
        """/help: how to ask, with examples, and the commands."""
        message = update.effective_message
        if message is None or await self._flooded(update, message):
            return
        await self._reply(message, texts.help_text(await self.facts(), context.bot.username, _user_language(update)))

    async def sources(self, update: Update, context: Context) -> None:
        """/sources: the articles in the corpus."""
        message = update.effective_message
        if message is None or await self._flooded(update, message):
            return
        documents = await self._run(self.provider.documents)
        for part in render_sources(documents):
            await self._reply(message, part)

    async def ask(self, update: Update, context: Context) -> None:
        """/ask <question>: a question as a command, which reaches the bot in groups even in privacy mode."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        parts = message.text.split(maxsplit=1)  # "/ask", then the question
        question = parts[1] if len(parts) > 1 else ""
        if not question.strip():
            if not await self._flooded(update, message):
                await self._reply(message, texts.ASK_USAGE)
            return
        await self._answer(update, context, message, question)

    async def unknown_command(self, update: Update, context: Context) -> None:
        """An unknown /command in a private chat, or one addressed to this bot in a group."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        command = message.text.split(maxsplit=1)[0]
        addressed = "@" not in command or command.lower().endswith(f"@{(context.bot.username or '').lower()}")
        meant_for_us = (message.chat.type == ChatType.PRIVATE or "@" in command) and addressed
        if meant_for_us and not await self._flooded(update, message):
            await self._reply(message, texts.UNKNOWN_COMMAND)

    async def not_text(self, update: Update, context: Context) -> None:
        """A sticker, photo or other non-text message in a private chat."""
        message = update.effective_message
        if message is not None and not await self._flooded(update, message):
            await self._reply(message, texts.NOT_TEXT)

    # ---------------------------------------------------------------- questions
    async def text(self, update: Update, context: Context) -> None:
        """Any text message in a private chat, or one that mentions or replies to the bot in a group."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        question = question_in(message, context.bot.username or "", context.bot.id)
        if question is None:
            return  # group chatter not meant for the bot
        await self._answer(update, context, message, question)

    async def _answer(self, update: Update, context: Context, message: Message, question: str) -> None:
        if await self._flooded(update, message):
            return
        user = update.effective_user
        started = time.perf_counter()
        async with self._in_order(message.chat):
            try:
                result = await self._search_showing_typing(message.chat_id, question, 0, context)
            except QuestionError as exc:
                await self._reply(message, escape(str(exc)))
                outcome, shown, total = "bad_question", 0, 0
            else:
                page = render_answer(result)
                markup = None
                if page.next_offset is not None:
                    qid = self.questions.add(result.question)
                    markup = self._more_button(qid, page.next_offset, page.remaining, result.question_language)
                await self._reply(message, page.html, markup)
                outcome, shown, total = ("answered" if result.answered else "nothing_found"), page.shown, result.total
        self.metrics.question(outcome, time.perf_counter() - started)
        log.info(
            "question user=%s chat=%s %s results=%d/%d ms=%.0f q=%r",
            user.id if user else None, message.chat_id, outcome, shown, total,
            (time.perf_counter() - started) * 1000, _short(question),
        )  # fmt: skip

    @staticmethod
    def _more_button(qid: str, offset: int, remaining: int, lang: str = "en") -> InlineKeyboardMarkup:
        label = say(lang, "more", remaining=remaining)
        return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=more_data(qid, offset))]])

    async def more(self, update: Update, context: Context) -> None:
        """The "More" button: send the next page of an answer and take the button off the previous one."""
        query = update.callback_query
        if query is None:
            return
        parsed = parse_more(query.data)
        if parsed is None:
            await query.answer()
            return
        qid, offset = parsed
        if self._admit(update) is not Verdict.ALLOW:
            wait = self.flood.retry_after(query.from_user.id)
            await query.answer(texts.slow_down(wait, texts.user_language(query.from_user.language_code)))
            return
        question = self.questions.get(qid)
        if question is None:
            await query.answer(texts.EXPIRED)
            await self._drop_button(query)
            return
        if not self.questions.claim(qid, offset):
            await query.answer(texts.ALREADY_SHOWN)
            return
        await query.answer()
        started = time.perf_counter()
        chat = query.message.chat if query.message else None
        chat_id = chat.id if chat else query.from_user.id
        try:
            async with self._in_order(chat):
                result = await self._search_showing_typing(chat_id, question, offset, context)
                page = render_answer(result)
                markup = None
                if page.next_offset is not None:
                    markup = self._more_button(qid, page.next_offset, page.remaining, result.question_language)
                await deliver(lambda: context.bot.send_message(chat_id, page.html, reply_markup=markup))
        except BaseException:
            self.questions.release(qid, offset)  # let the button be pressed again
            raise
        await self._drop_button(query)
        self.metrics.question("answered" if result.answered else "nothing_found", time.perf_counter() - started)
        log.info(
            "more user=%s chat=%s offset=%d results=%d/%d ms=%.0f q=%r",
            query.from_user.id, chat_id, offset, page.shown, result.total, (time.perf_counter() - started) * 1000,
            _short(question),
        )  # fmt: skip

    @staticmethod
    async def _drop_button(query: CallbackQuery) -> None:
        """Remove the "More" button from the message it was pressed on (already gone is fine)."""
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(reply_markup=None)

    # ------------------------------------------------------------------- inline
    async def inline(self, update: Update, context: Context) -> None:
        """Inline mode (@bot question in any chat): each quoted sentence is a result to post."""
        query = update.inline_query
        if query is None:
            return
        text = query.query.strip()
        if not text or self._admit(update, self.inline_flood) is not Verdict.ALLOW:
            await query.answer([], cache_time=5)
            return
        offset = inline_offset(query.offset)
        try:
            result = await self.search(text, offset, INLINE_PAGE)
        except QuestionError as exc:
            await query.answer([self._inline_article("refused", "Cannot answer that", str(exc), escape(str(exc)))])
            return
        if not result.answered:
            page = render_answer(result)
            await query.answer([self._inline_article("none", "Nothing found", page.html, page.html)], cache_time=60)
            return
        articles = [
            self._inline_article(
                f"{offset + n}", r.speaker or r.title, r.text, result_html(r, 4000), description=r.title
            )
            for n, r in enumerate(result.results)
        ]
        following = offset + len(result.results)
        await query.answer(articles, cache_time=60, next_offset=str(following) if following < result.total else "")

    @staticmethod
    def _inline_article(
        result_id: str, title: str, text: str, message_html: str, description: str | None = None
    ) -> InlineQueryResultArticle:
        summary = " ".join(text.split())
        return InlineQueryResultArticle(
            id=result_id,
            title=title[:100] or "Result",
            description=(f"{summary[:150]} — {description[:60]}" if description else summary[:200]),
            input_message_content=InputTextMessageContent(message_html, parse_mode=ParseMode.HTML),
        )

    # -------------------------------------------------------------------- errors
    async def on_error(self, update: object, context: Context) -> None:
        """The one error handler: log the traceback, tell the user in one line; it never raises itself."""
        try:
            await self._report_error(update, context)
        except Exception:  # e.g. a Bot API reply PTB cannot parse (TypeError): log it, never hand it back to PTB
            log.exception("the error handler failed")

    async def _report_error(self, update: object, context: Context) -> None:
        self.metrics.errors.inc()
        error = context.error
        if update is None and isinstance(error, NetworkError):
            log.warning("Telegram is unreachable: %s", error)  # polling retries by itself
            return
        who = ""
        if isinstance(update, Update):
            user, chat = update.effective_user, update.effective_chat
            who = f" (user={user.id if user else None} chat={chat.id if chat else None})"
        if isinstance(error, Forbidden):  # blocked by the user or removed from the group: nobody to tell
            log.warning("cannot write to the chat%s: %s", who, error)
            return
        log.error("error while handling an update%s", who, exc_info=error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if update.callback_query is not None:
            with contextlib.suppress(Exception):
                await update.callback_query.answer()
        chat_id = update.effective_chat.id
        try:
            await deliver(lambda: context.bot.send_message(chat_id, texts.SORRY), attempts=2)
        except Exception as exc:  # TelegramError, or a reply that could not be parsed
            log.warning("could not tell chat %s about the error: %s: %s", chat_id, type(exc).__name__, exc)
