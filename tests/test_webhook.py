"""Webhook mode against forged and malformed requests: the real server on 127.0.0.1, the fake Bot API behind it."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot.app import build_application
from bot.handlers import NewsBot
from bot.reload import IndexProvider
from bot.serve import serve_webhook
from index.ask.answer import Answer
from testkit.fake_telegram import FakeTelegram, run_async

pytestmark = pytest.mark.timeout(60)

ALICE, MALLORY = 1001, 666
POLYANSKY = "What did Polyansky say?"
URL = "https://bot.example/telegram/hook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture(scope="module")
def provider(fake_index: Path, fake_encoder) -> IndexProvider:
    provider = IndexProvider.open(fake_index, encoder=fake_encoder)
    yield provider
    provider.close()


@asynccontextmanager
async def webhook(
    fake: FakeTelegram, provider: IndexProvider, secret: str | None, app_options: dict | None = None, **options
) -> AsyncIterator[httpx.AsyncClient]:
    """Serve the bot by webhook on an ephemeral port; yield a client for it."""
    app = build_application(
        fake.token, provider, fake.base_url, polling=False, reload_interval=0, **(app_options or {})
    )
    stop, ready = asyncio.Event(), asyncio.get_running_loop().create_future()
    server = asyncio.create_task(
        serve_webhook(app, URL, "127.0.0.1", 0, secret, stop=stop, ready=ready, handle_signals=False, **options)
    )
    port = await asyncio.wait_for(ready, 10)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        stop.set()
        await asyncio.wait_for(server, 10)


def forged_update(fake: FakeTelegram, chat: int) -> dict:
    """A well-formed message update for a chat, as anyone who knows the webhook URL could POST it."""
    fake.push_message(chat, POLYANSKY)  # the fake learns the chat, so the bot's reply to it would be delivered
    return fake.updates()[-1].update


def test_a_webhook_without_a_secret_gets_a_generated_one_and_refuses_unsigned_updates(
    fake_telegram: FakeTelegram, provider: IndexProvider
) -> None:
    fake = fake_telegram

    async def scenario() -> tuple[list[int], str]:
        async with webhook(fake, provider, None) as client:
            [hook] = fake.calls("setWebhook")
            secret = hook.params.get("secret_token") or ""
            forged = forged_update(fake, MALLORY)
            statuses = [(await client.post("/telegram/hook", json=forged)).status_code]
            for guess in ("", "secret", "x" * 256):
                response = await client.post("/telegram/hook", json=forged, headers={SECRET_HEADER: guess})
                statuses.append(response.status_code)
            await asyncio.sleep(0.5)
            genuine = forged_update(fake, ALICE)
            statuses.append(
                (await client.post("/telegram/hook", json=genuine, headers={SECRET_HEADER: secret})).status_code
            )
            await fake.wait_for_messages_async(ALICE, 1)
            return statuses, secret

    statuses, secret = run_async(scenario())
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", secret)  # Telegram's alphabet; long enough not to guess
    assert statuses == [403, 403, 403, 403, 200]
    assert fake.sent_messages(MALLORY) == []


MALFORMED = {
    "null": b"null",
    "list": b"[]",
    "string": b'"x"',
    "number": b"42",
    "empty object": b"{}",
    "bad update": b'{"update_id": "one", "message": 5}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "not json": b"{",
    "not utf-8": b'{"update_id": 1, "x": "\xff"}',
    "empty": b"",
}


def test_malformed_webhook_bodies_each_get_a_400_and_no_traceback(
    fake_telegram: FakeTelegram, provider: IndexProvider, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_telegram
    caplog.set_level(logging.INFO)

    async def scenario() -> tuple[dict[str, int | str], int]:
        async with webhook(fake, provider, "s3cret") as client:
            statuses: dict[str, int | str] = {}
            for name, body in MALFORMED.items():
                try:
                    response = await client.post(
                        "/telegram/hook",
                        content=body,
                        headers={SECRET_HEADER: "s3cret", "Content-Type": "application/json"},
                    )
                    statuses[name] = response.status_code
                except httpx.HTTPError as exc:  # the connection was dropped
                    statuses[name] = type(exc).__name__
            fine = await client.post(
                "/telegram/hook", json=forged_update(fake, ALICE), headers={SECRET_HEADER: "s3cret"}
            )
            await fake.wait_for_messages_async(ALICE, 1)
            return statuses, fine.status_code

    statuses, fine = run_async(scenario())
    assert statuses == {name: 400 for name in MALFORMED}
    assert fine == 200
    assert not [r for r in caplog.records if r.exc_info], "a malformed body logged a traceback"


# ------------------------------------------------------------------------------------- limits and health
async def _raw_request(port: int, data: bytes, wait: float) -> bytes:
    """Send raw bytes, then read until the server closes the connection (or `wait` seconds pass: b"...open")."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(), wait)
    except TimeoutError:
        return b"...open"
    finally:
        writer.close()


