"""The bot against hostile or odd input and servers: inline offsets, an error handler that must not fail."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot import texts
from bot.app import build_application, running
from bot.reload import IndexProvider
from index.ask.answer import Answer
from testkit.fake_telegram import FakeTelegram, SentMessage, run_async

pytestmark = pytest.mark.timeout(60)

ALICE = 1001
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
