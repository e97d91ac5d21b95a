"""Load test (not a unit test): many users asking at once, through a fake Telegram Bot API server on 127.0.0.1.

Starts the fake server and the bot in this process, pushes USERS x QUESTIONS messages at once, waits for every
reply and prints replies received, latency from getUpdates handing an update out to the reply arriving (p50, p99)
and errors. Uses the fake encoder by default (measures the bot, not the model); --real-model uses
all-MiniLM-L6-v2.

    .venv/bin/python -m scripts.load_test [--users 50] [--questions 5] [--real-model] [--index-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot import texts
from bot.app import build_application, running
from bot.reload import IndexProvider
from index.build.full import build_index
from index.config import DEFAULT_CORPUS_DIR, DEFAULT_MODEL
from testkit.fake_telegram import FakeTelegram

QUESTIONS = (
    "What did Polyansky say?",
    "What is the recipe for borscht?",
    "What did Rutte say about Russia?",
    "Is there a risk of a direct clash between Russia and NATO?",
    "What is NATO warning Moscow about?",
)
FIRST_CHAT = 10_000


class RecordCounter(logging.Handler):
    """Counts log records at or above a level (ERROR: the bot's error handler logs every failed update)."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Count one record."""
        self.count += 1


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of values (share in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def latencies(fake: FakeTelegram, chats: list[int]) -> list[float]:
    """Seconds from each update being handed out to its reply: within a chat, replies are matched in order."""
    delivered: dict[int, list[float]] = {chat: [] for chat in chats}
    for record in fake.updates():
        if record.chat_id in delivered and record.delivered_at is not None:
            delivered[record.chat_id].append(record.delivered_at)
    result = []
    for chat in chats:
        replies = sorted(m.sent_at for m in fake.sent_messages(chat))
        result += [reply - start for start, reply in zip(sorted(delivered[chat]), replies, strict=False)]
    return result


async def run(provider: IndexProvider, users: int, questions: int, timeout: float) -> dict[str, str]:
    """Run one load round and return the table's rows."""
    errors, retries = RecordCounter(logging.ERROR), RecordCounter(logging.WARNING)
    logging.getLogger().addHandler(errors)
    logging.getLogger("bot.delivery").addHandler(retries)  # a reply that needed another try
    with FakeTelegram() as fake:
        app = build_application(fake.token, provider, fake.base_url, reload_interval=0)
        async with running(app, poll_timeout=1):
            chats = [FIRST_CHAT + n for n in range(users)]
            expected = users * questions
            started = time.monotonic()
            for round_ in range(questions):
                for chat in chats:
                    fake.push_message(chat, QUESTIONS[round_ % len(QUESTIONS)], user_id=chat)
            deadline = time.monotonic() + timeout
            for chat in chats:  # per-chat waits are cheap; fake.sent_messages() would copy every message each poll
                try:
                    await fake.wait_for_messages_async(chat, questions, max(deadline - time.monotonic(), 0.01))
                except TimeoutError:
                    break
            wall = time.monotonic() - started
            await asyncio.sleep(0.2)  # anything sent after the last expected reply is an error too
        sent = fake.sent_messages()
        rejected = [c for c in fake.calls() if not c.ok and c.method != "getUpdates"]
        sorry = [m for m in sent if m.plain_text == texts.SORRY]
        flooded = [m for m in sent if m.plain_text.startswith("You're asking faster")]
        times = latencies(fake, chats)
        typing = len(fake.calls("sendChatAction"))
    logging.getLogger().removeHandler(errors)
    logging.getLogger("bot.delivery").removeHandler(retries)
    return {
        "users x questions": f"{users} x {questions}",
        "replies received": f"{len(sent)} / {expected}",
        "latency p50": f"{statistics.median(times) * 1000:.0f} ms" if times else "-",
        "latency p99": f"{percentile(times, 0.99) * 1000:.0f} ms" if times else "-",
        "latency max": f"{max(times) * 1000:.0f} ms" if times else "-",
        "wall time": f"{wall:.2f} s",
        "errors": str(errors.count + len(rejected) + len(sorry)),
        "  logged errors": str(errors.count),
        "  rejected API calls": str(len(rejected)),
        "  'something went wrong' replies": str(len(sorry)),
        "  flood refusals": str(len(flooded)),
        "sends retried (recovered)": str(retries.count),
        "'typing…' actions sent": str(typing),
    }


def main() -> int:
    """Parse options, build or open the index, run the load and print the table; exit 1 unless all replied."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5, help="questions per user, sent at once")
    parser.add_argument("--real-model", action="store_true", help=f"use {DEFAULT_MODEL} instead of the fake encoder")
    parser.add_argument("--index-dir", type=Path, help="an existing index (default: build the corpus in a temp dir)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for all replies")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    if args.real_model:
        from index.embed.factory import load_encoder

        encoder = load_encoder(DEFAULT_MODEL)
    else:
        from testkit.encoders import FakeEncoder

        encoder = FakeEncoder()
    with tempfile.TemporaryDirectory(prefix="newsbot-load-") as scratch:
        root = args.index_dir
        if root is None:
            root = Path(scratch) / "index"
            build_index(DEFAULT_CORPUS_DIR, root, encoder)
        provider = IndexProvider.open(root, encoder=encoder)
        try:
            rows = asyncio.run(
                asyncio.wait_for(run(provider, args.users, args.questions, args.timeout), args.timeout + 30)
            )
        finally:
            provider.close()
    print(
        f"Load test: {'real model ' + DEFAULT_MODEL if args.real_model else 'fake encoder'}, fake Telegram on 127.0.0.1"
    )
    width = max(len(k) for k in rows)
    print("\n".join(f"{key:<{width}}  {value}" for key, value in rows.items()))
    received, expected = rows["replies received"].split(" / ")
    return 0 if received == expected and rows["errors"] == "0" else 1


if __name__ == "__main__":
    sys.exit(main())
