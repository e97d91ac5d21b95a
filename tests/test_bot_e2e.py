"""End-to-end tests: the real Application, long polling a fake Telegram Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot import texts
from bot.app import COMMANDS, build_application, running
from bot.flood import FloodGuard
from bot.handlers import NewsBot
from bot.reload import IndexProvider
from bot.render import MAX_MESSAGE
from bot.serve import serve_webhook
from index.ask.answer import Answer
from index.build.full import build_index
from index.build.incremental import add_files
from index.config import DEFAULT_CORPUS_DIR
from testkit.fake_telegram import FakeTelegram, SentMessage, run_async
from testkit.telegram_html import parse_html

pytestmark = pytest.mark.timeout(60)

ALICE, BOB, GROUP = 1001, 1002, -100500
POLYANSKY = "What did Polyansky say?"
POLYANSKY_TITLE = "Moscow warns of direct clash with NATO"
NEW_ARTICLE = """---
title: "Zebra parliament votes for purple crosswalks"
source: "Savanna Times"
url: "https://savanna.example/zebra?id=1&lang=en"
published: "2024-05-10"
language: en
---
Zebra parliament votes for purple crosswalks

The zebra parliament voted on Tuesday to paint every crosswalk in the savanna purple.

“Stripes are our heritage, but purple is our future,” said Zola Mbeki, the speaker of the zebra parliament.
"""
HTML_QUESTION = "<b>Borscht</b> & <script>recipe()</script> &amp; soup?"
NEW_SENTENCE = "The zebra parliament voted on Tuesday to paint every crosswalk in the savanna purple."


@pytest.fixture(scope="module")
def provider(fake_index: Path, fake_encoder) -> IndexProvider:
    """The real corpus, searched with the fake encoder."""
    provider = IndexProvider.open(fake_index, encoder=fake_encoder)
    yield provider
    provider.close()


@pytest.fixture
def fake() -> FakeTelegram:
    with FakeTelegram() as server:
        yield server


@asynccontextmanager
async def serving(fake: FakeTelegram, provider: IndexProvider, **options) -> AsyncIterator[None]:
    """Run the bot against the fake server for the duration of the block."""
    options.setdefault("reload_interval", 0)
    app = build_application(fake.token, provider, fake.base_url, **options)
    async with running(app, poll_timeout=1):
        yield


def rejected(fake: FakeTelegram) -> list[tuple[str, str]]:
    """Calls the fake refused (as Telegram would have), except long-poll bookkeeping."""
    return [
        (c.method, c.response.get("description", "")) for c in fake.calls() if not c.ok and c.method != "getUpdates"
    ]


def reply_to(fake: FakeTelegram, chat: int, message_id: int) -> SentMessage:
    """The bot's reply to one user message."""
    return next(m for m in fake.sent_messages(chat) if m.reply_to_message_id == message_id)


async def ask(
    fake: FakeTelegram, chat: int, text: str, timeout: float = 10, command: bool = False, **kwargs
) -> SentMessage:
    """Send a message (or a /command) and return the bot's next message in that chat."""
    before = len(fake.sent_messages(chat))
    (fake.push_command if command else fake.push_message)(chat, text, **kwargs)
    return (await fake.wait_for_messages_async(chat, before + 1, timeout=timeout))[before]


async def quiet(fake: FakeTelegram, seconds: float = 0.5) -> None:
    """Give the bot time to (wrongly) send more, so that a test can assert it did not."""
    await asyncio.sleep(seconds)