def test_slow_and_oversized_requests_are_cut_off(fake_telegram: FakeTelegram, provider: IndexProvider) -> None:
    fake = fake_telegram
    head = b"POST /telegram/hook HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: s3cret\r\n"

    async def scenario() -> tuple[bytes, bytes, bytes, int]:
        async with webhook(fake, provider, "s3cret", header_timeout=1, body_timeout=1) as client:
            port = client.base_url.port
            slow_headers, slow_body, huge = await asyncio.gather(
                _raw_request(port, head, wait=5),  # never finishes its headers
                _raw_request(port, head + b"Content-Length: 100\r\n\r\n{", wait=5),  # never finishes its body
                _raw_request(port, head + b"Content-Length: 5000000\r\n\r\n", wait=5),
            )
            fine = await client.post(
                "/telegram/hook", json=forged_update(fake, ALICE), headers={SECRET_HEADER: "s3cret"}
            )
            return slow_headers, slow_body, huge, fine.status_code

    slow_headers, slow_body, huge, fine = run_async(scenario())
    assert slow_headers != b"...open" and slow_body != b"...open"  # closed by the server within its timeouts
    assert huge.startswith(b"HTTP/1.1 400")
    assert fine == 200


def test_health_and_metrics_in_webhook_mode(fake_telegram: FakeTelegram, provider: IndexProvider) -> None:
    fake = fake_telegram

    async def scenario() -> tuple[dict, str, int]:
        async with webhook(fake, provider, "s3cret") as client:
            await client.post("/telegram/hook", json=forged_update(fake, ALICE), headers={SECRET_HEADER: "s3cret"})
            await fake.wait_for_messages_async(ALICE, 1)
            await client.post("/telegram/hook", json=forged_update(fake, MALLORY))
            health = (await client.get("/healthz")).json()
            # the handler counts the question once the reply is sent, a moment after the fake server has it
            for _ in range(100):
                metrics = await client.get("/metrics")
                if "newsbot_answer_seconds_count 1.0" in metrics.text:
                    break
                await asyncio.sleep(0.05)
            return health, metrics.text, (await client.get("/elsewhere")).status_code

    health, metrics, missing = run_async(scenario())
    assert health["status"] == "ok" and health["mode"] == "webhook"
    assert health["index"]["build_id"] == provider.build_id and health["index"]["age_seconds"] >= 0
    assert 'newsbot_questions_total{outcome="answered"} 1.0' in metrics
    assert "newsbot_answer_seconds_count 1.0" in metrics
    assert f'newsbot_index_info{{build_id="{provider.build_id}"}} 1.0' in metrics
    assert 'newsbot_webhook_refused_total{reason="secret"} 1.0' in metrics
    assert "newsbot_errors_total 0.0" in metrics and 'newsbot_index_reloads_total{result="ok"} 0.0' in metrics
    assert missing == 404


def test_the_generated_secret_never_reaches_the_log(
    fake_telegram: FakeTelegram, provider: IndexProvider, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_telegram
    caplog.set_level(logging.DEBUG)

    async def scenario() -> str:
        async with webhook(fake, provider, None):
            return fake.calls("setWebhook")[0].params["secret_token"]

    secret = run_async(scenario())
    assert "setWebhook" in caplog.text and secret not in caplog.text


class SlowProvider(IndexProvider):
    """Takes a second and a half over every question."""

    def answer(self, text: str, limit: int = 5, offset: int = 0) -> Answer:
        time.sleep(1.5)
        return super().answer(text, limit, offset)


def test_an_overloaded_bot_answers_503_so_that_telegram_delivers_again_later(
    fake_telegram: FakeTelegram, fake_index: Path, fake_encoder
) -> None:
    fake = fake_telegram
    slow = SlowProvider(fake_index, encoder=fake_encoder)
    slow.reload(force=True)
    options = {"news_bot": NewsBot(slow), "concurrent_updates": 1, "queued_updates": 1}

    async def scenario() -> list[int]:
        async with webhook(fake, slow, "s3cret", app_options=options) as client:
            statuses = []
            for chat in (1, 2, 3, 4):
                update = forged_update(fake, chat)
                response = await client.post("/telegram/hook", json=update, headers={SECRET_HEADER: "s3cret"})
                statuses.append(response.status_code)
                await asyncio.sleep(0.1)
            await fake.wait_for_messages_async(2, 1, timeout=10)
            return statuses

    try:
        statuses = run_async(scenario())
    finally:
        slow.close()
    assert statuses == [200, 200, 503, 503]
    assert [len(fake.sent_messages(chat)) for chat in (1, 2, 3, 4)] == [1, 1, 0, 0]
