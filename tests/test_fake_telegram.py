"""Tests for the fake Telegram Bot API server (raw HTTP and a real PTB Application)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from testkit.fake_telegram import FakeTelegram, run_async
from testkit.telegram_html import parse_html

pytestmark = pytest.mark.timeout(20)
CHAT = 42
HTTP = httpx.Client(timeout=10, trust_env=False)  # one client: building one per call costs ~20 ms


def api(fake: FakeTelegram, method: str, *, as_json: bool = False, **params: Any) -> tuple[int, dict[str, Any]]:
    """Call the fake like PTB does: form-encoded, non-strings JSON-encoded (or a JSON body)."""
    url = f"{fake.api_url}/{method}"
    if as_json:
        response = HTTP.post(url, json=params)
    else:
        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        response = HTTP.post(url, data=data)
    return response.status_code, response.json()


def send(fake: FakeTelegram, text: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """sendMessage to the default chat."""
    return api(fake, "sendMessage", chat_id=CHAT, text=text, **params)


@pytest.fixture(scope="module", autouse=True)
def _close_http() -> Iterator[None]:
    """Close the shared HTTP client after this module."""
    yield
    HTTP.close()


@pytest.fixture
def fake(fake_telegram: FakeTelegram) -> FakeTelegram:
    """A running fake with one known private chat."""
    fake_telegram.push_message(CHAT, "hi")
    return fake_telegram


def test_url_layout_get_me_and_auth(fake: FakeTelegram) -> None:
    assert fake.base_url == f"http://127.0.0.1:{fake.port}/bot"
    status, body = api(fake, "getMe")
    assert status == 200 and body["result"]["is_bot"] is True
    assert body["result"]["username"] == "news_test_bot"
    assert HTTP.get(f"{fake.api_url}/GETME").json()["result"]["id"] == fake.bot_user["id"]  # case-insensitive
    wrong = HTTP.get(f"{fake.base_url}999:wrong/getMe")
    assert (wrong.status_code, wrong.json()) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    unknown = HTTP.post(f"{fake.api_url}/sendTelepathy")
    assert (unknown.status_code, unknown.json()["description"]) == (404, "Not Found")
    assert fake.calls("sendTelepathy")[0].status == 404


def test_send_message_decodes_form_and_json_bodies(fake: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "More", "callback_data": "more:1"}]]}
    status, body = send(fake, "<b>Quote</b> &amp; more", parse_mode="HTML", reply_markup=markup)
    assert status == 200, body
    result = body["result"]
    assert result["text"] == "Quote & more"
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    assert result["chat"]["id"] == CHAT and result["from"]["is_bot"] is True
    stored = fake.last_message(CHAT)
    assert stored.text == "<b>Quote</b> &amp; more" and stored.plain_text == "Quote & more"
    assert stored.reply_markup == markup and stored.buttons[0]["callback_data"] == "more:1"
    assert fake.calls("sendMessage")[0].params["chat_id"] == CHAT  # coerced to int
    status, body = send(fake, "plain", as_json=True, reply_markup=markup)
    assert status == 200 and fake.last_message(CHAT).reply_markup == markup
    assert body["result"]["message_id"] == stored.message_id + 1


def test_unknown_chat_and_reply_target(fake: FakeTelegram) -> None:
    status, body = api(fake, "sendMessage", chat_id=777, text="x")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    status, body = send(fake, "x", reply_parameters={"message_id": 999})
    assert body["description"] == "Bad Request: message to be replied not found"
    user_message_id = fake.updates()[0].update["message"]["message_id"]
    status, body = send(fake, "x", reply_parameters={"message_id": user_message_id})
    assert body["result"]["reply_to_message"]["text"] == "hi"


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("é <br> x", 'Unsupported start tag "br" at byte offset 3'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("AT&T", 'Unescaped "&" at byte offset 2; use &amp; (the fake is stricter than Telegram here)'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href=x", "Unclosed start tag at byte offset 0"),
        ("tail <", "Unclosed start tag at byte offset 5"),
    ],
)
def test_html_rejections(fake: FakeTelegram, text: str, description: str) -> None:
    status, body = send(fake, text, parse_mode="HTML")
    assert status == 400
    assert body == {"ok": False, "error_code": 400, "description": f"Bad Request: can't parse entities: {description}"}
    assert fake.sent_messages(CHAT) == []


def test_html_entities_match_telegram() -> None:
    html = (
        '<pre><code class="language-python">x = 1</code></pre> <a href="https://e.x/?a=1&amp;b=2">link</a> '
        '<blockquote expandable>q</blockquote> <span class="tg-spoiler">s</span> 😀<i>it</i> &#x41;&#66;&quot;'
    )
    plain, entities = parse_html(html)
    assert plain == 'x = 1 link q s 😀it AB"'
    assert {"type": "pre", "offset": 0, "length": 5, "language": "python"} in entities
    assert {"type": "text_link", "offset": 6, "length": 4, "url": "https://e.x/?a=1&b=2"} in entities
    assert {"type": "expandable_blockquote", "offset": 11, "length": 1} in entities
    assert {"type": "spoiler", "offset": 13, "length": 1} in entities
    assert {"type": "italic", "offset": 17, "length": 2} in entities  # the emoji counts as 2 UTF-16 units
    assert parse_html("AT&T", strict_ampersand=False)[0] == "AT&T"  # what real Telegram does


def test_empty_and_too_long_texts(fake: FakeTelegram) -> None:
    for text in ("", "<b> </b>\n"):
        status, body = send(fake, text, parse_mode="HTML")
        assert body["description"] == "Bad Request: message text is empty", text
    assert send(fake, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")[0] == 200  # tags don't count
    assert send(fake, "😀" * 2048)[0] == 200  # 4096 UTF-16 units
    status, body = send(fake, "😀" * 2048 + "a")
    assert (status, body["description"]) == (400, "Bad Request: message is too long")
    assert send(fake, "&lt;" * 4097, parse_mode="HTML")[1]["description"] == "Bad Request: message is too long"


@pytest.mark.parametrize(
    ("button", "description"),
    [
        ({"text": "x", "callback_data": "a" * 65}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "x", "callback_data": "é" * 33}, "Bad Request: BUTTON_DATA_INVALID"),  # 66 bytes
        (
            {"text": "x"},
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ),
        ({"text": "", "callback_data": "a"}, "Bad Request: BUTTON_TEXT_EMPTY"),
        ({"text": "x", "url": "not a url"}, "Bad Request: BUTTON_URL_INVALID"),
    ],
)
def test_inline_keyboard_rejections(fake: FakeTelegram, button: dict[str, Any], description: str) -> None:
    status, body = send(fake, "pick", reply_markup={"inline_keyboard": [[button]]})
    assert (status, body["description"]) == (400, description)
    assert send(fake, "pick", reply_markup={"inline_keyboard": [[{"text": "x", "callback_data": "a" * 64}]]})[0] == 200


def test_edits_and_not_modified(fake: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "Next", "callback_data": "n"}]]}
    message_id = send(fake, "<b>one</b>", parse_mode="HTML", reply_markup=markup)[1]["result"]["message_id"]
    edit = {"chat_id": CHAT, "message_id": message_id, "parse_mode": "HTML", "reply_markup": markup}
    status, body = api(fake, "editMessageText", text="<b>one</b>", **edit)
    assert body["description"].startswith("Bad Request: message is not modified: ")
    status, body = api(fake, "editMessageText", text="<b>two</b>", **edit)
    assert status == 200 and body["result"]["text"] == "two" and "edit_date" in body["result"]
    stored = fake.last_message(CHAT)
    assert (stored.plain_text, stored.edit_history, stored.reply_markup) == ("two", ["<b>one</b>"], markup)
    status, body = api(fake, "editMessageReplyMarkup", chat_id=CHAT, message_id=message_id)
    assert status == 200 and fake.last_message(CHAT).reply_markup is None
    status, body = api(fake, "editMessageText", chat_id=CHAT, message_id=999, text="x")
    assert body["description"] == "Bad Request: message to edit not found"


def test_get_updates_offset_limit_and_allowed_updates(fake_telegram: FakeTelegram) -> None:
    ids = [fake_telegram.push_message(CHAT, f"m{i}") for i in range(3)]
    inline_id = fake_telegram.push_inline_query("q")
    body = api(fake_telegram, "getUpdates", limit=2)[1]
    assert [u["update_id"] for u in body["result"]] == ids[:2]
    assert body["result"][0]["message"]["text"] == "m0"
    body = api(fake_telegram, "getUpdates", offset=ids[1] + 1, allowed_updates=["message"])[1]
    assert [u["update_id"] for u in body["result"]] == [ids[2]]  # inline query filtered out
    assert fake_telegram.updates()[0].confirmed and fake_telegram.updates()[0].delivered_at is not None
    assert api(fake_telegram, "getUpdates", offset=ids[2] + 1)[1]["result"] == []
    assert inline_id and fake_telegram.pending_updates() == 0


def test_long_poll_returns_as_soon_as_an_update_arrives(fake_telegram: FakeTelegram) -> None:
    started = time.monotonic()
    assert api(fake_telegram, "getUpdates", timeout=0.3)[1]["result"] == []
    assert 0.25 <= time.monotonic() - started < 2
    timer = threading.Timer(0.2, fake_telegram.push_command, (CHAT, "/start now"))
    timer.start()
    started = time.monotonic()
    updates = api(fake_telegram, "getUpdates", timeout=10)[1]["result"]
    timer.join()
    assert time.monotonic() - started < 2
    assert updates[0]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


def test_second_poller_terminates_the_first(fake_telegram: FakeTelegram) -> None:
    results: list[tuple[int, dict[str, Any]]] = []
    first = threading.Thread(target=lambda: results.append(api(fake_telegram, "getUpdates", timeout=10)))
    first.start()
    time.sleep(0.2)
    assert api(fake_telegram, "getUpdates", timeout=0)[0] == 200
    first.join(timeout=5)
    assert results and results[0][0] == 409 and "terminated by other getUpdates" in results[0][1]["description"]


def test_callback_answers_and_failure_injection(fake: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    message_id = send(fake, "choose", reply_markup=markup)[1]["result"]["message_id"]
    query_id = fake.push_callback(CHAT, message_id, "go")
    too_long = api(fake, "answerCallbackQuery", callback_query_id=query_id, text="x" * 201)[1]
    assert too_long["description"] == "Bad Request: MESSAGE_TOO_LONG"
    assert api(fake, "answerCallbackQuery", callback_query_id=query_id, text="ok")[0] == 200
    assert fake.callback_answer(query_id)["text"] == "ok"
    again = api(fake, "answerCallbackQuery", callback_query_id=query_id)[1]["description"]
    assert again.startswith("Bad Request: query is too old")
    fake.fail_next("sendMessage", 429, retry_after=3)
    status, body = send(fake, "x")
    assert (status, body["parameters"]) == (429, {"retry_after": 3})
    assert body["description"] == "Too Many Requests: retry after 3"
    assert send(fake, "x")[0] == 200


def test_commands_webhook_and_actions(fake: FakeTelegram) -> None:
    commands = [{"command": "ask", "description": "Ask about the news"}]
    assert api(fake, "setMyCommands", commands=commands)[1]["result"] is True
    assert api(fake, "getMyCommands")[1]["result"] == commands == fake.commands()
    assert api(fake, "setMyCommands", commands=[{"command": "a b", "description": "x"}])[1]["description"] == (
        "Bad Request: BOT_COMMAND_INVALID"
    )
    assert api(fake, "deleteMyCommands")[0] == 200 and fake.commands() == []
    assert api(fake, "setWebhook", url="https://example.invalid/hook")[0] == 200
    assert api(fake, "getWebhookInfo")[1]["result"]["url"] == "https://example.invalid/hook"
    assert api(fake, "getUpdates")[0] == 409
    assert api(fake, "deleteWebhook", drop_pending_updates=True)[0] == 200
    assert fake.pending_updates() == 0 and api(fake, "getUpdates")[1]["result"] == []
    assert api(fake, "sendChatAction", chat_id=CHAT, action="typing")[0] == 200
    assert api(fake, "sendChatAction", chat_id=CHAT, action="dancing")[0] == 400
    assert [api(fake, m)[1]["result"] for m in ("close", "logOut")] == [True, True]


def test_waiters_time_out_and_refuse_event_loop(fake: FakeTelegram) -> None:
    with pytest.raises(TimeoutError, match="1 message"):
        fake.wait_for_messages(CHAT, 1, timeout=0.1)

    async def misuse() -> None:
        fake.wait_for_messages(CHAT, 1, timeout=0.1)

    with pytest.raises(RuntimeError, match="wait_for_messages_async"):
        run_async(misuse(), timeout=2)
    with pytest.raises(TimeoutError):
        run_async(fake.wait_for_messages_async(CHAT, 1, timeout=0.1), timeout=2)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    try:
        await update.effective_message.reply_text("<b>oops", parse_mode=ParseMode.HTML)
    except BadRequest as error:
        context.bot_data["error"] = error.message
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="again")]])
    text = f"You said: <i>{update.effective_message.text.replace('&', '&amp;')}</i>"
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard, do_quote=True)


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, f"started with {context.args}")


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("done")
    await query.edit_message_text(f"pressed {query.data}")


def test_ptb_application_end_to_end() -> None:
    with FakeTelegram() as fake:
        app = fake.configure(Application.builder()).build()
        app.add_handler(CommandHandler("start", _start))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
        app.add_handler(CallbackQueryHandler(_button))

        async def scenario() -> None:
            async with app:
                await app.updater.start_polling(poll_interval=0, timeout=1)
                await app.start()
                fake.push_command(CHAT, "/start x")
                await fake.wait_for_messages_async(CHAT, 1)
                update_id = fake.push_message(CHAT, "Q&A")
                sent = await fake.wait_for_messages_async(CHAT, 2)
                query_id = fake.push_callback(CHAT, sent[-1].message_id, "again")
                await fake.wait_until_async(lambda: fake.last_message(CHAT).edit_history, what="edit")
                await app.updater.stop()
                await app.stop()
            assert 0 <= fake.reply_latency(update_id) < 2
            assert fake.callback_answer(query_id)["text"] == "done"
            assert (
                app.bot_data["error"] == "Can't parse entities: can't find end tag corresponding to start tag \"b\""
            )  # PTB capitalize()s

        run_async(scenario(), timeout=15)

    first, echo = fake.sent_messages(CHAT)
    assert first.plain_text == "started with ['x']"
    assert echo.plain_text == "pressed again" and echo.edit_history == ["You said: <i>Q&amp;A</i>"]
    assert echo.reply_to_message_id == fake.updates()[1].update["message"]["message_id"]
    assert fake.calls("getMe") and fake.calls("deleteWebhook")
    assert fake.pending_updates() == 0  # PTB confirmed everything on shutdown