def test_commands_and_command_menu(fake: FakeTelegram, provider: IndexProvider) -> None:
    async def scenario() -> list[SentMessage]:
        async with serving(fake, provider):
            for command in ("/start", "/help", "/sources", "/ask", "/frobnicate"):
                fake.push_command(ALICE, command)
                await fake.wait_for_messages_async(ALICE, len(fake.sent_messages(ALICE)) + 1)
            await quiet(fake, 0.2)
            return fake.sent_messages(ALICE)

    start, help_, sources, ask_usage, unknown = (m.plain_text for m in run_async(scenario(), 30))
    assert start.startswith("Hello, Tester! I answer questions about the news")
    assert "2 news articles" in start and "• What did" in start and "/help" in start
    assert "How to ask" in help_ and "@news_test_bot" in help_ and "/sources" in help_ and "/ask" in help_
    assert sources.startswith("The corpus holds 2 articles:") and POLYANSKY_TITLE in sources
    assert "Exclusive: NATO Warns of ‘Fatal’ Consequences" in sources
    assert ask_usage.startswith("Put the question after the command")
    assert unknown == texts.UNKNOWN_COMMAND
    assert fake.commands() == [{"command": c.command, "description": c.description} for c in COMMANDS]
    assert rejected(fake) == []


def test_question_is_answered_with_cited_sentences_and_pages(fake: FakeTelegram, provider: IndexProvider) -> None:
    bot = NewsBot(provider, page_size=2, flood=FloodGuard(burst=20))  # each page is a search, and counts

    async def scenario() -> tuple[list[SentMessage], list[str | None]]:
        async with serving(fake, provider, news_bot=bot):
            first = await ask(fake, ALICE, POLYANSKY)
            answers: list[str | None] = []
            message = first
            while message.buttons:
                data = message.buttons[0]["callback_data"]
                query = fake.push_callback(ALICE, message.message_id, data)
                count = len(fake.sent_messages(ALICE))
                message = (await fake.wait_for_messages_async(ALICE, count + 1))[count]
                answers.append((fake.callback_answer(query) or {}).get("text"))
            # pressing an old button again does not send its page twice
            repeat = fake.push_callback(ALICE, first.message_id, data)
            await fake.wait_until_async(lambda: fake.callback_answer(repeat) is not None)
            answers.append(fake.callback_answer(repeat).get("text"))
            return fake.sent_messages(ALICE), answers

    messages, callback_texts = run_async(scenario(), 40)
    first = messages[0]
    assert first.plain_text.startswith("What Dmitry Polyansky said — 1–2 of ")
    total = int(first.plain_text.split(" of ")[1].split()[0])
    assert total >= 3 and len(messages) == (total + 1) // 2
    assert POLYANSKY_TITLE in first.plain_text and "— Dmitry Polyansky in" in first.plain_text
    assert any(e["type"] == "blockquote" for e in first.entities)
    assert messages[1].plain_text.startswith(f"What Dmitry Polyansky said — 3–{min(4, total)} of {total}")
    assert all(not m.buttons for m in messages)  # each "More" button is removed once pressed; the last page has none
    assert callback_texts[:-1] == [None] * (len(messages) - 1) and callback_texts[-1] == texts.ALREADY_SHOWN
    quotes = [m.plain_text for m in messages]
    assert len(set(quotes)) == len(quotes)
    assert rejected(fake) == []


def test_nothing_relevant_is_a_plain_no_answer(fake: FakeTelegram, provider: IndexProvider) -> None:
    async def scenario() -> SentMessage:
        async with serving(fake, provider):
            return await ask(fake, ALICE, "How do penguins knit scarves?")

    reply = run_async(scenario())
    assert reply.plain_text == "I found nothing in the corpus about “How do penguins knit scarves?”."
    assert not reply.buttons and not reply.entities


def test_bad_inputs_each_get_a_sensible_reply(fake: FakeTelegram, provider: IndexProvider) -> None:
    inputs = {
        "   ": "The question is empty",
        "x" * 10_000: "The question is 10000 characters long; please keep it under 1000.",
        "😀🔥🎉": "The question has no words in it",
        "<b>hi</b> & <script>alert(1)</script> &amp;": "",
        "@news_test_bot": "The question is empty",
    }

    async def scenario() -> dict[str, str]:
        async with serving(fake, provider):
            return {text: (await ask(fake, ALICE, text)).plain_text for text in inputs}

    replies = run_async(scenario(), 30)
    for text, expected in inputs.items():
        assert replies[text].startswith(expected), (text[:40], replies[text])
    html_reply = replies["<b>hi</b> & <script>alert(1)</script> &amp;"]
    assert "<script>alert(1)</script> &amp;" in html_reply or html_reply.startswith("From the news corpus")
    assert rejected(fake) == []
    assert len(fake.sent_messages(ALICE)) == len(inputs)


