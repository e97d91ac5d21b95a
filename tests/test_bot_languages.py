"""The bot in the question's language: a Russian question over English (invented) articles gets Russian framing
and English quotes, through the real Application and the fake Telegram Bot API on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import texts
from bot.app import build_application, running
from bot.handlers import NewsBot
from bot.reload import IndexProvider
from index.ask.texts import say
from index.build.full import build_index
from index.embed.factory import load_channels
from testkit.encoders import FakeEncoder
from testkit.fake_telegram import FakeTelegram, run_async

pytestmark = pytest.mark.timeout(60)
HELDOUT = Path(__file__).parent / "data" / "heldout"
OLGA = 3003


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> IndexProvider:
    root = tmp_path_factory.mktemp("xl-bot-index")
    encoder = FakeEncoder()
    build_index(HELDOUT, root, encoder, channels=load_channels("xl"))
    provider = IndexProvider.open(root, encoder=encoder)
    yield provider
    provider.close()


def test_russian_question_gets_russian_framing_and_english_quotes(provider: IndexProvider) -> None:
    async def scenario(fake: FakeTelegram) -> list:
        app = build_application(fake.token, provider, fake.base_url, reload_interval=0)
        async with running(app, poll_timeout=1):
            replies = []
            for question in ("Что сказала судья Окафор?", "Що сказав Альберс?", "Как приготовить борщ?"):
                before = len(fake.sent_messages(OLGA))
                fake.push_message(OLGA, question)
                replies.append((await fake.wait_for_messages_async(OLGA, before + 1, timeout=10))[before])
            return replies

    with FakeTelegram() as fake:
        okafor, albers, borscht = run_async(scenario(fake), 40)
    assert okafor.plain_text.startswith("Что сказал(а) Miriam Okafor — ")
    assert "высказывани" in okafor.plain_text.splitlines()[0]
    quoted = provider.answer("Что сказала судья Окафор?", 5, 0).results
    article = (HELDOUT / "court.md").read_text(encoding="utf-8")
    assert quoted and all(r.text in okafor.plain_text and r.text in article for r in quoted)  # verbatim, English
    assert any(line.startswith("— Miriam Okafor in ") for line in okafor.plain_text.splitlines())
    assert albers.plain_text.startswith("Що сказав(ла) Raymond Albers — ")
    assert borscht.plain_text.startswith("В статьях ничего не нашлось")


def test_more_button_and_next_page_in_russian(provider: IndexProvider) -> None:
    async def scenario(fake: FakeTelegram) -> tuple:
        news_bot = NewsBot(provider, page_size=2)  # pages of two, so that the answer has a More button
        app = build_application(fake.token, provider, fake.base_url, news_bot=news_bot, reload_interval=0)
        async with running(app, poll_timeout=1):
            fake.push_message(OLGA, "Что известно о трансфере Бенетти?")
            first = (await fake.wait_for_messages_async(OLGA, 1, timeout=10))[0]
            if not first.buttons:
                return first, None
            fake.push_callback(OLGA, first.message_id, first.buttons[0]["callback_data"])
            return first, (await fake.wait_for_messages_async(OLGA, 2, timeout=10))[1]

    with FakeTelegram() as fake:
        first, second = run_async(scenario(fake), 40)
    assert first.plain_text.startswith("Из новостей — ")
    assert first.buttons and first.buttons[0]["text"].startswith("Ещё (осталось ")
    assert second is not None and second.plain_text.startswith("Из новостей — ")


def test_start_help_and_flood_texts_in_the_users_language() -> None:
    facts = texts.CorpusFacts(3, 42, ("What did Jane Doe say?", "What is the news about Marlow?"), "Jane Doe", "Marlow")
    welcome = texts.welcome(facts, "Ольга", "ru")
    assert welcome.startswith("Здравствуйте, Ольга!") and "3 новостные статьи" in welcome
    assert "Что сказал Jane Doe?" in welcome and "Какие новости о Marlow?" in welcome
    help_uk = texts.help_text(facts, "newsbot", "uk")
    assert "42 речення" in help_uk and "англійською, російською та українською" in help_uk
    assert texts.help_text(facts, "newsbot").startswith("<b>How I answer</b>")  # English unchanged by default
    assert texts.slow_down(5, "ru") == say("ru", "slow_down", wait="5 секунд")
    assert texts.user_language("uk-UA") == "uk" and texts.user_language("de") == "en"
    assert texts.user_language(None) == "en"
