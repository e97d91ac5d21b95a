"""The bot against hostile or odd input and servers: inline offsets, an error handler that must not fail."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from telegram.ext import AIORateLimiter

from bot import texts
from bot.app import build_application, running
from bot.flood import FloodGuard
from bot.handlers import NewsBot
from bot.paging import QuestionStore
from bot.reload import IndexProvider
from bot.serve import serve_polling
from bot.updates import BoundedUpdateProcessor
from index.ask.answer import Answer
from testkit.fake_telegram import FakeTelegram, SentMessage, run_async

pytestmark = pytest.mark.timeout(60)

ALICE = 1001
REPO = Path(__file__).resolve().parent.parent
POLYANSKY = "What did Polyansky say?"


@pytest.fixture(scope="module")
def provider(fake_index: Path, fake_encoder) -> IndexProvider:
    provider = IndexProvider.open(fake_index, encoder=fake_encoder)
    yield provider
    provider.close()


@asynccontextmanager
async def serving(fake: FakeTelegram, provider: IndexProvider, **options) -> AsyncIterator[None]:
    options.setdefault("reload_interval", 0)
    app = build_application(fake.token, provider, fake.base_url, **options)
    async with running(app, poll_timeout=1):
        yield


async def ask(fake: FakeTelegram, chat: int, text: str, command: bool = False) -> SentMessage:
    before = len(fake.sent_messages(chat))
    (fake.push_command if command else fake.push_message)(chat, text)
    return (await fake.wait_for_messages_async(chat, before + 1, timeout=10))[before]


@pytest.mark.parametrize("offset", ["²", "٣", "-1", "1e3", " 5", "99999999999999999999999", "x"])
def test_an_odd_inline_offset_is_read_as_the_first_page(
    fake_telegram: FakeTelegram, provider: IndexProvider, offset: str
) -> None:
    fake = fake_telegram

    async def scenario() -> dict:
        async with serving(fake, provider):
            query = fake.push_inline_query(POLYANSKY, offset=offset)
            return await fake.wait_until_async(lambda: fake.inline_answer(query), timeout=5, what="inline answer")

    answer = run_async(scenario())
    assert answer["results"] and answer["results"][0]["id"] == "0"


class BrokenProvider(IndexProvider):
    """Fails every question, as an unexpected bug would."""

    def answer(self, text: str, limit: int = 5, offset: int = 0) -> Answer:
        raise RuntimeError("index exploded")


@pytest.mark.parametrize("odd_result", [[1], True, "x"])
def test_the_error_handler_survives_a_reply_the_client_cannot_parse(
    fake_telegram: FakeTelegram, fake_index: Path, fake_encoder, caplog: pytest.LogCaptureFixture, odd_result
) -> None:
    fake = fake_telegram
    broken = BrokenProvider(fake_index, encoder=fake_encoder)
    broken.reload(force=True)
    caplog.set_level(logging.INFO)

    async def scenario() -> SentMessage:
        async with serving(fake, broken):
            fake.respond_next("sendMessage", odd_result)  # the "Sorry" gets a reply PTB cannot turn into a Message
            fake.push_message(ALICE, POLYANSKY)
            await fake.wait_for_calls_async("sendMessage", 1)
            return await ask(fake, ALICE, "/help", command=True)

    try:
        still_fine = run_async(scenario())
    finally:
        broken.close()
    assert still_fine.plain_text.startswith("How I answer")
    assert fake.calls("sendMessage")[0].params["text"] == texts.SORRY
    assert "uncaught error was raised while handling the error" not in caplog.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "index exploded" in str(errors[0].exc_info[1])
    told = any("could not tell chat" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert told == (odd_result is not True)  # PTB takes a bare `true` as a sent message


# ------------------------------------------------------------------------------ polling: health and metrics
def test_polling_mode_serves_health_and_metrics_on_a_local_port(
    fake_telegram: FakeTelegram, provider: IndexProvider
) -> None:
    fake = fake_telegram
    bot = NewsBot(provider, flood=FloodGuard(burst=1, period=60))

    async def scenario() -> tuple[dict, str]:
        app = build_application(fake.token, provider, fake.base_url, news_bot=bot, reload_interval=0)
        stop, ready = asyncio.Event(), asyncio.get_running_loop().create_future()
        server = asyncio.create_task(serve_polling(app, "127.0.0.1", 0, stop=stop, ready=ready, handle_signals=False))
        port = await asyncio.wait_for(ready, 10)
        try:
            await ask(fake, ALICE, POLYANSKY)
            await ask(fake, ALICE, POLYANSKY)  # over the flood limit: "slow down"
            await ask(fake, 1002, "How do penguins knit scarves?")
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                return (await client.get("/healthz")).json(), (await client.get("/metrics")).text
        finally:
            stop.set()
            await asyncio.wait_for(server, 10)

    health, metrics = run_async(scenario())
    assert health["status"] == "ok" and health["mode"] == "polling" and health["index"]["build_id"]
    assert 'newsbot_questions_total{outcome="answered"} 1.0' in metrics
    assert 'newsbot_questions_total{outcome="nothing_found"} 1.0' in metrics
    assert 'newsbot_refusals_total{reason="flood"} 1.0' in metrics
    assert 'newsbot_refusals_total{reason="nothing_found"} 1.0' in metrics
    assert "newsbot_answer_seconds_count 2.0" in metrics


def test_outgoing_messages_go_through_ptbs_rate_limiter(fake_telegram: FakeTelegram, provider: IndexProvider) -> None:
    app = build_application(fake_telegram.token, provider, fake_telegram.base_url)
    assert isinstance(app.bot.rate_limiter, AIORateLimiter)
    assert not isinstance(build_application("1:x", provider, rate_limit=False).bot.rate_limiter, AIORateLimiter)


def test_updates_beyond_the_global_bound_are_shed() -> None:
    shed: list[object] = []
    processor = BoundedUpdateProcessor(concurrent=2, queued=3, on_shed=shed.append)
    release = asyncio.Event()
    done: list[int] = []

    async def handle(n: int) -> None:
        await release.wait()
        done.append(n)

    async def scenario() -> None:
        tasks = [asyncio.create_task(processor.process_update(n, handle(n))) for n in range(8)]
        await asyncio.sleep(0.1)
        assert processor.pending == 5 and processor.full
        release.set()
        await asyncio.gather(*tasks)

    run_async(scenario())
    assert sorted(done) == [0, 1, 2, 3, 4] and shed == [5, 6, 7] and processor.pending == 0


# ------------------------------------------------------------------------------------- "More" after a restart
def test_more_buttons_keep_working_after_a_restart(
    fake_telegram: FakeTelegram, provider: IndexProvider, tmp_path: Path
) -> None:
    fake = fake_telegram
    db = tmp_path / "questions.sqlite"

    async def scenario() -> tuple[SentMessage, SentMessage, str | None]:
        first_run = QuestionStore(db)
        async with serving(fake, provider, news_bot=NewsBot(provider, questions=first_run)):
            first = await ask(fake, ALICE, POLYANSKY)
        first_run.close()
        second_run = QuestionStore(db)  # a new process, or the next replica of a rolling deploy
        try:
            async with serving(fake, provider, news_bot=NewsBot(provider, questions=second_run)):
                data = first.buttons[0]["callback_data"]
                fake.push_callback(ALICE, first.message_id, data)
                more = (await fake.wait_for_messages_async(ALICE, 2, timeout=10))[1]
                again = fake.push_callback(ALICE, first.message_id, data)  # a second tap sends nothing twice
                await fake.wait_until_async(lambda: fake.callback_answer(again) is not None)
                return first, more, fake.callback_answer(again).get("text")
        finally:
            second_run.close()

    first, more, again = run_async(scenario())
    assert first.plain_text.startswith("What Dmitry Polyansky said — 1–5 of ") and first.buttons
    assert more.plain_text.startswith("What Dmitry Polyansky said — 6–")
    assert again == texts.ALREADY_SHOWN


def test_the_question_store_forgets_the_least_recently_used_beyond_its_capacity(tmp_path: Path) -> None:
    store = QuestionStore(tmp_path / "q.sqlite", capacity=50)
    kept = store.add("kept")
    ids = [store.add(f"question {n}") for n in range(30)]
    assert store.get(kept) == "kept"  # used again: now newer than those 30
    ids += [store.add(f"question {n}") for n in range(30, 60)]
    store.close()
    store = QuestionStore(tmp_path / "q.sqlite", capacity=50)
    remembered = [qid for qid in ids if store.get(qid) is not None]
    assert store.get(kept) == "kept"
    assert 40 <= len(remembered) < 50 and remembered == ids[-len(remembered) :]
    store.close()


def test_an_unusable_questions_file_is_one_line_and_exit_1(real_index: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    env.update(NEWSBOT_LOG_FILE=os.devnull, NEWSBOT_PORT="0", PYTHONPATH=str(REPO), TELEGRAM_BOT_TOKEN="1:x")
    not_sqlite = tmp_path / "questions.sqlite"
    not_sqlite.write_bytes(b"this is not a database" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--index-dir", str(real_index), "--questions-db", str(not_sqlite)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: Cannot use {not_sqlite} for the questions")