def test_long_sentences_are_split_across_pages_never_rejected(fake: FakeTelegram, fake_encoder, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # Each sentence repeats the topic (so it matches) with words of its own (so none is a duplicate of another).
    clause = "the walrus committee discussed herring quotas & <tariffs> with delegate{i} of harbour{i} and town{i} "
    body = "\n\n".join(
        f"Walrus report {i}: " + (clause.format(i=i) * (250 if i == 0 else 40)).strip() + f" in meeting {i}."
        for i in range(6)
    )
    (corpus / "walrus.md").write_text(f"---\ntitle: Walrus herring quotas\n---\nWalrus herring quotas\n\n{body}\n")
    root = tmp_path / "index"
    build_index(corpus, root, fake_encoder)
    provider = IndexProvider.open(root, encoder=fake_encoder)

    async def scenario() -> list[SentMessage]:
        async with serving(fake, provider, news_bot=NewsBot(provider, flood=FloodGuard(100))):
            message = await ask(fake, ALICE, "What did the walrus committee discuss about herring quotas and tariffs?")
            pages = [message]
            while message.buttons and len(pages) < 10:
                fake.push_callback(ALICE, message.message_id, message.buttons[0]["callback_data"])
                message = (await fake.wait_for_messages_async(ALICE, len(pages) + 1))[len(pages)]
                pages.append(message)
            return pages

    try:
        pages = run_async(scenario(), 30)
    finally:
        provider.close()
    assert rejected(fake) == []
    assert all(len(p.text) <= MAX_MESSAGE for p in pages)
    assert len(pages) >= 3  # five long sentences do not fit one message: the rest comes with "More"
    assert any(p.plain_text.count("…") for p in pages)  # the 24,000-character sentence is trimmed
    assert sum(p.plain_text.count("— Walrus herring quotas") for p in pages) == 6


def test_group_answers_mentions_and_replies_only(fake: FakeTelegram, provider: IndexProvider) -> None:
    async def scenario() -> dict[str, int]:
        async with serving(fake, provider):
            ids = {"chatter": fake.push_message(GROUP, "Polyansky said what now?", chat_type="group", user_id=7)}
            ids["other bot"] = fake.push_command(GROUP, "/help@some_other_bot", chat_type="group", user_id=7)
            mention = await ask(fake, GROUP, f"@News_Test_Bot {POLYANSKY}", chat_type="group", user_id=7)
            reply = await ask(fake, GROUP, POLYANSKY, chat_type="group", user_id=8, reply_to_bot=True)
            help_ = await ask(fake, GROUP, "/help@news_test_bot", chat_type="group", user_id=8, command=True)
            command = await ask(
                fake, GROUP, f"/ask@news_test_bot {POLYANSKY}", chat_type="group", user_id=9, command=True
            )
            await quiet(fake)
            return {"mention": mention, "reply": reply, "help": help_, "command": command}

    replies = run_async(scenario(), 30)
    assert len(fake.sent_messages(GROUP)) == 4
    for name in ("mention", "reply", "command"):
        message = replies[name]
        assert message.plain_text.startswith("What Dmitry Polyansky said"), name
        assert message.reply_to_message_id is not None  # in groups the answer quotes its question
    assert replies["help"].plain_text.startswith("How I answer")
    assert rejected(fake) == []


def test_flood_protection_warns_once_and_spares_other_users(fake: FakeTelegram, provider: IndexProvider) -> None:
    bot = NewsBot(provider, flood=FloodGuard(burst=3, period=60))

    async def scenario() -> None:
        async with serving(fake, provider, news_bot=bot):
            for _ in range(7):
                fake.push_message(ALICE, POLYANSKY)
            await fake.wait_for_messages_async(ALICE, 4)
            await quiet(fake)
            await ask(fake, BOB, POLYANSKY)

    run_async(scenario(), 30)
    alice = [m.plain_text for m in fake.sent_messages(ALICE)]
    assert len(alice) == 4
    assert sum(t.startswith("What Dmitry Polyansky said") for t in alice) == 3
    warnings = [t for t in alice if t.startswith("You're asking faster than I can answer. Please wait")]
    assert len(warnings) == 1
    assert fake.last_message(BOB).plain_text.startswith("What Dmitry Polyansky said")


def test_telegram_flood_control_and_server_errors_are_ridden_out(fake: FakeTelegram, provider: IndexProvider) -> None:
    async def scenario() -> tuple[SentMessage, float, SentMessage]:
        async with serving(fake, provider):
            fake.fail_next("sendMessage", 429, retry_after=1)
            started = time.monotonic()
            waited = await ask(fake, ALICE, POLYANSKY)
            elapsed = time.monotonic() - started
            fake.fail_next("sendMessage", 500, times=2)
            return waited, elapsed, await ask(fake, BOB, POLYANSKY)

    waited, elapsed, retried = run_async(scenario())
    assert waited.plain_text.startswith("What Dmitry Polyansky said") and elapsed >= 1.0
    assert retried.plain_text.startswith("What Dmitry Polyansky said")
    assert [c.status for c in fake.calls("sendMessage")] == [429, 200, 500, 500, 200]


class BrokenProvider(IndexProvider):
    """Fails every question, as an unexpected bug would."""

    def answer(self, text: str, limit: int = 5, offset: int = 0) -> Answer:
        raise RuntimeError("index exploded")


def test_errors_are_logged_and_reported_in_one_line(
    fake: FakeTelegram, fake_index: Path, fake_encoder, caplog: pytest.LogCaptureFixture
) -> None:
    broken = BrokenProvider(fake_index, encoder=fake_encoder)
    broken.reload(force=True)
    caplog.set_level(logging.INFO)

    async def scenario() -> tuple[SentMessage, SentMessage]:
        async with serving(fake, broken):
            failed = await ask(fake, ALICE, POLYANSKY)
            still_fine = await ask(fake, ALICE, "/help", command=True)
            return failed, still_fine

    try:
        failed, still_fine = run_async(scenario())
    finally:
        broken.close()
    assert failed.plain_text == "Sorry, something went wrong while answering; please try again."
    assert still_fine.plain_text.startswith("How I answer")
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info and "index exploded" in str(errors[0].exc_info[1])
    assert f"user={ALICE}" in errors[0].getMessage()


class SlowProvider(IndexProvider):
    """Takes 3 seconds over questions that mention a snail."""

    def answer(self, text: str, limit: int = 5, offset: int = 0) -> Answer:
        if "snail" in text:
            time.sleep(3)
        return super().answer(text, limit, offset)


def test_a_slow_question_does_not_hold_up_other_users(fake: FakeTelegram, fake_index: Path, fake_encoder) -> None:
    slow = SlowProvider(fake_index, encoder=fake_encoder)
    slow.reload(force=True)

    async def scenario() -> tuple[float, float, list[SentMessage]]:
        async with serving(fake, slow):
            started = time.monotonic()
            fake.push_message(ALICE, "What did Polyansky say about the snail?")
            await asyncio.sleep(0.1)
            fake.push_message(ALICE, POLYANSKY)  # her own next question waits for her first answer
            await ask(fake, BOB, POLYANSKY)
            bob = time.monotonic() - started
            alice = await fake.wait_for_messages_async(ALICE, 2, timeout=10)
            return bob, alice[0].sent_at - fake.updates()[0].delivered_at, alice

    try:
        bob, alice_first, alice = run_async(scenario())
    finally:
        slow.close()
    assert bob < 1.5 < 3 <= alice_first  # Bob was not held up; Alice's first answer is her slow question's
    assert alice[1].plain_text.startswith("What Dmitry Polyansky said — 1–5")  # her answers came in the order asked
    assert any(c.params.get("chat_id") == ALICE for c in fake.calls("sendChatAction"))  # "typing…" meanwhile


def test_inline_mode_offers_quotes(fake: FakeTelegram, provider: IndexProvider) -> None:
    async def scenario() -> tuple[dict, dict]:
        async with serving(fake, provider):
            query = fake.push_inline_query(POLYANSKY)
            empty = fake.push_inline_query("   ")
            await fake.wait_until_async(lambda: fake.inline_answer(query) and fake.inline_answer(empty))
            return fake.inline_answer(query), fake.inline_answer(empty)

    answer, empty = run_async(scenario())
    assert empty["results"] == []
    results = answer["results"]
    assert results and all(r["type"] == "article" for r in results)
    assert len({r["id"] for r in results}) == len(results)
    for result in results:
        content = result["input_message_content"]
        plain, _ = parse_html(content["message_text"])
        assert POLYANSKY_TITLE in plain and len(plain) <= MAX_MESSAGE and content["parse_mode"] == "HTML"


def test_webhook_mode_receives_updates_over_http(fake: FakeTelegram, provider: IndexProvider) -> None:
    async def scenario() -> tuple[list[int], SentMessage]:
        app = build_application(fake.token, provider, fake.base_url, polling=False, reload_interval=0)
        stop, ready = asyncio.Event(), asyncio.get_running_loop().create_future()
        url = "https://bot.example/telegram/hook"
        server = asyncio.create_task(
            serve_webhook(app, url, "127.0.0.1", 0, "s3cret", stop=stop, ready=ready, handle_signals=False)
        )
        port = await asyncio.wait_for(ready, 10)
        fake.push_message(ALICE, POLYANSKY)  # registers the chat; the update is then delivered by webhook
        update = fake.updates()[-1].update
        statuses = []
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for path, secret in (("/telegram/hook", "wrong"), ("/elsewhere", "s3cret"), ("/telegram/hook", "s3cret")):
                response = await client.post(path, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
                statuses.append(response.status_code)
            statuses.append((await client.get("/healthz")).status_code)
        [reply] = await fake.wait_for_messages_async(ALICE, 1)
        stop.set()
        await asyncio.wait_for(server, 10)
        return statuses, reply

    statuses, reply = run_async(scenario())
    assert statuses == [403, 404, 200, 200]
    assert reply.plain_text.startswith("What Dmitry Polyansky said")
    [hook] = fake.calls("setWebhook")
    assert hook.params["url"] == "https://bot.example/telegram/hook" and hook.params["secret_token"] == "s3cret"
    assert fake.calls("getUpdates") == []


def test_logs_say_who_asked_what_and_how_long_without_the_token(
    fake: FakeTelegram, provider: IndexProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario() -> None:
        async with serving(fake, provider):
            await ask(fake, ALICE, POLYANSKY)

    run_async(scenario())
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.handlers"]
    assert any(
        f"user={ALICE}" in line and " answered results=5/" in line and "ms=" in line and "Polyansky" in line
        for line in lines
    )
    assert fake.token not in caplog.text
    assert fake.token.split(":")[1] not in caplog.text


# ------------------------------------------------------------------------------------------- index reloads
def _write_article(folder: Path) -> Path:
    path = folder / "zebra.md"
    path.write_text(NEW_ARTICLE)
    return path


def test_index_added_to_while_running_is_picked_up_without_failing_a_question(
    fake: FakeTelegram, writable_fake_index: Path, fake_encoder, tmp_path: Path
) -> None:
    provider = IndexProvider.open(writable_fake_index, encoder=fake_encoder)
    old_build = provider.build_id
    article = _write_article(tmp_path)

    async def scenario() -> tuple[SentMessage, SentMessage, list[SentMessage], int, str]:
        async with serving(fake, provider, reload_interval=0.1, news_bot=NewsBot(provider, flood=FloodGuard(1000))):
            before = await ask(fake, ALICE, NEW_SENTENCE)
            asked = 0
            adding = asyncio.create_task(asyncio.to_thread(add_files, [article], writable_fake_index, fake_encoder))
            # keep asking while the index is rebuilt and swapped, until the new build serves
            while not adding.done() or provider.build_id == old_build:
                await ask(fake, BOB, POLYANSKY)
                asked += 1
            await adding
            after = await ask(fake, ALICE, NEW_SENTENCE)
            return before, after, fake.sent_messages(BOB), asked, provider.build_id

    try:
        before, after, bob, asked, new_build = run_async(scenario(), 40)
    finally:
        provider.close()
    assert new_build != old_build and provider.reloads == 1
    assert NEW_SENTENCE not in before.plain_text
    assert after.plain_text.startswith("From the news corpus")
    assert NEW_SENTENCE in after.plain_text
    assert "Zebra parliament votes for purple crosswalks, Savanna Times, 10 May 2024" in after.plain_text
    link = next(e for e in after.entities if e["type"] == "text_link")
    assert link["url"] == "https://savanna.example/zebra?id=1&lang=en"
    assert len(bob) == asked >= 1 and all(m.plain_text.startswith("What Dmitry Polyansky said") for m in bob)
    assert rejected(fake) == []


def test_rebuild_is_picked_up_on_sighup(
    fake: FakeTelegram, writable_fake_index: Path, fake_encoder, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS_DIR, corpus)
    _write_article(corpus)
    provider = IndexProvider.open(writable_fake_index, encoder=fake_encoder)
    old_build = provider.build_id

    async def scenario() -> tuple[SentMessage, SentMessage, str]:
        async with serving(fake, provider, reload_interval=0, reload_on_sighup=True):
            before = await ask(fake, ALICE, NEW_SENTENCE)
            await asyncio.to_thread(build_index, corpus, writable_fake_index, fake_encoder)
            await asyncio.sleep(0.3)
            unchanged = provider.build_id  # no polling: the new build waits for the signal
            os.kill(os.getpid(), signal.SIGHUP)
            await fake.wait_until_async(lambda: provider.build_id != old_build, timeout=10, what="reload")
            return before, await ask(fake, ALICE, NEW_SENTENCE), unchanged

    try:
        before, after, unchanged = run_async(scenario(), 40)
    finally:
        provider.close()
    assert unchanged == old_build
    assert NEW_SENTENCE not in before.plain_text and NEW_SENTENCE in after.plain_text


# -------------------------------------------------------------------------------------- the real model
@pytest.fixture(scope="module")
def real_provider(real_index: Path, real_encoder) -> IndexProvider:
    """The real corpus with the packaged all-MiniLM-L6-v2 model."""
    provider = IndexProvider.open(real_index, encoder=real_encoder)
    yield provider
    provider.close()


def test_real_model_answers_polyansky_and_not_borscht(
    fake: FakeTelegram, real_provider: IndexProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = [POLYANSKY, "What is the recipe for borscht?", "What did Rutte say about Russia?", HTML_QUESTION]

    async def scenario() -> list[SentMessage]:
        async with serving(fake, real_provider, news_bot=NewsBot(real_provider, flood=FloodGuard(100))):
            replies = []
            for _ in range(3):  # a few rounds, for a steadier latency figure
                replies += [await ask(fake, ALICE, q) for q in questions]
            return replies

    replies = run_async(scenario(), 40)
    polyansky, borscht = replies[0].plain_text, replies[1].plain_text
    assert polyansky.startswith("What Dmitry Polyansky said — 1–5 of ")
    assert POLYANSKY_TITLE in polyansky and polyansky.count("— Dmitry Polyansky in") == 5
    assert "there is a big risk of a direct clash between Russia and NATO" in polyansky
    assert replies[0].buttons  # more statements to page through
    assert borscht == "I found nothing in the corpus about “What is the recipe for borscht?”."
    assert not replies[1].buttons
    assert replies[3].plain_text == f"I found nothing in the corpus about “{HTML_QUESTION}”."
    assert rejected(fake) == []
    latencies = [fake.reply_latency(u.update_id) for u in fake.updates()]
    median = statistics.median(latencies)
    with capsys.disabled():
        print(
            f"\nupdate->reply latency over {len(latencies)} questions (real model): median {median * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms"
        )
    assert median < 1.0
