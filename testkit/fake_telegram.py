"""A fake Telegram Bot API server for offline end-to-end tests.

Standard library only. It listens on 127.0.0.1 on an ephemeral port, speaks the
Bot API's HTTP dialect (``/bot<token>/<method>``; query string, form-encoded,
JSON or multipart parameters) and answers like Telegram, including its error
responses. Tests push user updates in, the bot under test long-polls them with
``getUpdates``, and tests inspect what the bot sent.

Driving python-telegram-bot (PTB) v22, from a synchronous test::

    with FakeTelegram() as fake:
        app = fake.configure(Application.builder()).build()
        app.add_handler(...)

        async def scenario() -> None:
            async with app:
                await app.updater.start_polling(poll_interval=0, timeout=1)
                await app.start()
                fake.push_message(42, "hello")
                sent = await fake.wait_for_messages_async(42, 1, timeout=5)
                await app.updater.stop()
                await app.stop()

        run_async(scenario(), timeout=20)

Inside coroutines use the ``*_async`` waiters: the sync ones block the thread,
which would freeze PTB's event loop, so they refuse to run on a loop thread.
All timestamps are ``time.monotonic()`` values.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email.parser
import email.policy
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from .telegram_html import EntityParseError, parse_html, trim_text, utf16_len

T = TypeVar("T")
JSON = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAFakeTokenForOfflineTests_0123456789"
MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER = 200
DEFAULT_ALLOWED = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post",
        "business_connection", "business_message", "edited_business_message",
        "deleted_business_messages", "inline_query", "chosen_inline_result",
        "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media",
        "poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost",
        "removed_chat_boost",
    }
)  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
    "copy_text", "callback_game", "pay",
)  # fmt: skip
JSON_PARAMS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "allowed_updates", "commands",
        "scope", "results", "link_preview_options", "reply_parameters", "button", "media",
    }
)  # fmt: skip
INT_PARAMS = frozenset(
    {
        "chat_id", "message_id", "offset", "limit", "user_id", "cache_time",
        "message_thread_id", "max_connections", "reply_to_message_id",
    }
)  # fmt: skip
FLOAT_PARAMS = frozenset({"timeout"})
BOOL_PARAMS = frozenset(
    {
        "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
        "is_personal", "allow_sending_without_reply", "disable_web_page_preview",
    }
)  # fmt: skip
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
BAD_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"
TEXT_BUTTON = "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"


class ApiError(Exception):
    """A Bot API error response (HTTP status == error_code)."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def payload(self) -> JSON:
        """Return the JSON body Telegram would send."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """Build a 400 'Bad Request: ...' error."""
    return ApiError(400, f"Bad Request: {detail}")


@dataclass
class Call:
    """One HTTP call the bot made: decoded params, response and timing."""

    method: str
    params: JSON
    received_at: float
    status: int = 200
    response: JSON = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True if the fake answered with ok=true."""
        return self.status == 200

    @property
    def result(self) -> Any:
        """The 'result' of a successful call (None for errors)."""
        return self.response.get("result")


@dataclass
class UpdateRecord:
    """An update pushed by a test, with when it was queued and handed out."""

    update_id: int
    update: JSON
    pushed_at: float
    delivered_at: float | None = None
    confirmed: bool = False

    @property
    def kind(self) -> str:
        """The update type, e.g. 'message' or 'callback_query'."""
        return next(key for key in self.update if key != "update_id")

    @property
    def chat_id(self) -> int | None:
        """The chat the update belongs to, if any."""
        body = self.update[self.kind]
        message = body.get("message", body) if self.kind == "callback_query" else body
        chat = message.get("chat") if isinstance(message, dict) else None
        return chat["id"] if chat else None


@dataclass
class SentMessage:
    """A message the bot sent; ``text`` is raw as sent, ``plain_text`` what users see."""

    chat_id: int
    message_id: int
    text: str
    plain_text: str
    parse_mode: str | None
    entities: list[JSON]
    reply_markup: JSON | None
    reply_to_message_id: int | None
    sent_at: float
    date: int
    params: JSON
    edited_at: float | None = None
    edit_date: int | None = None
    edit_history: list[str] = field(default_factory=list)
    deleted: bool = False

    @property
    def buttons(self) -> list[JSON]:
        """All inline keyboard buttons, flattened row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


def _coerce(name: str, value: Any) -> Any:
    """Turn a form/query string into the type Telegram would read it as."""
    if name in JSON_PARAMS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            what = "reply keyboard markup" if name == "reply_markup" else name
            raise bad_request(f"can't parse {what} JSON object") from None
    if not isinstance(value, str):
        return value
    if name in INT_PARAMS:
        try:
            return int(value)
        except ValueError:
            return value  # e.g. chat_id="@channelusername"
    if name in FLOAT_PARAMS:
        try:
            return float(value)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None
    if name in BOOL_PARAMS:
        return value.lower() in ("true", "1")
    return value


def _parse_multipart(content_type: str, body: bytes) -> JSON:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: JSON = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            params[name] = {"filename": part.get_filename(), "size": len(payload)}
        else:
            params[name] = payload.decode("utf-8")
    return params


def decode_params(query: str, content_type: str, body: bytes) -> JSON:
    """Decode Bot API parameters from the query string and body, like Telegram does."""
    params: JSON = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";")[0].strip().lower()
    if body and media_type == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(decoded, dict):
            raise bad_request("JSON object expected")
        params.update(decoded)
    elif body and media_type == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    elif body:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return {name: _coerce(name, value) for name, value in params.items()}


def check_reply_markup(markup: Any) -> JSON | None:
    """Validate reply_markup the way Telegram does; return it or raise ApiError."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup  # reply keyboards / remove / force_reply: accepted as-is
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('can\'t parse inline keyboard button: Field "inline_keyboard" must be of type Array')
    for button in (button for row in rows for button in row):
        _check_button(button)
    return markup


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_EMPTY")
    actions = [key for key in BUTTON_ACTIONS if button.get(key) not in (None, "")]
    if not actions:
        raise ApiError(400, TEXT_BUTTON)
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None:
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https", "tg") or not (parts.netloc or parts.query):
            raise bad_request("BUTTON_URL_INVALID")


def run_async(coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
    """Run a coroutine to completion from sync code, failing after ``timeout`` seconds."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def _refuse_on_event_loop(name: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"{name}() would block the event loop; use {name}_async() instead")


class _Server(ThreadingHTTPServer):
    """HTTP server bound to 127.0.0.1 that can kill its keep-alive connections."""

    daemon_threads = True
    # Python's default backlog of 5 drops connections when 50 simulated users poll at once.
    request_queue_size = 512

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def close_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().close_request(request)

    def drop_connections(self) -> None:
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like api.telegram.org
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, payload = self.server.fake.handle_http(self.path, self.headers.get("Content-Type", ""), body)
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # client went away (e.g. a cancelled long poll)


class FakeTelegram:
    """In-process fake of api.telegram.org for one bot; thread-safe; use as a context manager."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "news_test_bot",
        bot_first_name: str = "News Test Bot",
        strict_html: bool = True,
    ) -> None:
        self.token = token
        self.strict_html = strict_html
        bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 123456789
        self.bot_user: JSON = {"id": bot_id, "is_bot": True, "first_name": bot_first_name, "username": bot_username}
        self._cond = threading.Condition()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._queue: list[UpdateRecord] = []
        self._updates: list[UpdateRecord] = []
        self._allowed: frozenset[str] = DEFAULT_ALLOWED
        self._poll_generation = 0
        self._calls: list[Call] = []
        self._chats: dict[int, JSON] = {}
        self._next_message_id: dict[int, int] = {}
        self._user_messages: dict[tuple[int, int], JSON] = {}
        self._sent: list[SentMessage] = []
        self._callbacks: dict[str, JSON] = {}
        self._inline_queries: dict[str, JSON] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._failures: dict[str, list[ApiError]] = {}
        self._odd_results: dict[str, list[Any]] = {}
        self.webhook_url = ""
        self._handlers: dict[str, tuple[str, Callable[[JSON], Any]]] = {
            name.lower(): (name, handler) for name, handler in self._api_table().items()
        }

    # ----------------------------------------------------------- lifecycle
    def start(self) -> FakeTelegram:
        """Bind 127.0.0.1 on an ephemeral port and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeTelegram already started")
        self._stopped = False
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="fake-telegram",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake long polls, close connections and stop the server thread."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.drop_connections()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port the fake listens on."""
        if self._server is None:
            raise RuntimeError("FakeTelegram is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """Value for PTB's ``base_url`` (PTB appends the token, then ``/<method>``)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's ``base_file_url`` (file downloads are not served)."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def api_url(self) -> str:
        """Full prefix for raw HTTP calls: ``{api_url}/<method>``."""
        return f"{self.base_url}{self.token}"

    def configure(self, builder: T) -> T:
        """Point a PTB ``ApplicationBuilder`` at this fake (token, base_url, base_file_url)."""
        return (
            builder.token(self.token)  # type: ignore[attr-defined]
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    # ----------------------------------------------------- pushing updates
    def push_update(self, update: JSON) -> int:
        """Queue a raw update body (without update_id); return its update_id."""
        with self._cond:
            record = UpdateRecord(next(self._update_ids), {}, time.monotonic())
            record.update = {"update_id": record.update_id, **update}
            self._queue.append(record)
            self._updates.append(record)
            self._cond.notify_all()
            return record.update_id

    def push_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        username: str | None = "tester",
        first_name: str = "Tester",
        chat_type: str = "private",
        reply_to_bot: bool = False,
        reply_to_message_id: int | None = None,
        entities: list[JSON] | None = None,
    ) -> int:
        """Queue a user's text message; return the update_id."""
        with self._cond:
            user = self._user(chat_id, user_id, username, first_name, chat_type)
            chat = self._register_chat(chat_id, chat_type, user)
            message: JSON = {
                "message_id": self._new_message_id(chat_id),
                "from": user,
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            if entities:
                message["entities"] = entities
            replied = self._reply_target(chat_id, reply_to_bot, reply_to_message_id)
            if replied is not None:
                message["reply_to_message"] = replied
            self._user_messages[(chat_id, message["message_id"])] = message
            return self.push_update({"message": message})

    def push_command(self, chat_id: int, command: str, **kwargs: Any) -> int:
        """Queue a '/command args' message with a bot_command entity; return the update_id."""
        head = command.split(maxsplit=1)[0] if command.strip() else command
        entity = {"type": "bot_command", "offset": 0, "length": utf16_len(head)}
        return self.push_message(chat_id, command, entities=[entity], **kwargs)

    def push_callback(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        username: str | None = "tester",
        first_name: str = "Tester",
    ) -> str:
        """Queue a button press on a message the bot sent; return the callback_query id."""
        with self._cond:
            sent = self._find_sent(chat_id, message_id)
            if sent is None:
                raise ValueError(f"bot sent no message {message_id} in chat {chat_id}")
            chat_type = self._chats[chat_id]["type"]
            query_id = f"cbq{next(self._query_ids)}"
            query = {
                "id": query_id,
                "from": self._user(chat_id, user_id, username, first_name, chat_type),
                "message": self._message_json(sent),
                "chat_instance": f"ci{chat_id}",
                "data": data,
            }
            self._callbacks[query_id] = {"query": query, "answer": None}
            self.push_update({"callback_query": query})
            return query_id

    def push_inline_query(self, query: str, *, user_id: int = 4242, offset: str = "") -> str:
        """Queue an inline query; return its id."""
        with self._cond:
            query_id = f"iq{next(self._query_ids)}"
            body = {
                "id": query_id,
                "query": query,
                "offset": offset,
                "from": {"id": user_id, "is_bot": False, "first_name": "Tester"},
            }
            self._inline_queries[query_id] = {"query": body, "answer": None}
            self.push_update({"inline_query": body})
            return query_id

    # ---------------------------------------------------------- inspection
    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Snapshots of messages the bot sent (edits applied; deleted ones flagged)."""
        with self._cond:
            chosen = [m for m in self._sent if chat_id is None or m.chat_id == chat_id]
            return copy.deepcopy(chosen)

    def last_message(self, chat_id: int) -> SentMessage:
        """The most recent message the bot sent to ``chat_id``."""
        messages = self.sent_messages(chat_id)
        if not messages:
            raise AssertionError(f"bot sent nothing to chat {chat_id}")
        return messages[-1]

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls (optionally of one method, case-insensitive), oldest first."""
        with self._cond:
            chosen = [c for c in self._calls if method is None or c.method.lower() == method.lower()]
            return copy.deepcopy(chosen)

    def updates(self) -> list[UpdateRecord]:
        """Every update pushed so far, with pushed/delivered timestamps."""
        with self._cond:
            return copy.deepcopy(self._updates)

    def pending_updates(self) -> int:
        """Number of updates not yet confirmed by getUpdates."""
        with self._cond:
            return len(self._queue)

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands set via setMyCommands for a scope/language."""
        with self._cond:
            return copy.deepcopy(self._commands.get(self._command_key(scope, language_code), []))

    def callback_answer(self, query_id: str) -> JSON | None:
        """The answerCallbackQuery params for a pushed callback, or None if unanswered."""
        with self._cond:
            return copy.deepcopy(self._callbacks[query_id]["answer"])

    def inline_answer(self, query_id: str) -> JSON | None:
        """The answerInlineQuery params for a pushed inline query, or None if unanswered."""
        with self._cond:
            return copy.deepcopy(self._inline_queries[query_id]["answer"])

    def reply_latency(self, update_id: int) -> float:
        """Seconds from getUpdates handing out ``update_id`` to the bot's next message there."""
        with self._cond:
            record = next((u for u in self._updates if u.update_id == update_id), None)
            if record is None:
                raise ValueError(f"no update {update_id} was pushed")
            if record.delivered_at is None:
                raise AssertionError(f"update {update_id} was never fetched by getUpdates")
            replies = [
                m.sent_at for m in self._sent if m.chat_id == record.chat_id and m.sent_at >= record.delivered_at
            ]
            if not replies:
                raise AssertionError(f"no reply in chat {record.chat_id} after update {update_id}")
            return replies[0] - record.delivered_at

    # -------------------------------------------------------------- waiting
    def wait_until(self, predicate: Callable[[], T], timeout: float = 5.0, what: str = "condition") -> T:
        """Block (not on an event loop) until ``predicate()`` is truthy under the lock."""
        _refuse_on_event_loop("wait_until")
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (result := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"timed out after {timeout}s waiting for {what}; {self._describe()}")
                self._cond.wait(remaining)
            return result

    async def wait_until_async(self, predicate: Callable[[], T], timeout: float = 5.0, what: str = "condition") -> T:
        """Async twin of wait_until: polls every 5 ms without blocking the loop."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                if result := predicate():
                    return result
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"timed out after {timeout}s waiting for {what}; {self._describe()}")
            await asyncio.sleep(0.005)

    def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[SentMessage]:
        """Block until the bot has sent at least ``count`` messages to ``chat_id``."""
        _refuse_on_event_loop("wait_for_messages")
        self.wait_until(lambda: self._count_sent(chat_id) >= count, timeout, f"{count} message(s) in chat {chat_id}")
        return self.sent_messages(chat_id)

    async def wait_for_messages_async(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[SentMessage]:
        """Await until the bot has sent at least ``count`` messages to ``chat_id``."""
        await self.wait_until_async(
            lambda: self._count_sent(chat_id) >= count, timeout, f"{count} message(s) in chat {chat_id}"
        )
        return self.sent_messages(chat_id)

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until at least ``count`` calls of ``method`` were answered."""
        _refuse_on_event_loop("wait_for_calls")
        self.wait_until(lambda: self._count_calls(method) >= count, timeout, f"{count} {method} call(s)")
        return self.calls(method)

    async def wait_for_calls_async(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Await until at least ``count`` calls of ``method`` were answered."""
        await self.wait_until_async(lambda: self._count_calls(method) >= count, timeout, f"{count} {method} call(s)")
        return self.calls(method)

    # ---------------------------------------------------- failure injection
    def fail_next(
        self,
        method: str,
        error_code: int = 500,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (e.g. 429 with retry_after)."""
        if description is None:
            description = f"Too Many Requests: retry after {retry_after}" if retry_after else "Internal Server Error"
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        with self._cond:
            queue = self._failures.setdefault(method.lower(), [])
            queue.extend(ApiError(error_code, description, parameters) for _ in range(times))

    def respond_next(self, method: str, result: Any, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with ok=true and this raw ``result``, doing nothing.

        Mimics third-party Bot API servers whose replies the client cannot parse (e.g. ``true`` for sendMessage).
        """
        with self._cond:
            self._odd_results.setdefault(method.lower(), []).extend(copy.deepcopy(result) for _ in range(times))

    # ------------------------------------------------------------ HTTP entry
    def handle_http(self, path: str, content_type: str, body: bytes) -> tuple[int, JSON]:
        """Serve one request; return (HTTP status, JSON body). Used by the HTTP handler."""
        received_at = time.monotonic()
        url = urlsplit(path)
        parts = url.path.split("/")
        if len(parts) != 3 or not parts[1].startswith("bot") or not parts[2]:
            return 404, ApiError(404, "Not Found").payload()
        token, method = parts[1][3:], parts[2]
        if token != self.token:
            return 401, ApiError(401, "Unauthorized").payload()
        name, handler = self._handlers.get(method.lower(), (method, None))
        try:
            params = decode_params(url.query, content_type, body)
        except ApiError as error:
            return error.code, error.payload()
        with self._cond:
            try:
                if handler is None:
                    raise ApiError(404, "Not Found")
                if injected := self._failures.get(name.lower()):
                    raise injected.pop(0)
                odd = self._odd_results.get(name.lower())
                status, payload = 200, {"ok": True, "result": odd.pop(0) if odd else handler(params)}
            except ApiError as error:
                status, payload = error.code, error.payload()
            self._calls.append(Call(name, params, received_at, status, payload))
            self._cond.notify_all()
        return status, copy.deepcopy(payload)

    # --------------------------------------------------------- API methods
    def _api_table(self) -> dict[str, Callable[[JSON], Any]]:
        return {
            "getMe": lambda p: dict(
                self.bot_user, can_join_groups=True, can_read_all_group_messages=False, supports_inline_queries=True
            ),
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": lambda p: {
                "url": self.webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self._queue),
            },
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback,
            "answerInlineQuery": self._answer_inline,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_commands,
            "getMyCommands": lambda p: self._commands.get(
                self._command_key(p.get("scope"), p.get("language_code", "")), []
            ),
            "deleteMyCommands": self._delete_commands,
            "close": lambda p: True,
            "logOut": lambda p: True,
        }

    def _get_updates(self, p: JSON) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if p.get("allowed_updates") is not None:
            self._allowed = frozenset(p["allowed_updates"]) or DEFAULT_ALLOWED
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        self._confirm(int(p.get("offset") or 0))
        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()  # terminates an older long poll, like Telegram
        deadline = time.monotonic() + max(float(p.get("timeout") or 0), 0.0)
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            self._queue = [u for u in self._queue if u.kind in self._allowed]
            remaining = deadline - time.monotonic()
            if self._queue or remaining <= 0 or self._stopped:
                break
            self._cond.wait(remaining)
        batch = self._queue[:limit]
        now = time.monotonic()
        for record in batch:
            record.delivered_at = record.delivered_at or now
        return [record.update for record in batch]

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            dropped, self._queue = self._queue[:offset], self._queue[offset:]
        elif offset > 0:
            dropped = [u for u in self._queue if u.update_id < offset]
            self._queue = [u for u in self._queue if u.update_id >= offset]
        else:
            dropped = []
        for record in dropped:
            record.confirmed = True

    def _set_webhook(self, p: JSON) -> bool:
        self.webhook_url = str(p.get("url") or "")
        if p.get("drop_pending_updates"):
            self._drop_pending()
        return True

    def _delete_webhook(self, p: JSON) -> bool:
        self.webhook_url = ""
        if p.get("drop_pending_updates"):
            self._drop_pending()
        return True

    def _drop_pending(self) -> None:
        for record in self._queue:
            record.confirmed = True
        self._queue = []

    def _delete_commands(self, p: JSON) -> bool:
        self._commands.pop(self._command_key(p.get("scope"), p.get("language_code", "")), None)
        return True

    def _send_message(self, p: JSON) -> JSON:
        chat_id = self._resolve_chat(p.get("chat_id"))
        text, plain, entities = self._parse_text(p)
        markup = check_reply_markup(p.get("reply_markup"))
        reply_to = self._reply_to_id(chat_id, p)
        message = SentMessage(
            chat_id=chat_id,
            message_id=self._new_message_id(chat_id),
            text=text,
            plain_text=plain,
            parse_mode=p.get("parse_mode"),
            entities=entities,
            reply_markup=markup,
            reply_to_message_id=reply_to,
            sent_at=time.monotonic(),
            date=int(time.time()),
            params=p,
        )
        self._sent.append(message)
        return self._message_json(message)

    def _edit_message_text(self, p: JSON) -> JSON | bool:
        if "inline_message_id" in p:
            self._parse_text(p)
            check_reply_markup(p.get("reply_markup"))
            return True
        message = self._editable(p)
        text, plain, entities = self._parse_text(p)
        markup = check_reply_markup(p.get("reply_markup"))
        if (plain, entities, markup) == (message.plain_text, message.entities, message.reply_markup):
            raise ApiError(400, NOT_MODIFIED)
        message.edit_history.append(message.text)
        message.text, message.plain_text, message.entities = text, plain, entities
        message.parse_mode, message.reply_markup = p.get("parse_mode"), markup
        message.edited_at, message.edit_date = time.monotonic(), int(time.time())
        return self._message_json(message)

    def _edit_reply_markup(self, p: JSON) -> JSON | bool:
        markup = check_reply_markup(p.get("reply_markup"))
        if "inline_message_id" in p:
            return True
        message = self._editable(p)
        if markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        message.reply_markup = markup
        message.edited_at, message.edit_date = time.monotonic(), int(time.time())
        return self._message_json(message)

    def _delete_message(self, p: JSON) -> bool:
        chat_id = self._resolve_chat(p.get("chat_id"))
        message = self._find_sent(chat_id, p.get("message_id"))
        if message is None:
            if self._user_messages.pop((chat_id, p.get("message_id")), None) is not None:
                return True
            raise bad_request("message to delete not found")
        message.deleted = True
        return True

    def _answer_callback(self, p: JSON) -> bool:
        record = self._callbacks.get(str(p.get("callback_query_id")))
        if record is None or record["answer"] is not None:
            raise ApiError(400, BAD_QUERY)
        if utf16_len(str(p.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        record["answer"] = p
        return True

    def _answer_inline(self, p: JSON) -> bool:
        record = self._inline_queries.get(str(p.get("inline_query_id")))
        if record is None or record["answer"] is not None:
            raise ApiError(400, BAD_QUERY)
        results = p.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        if any(not isinstance(r, dict) or not r.get("type") or not r.get("id") for r in results):
            raise bad_request('can\'t parse InlineQueryResult: Field "id" must be of type String')
        record["answer"] = p
        return True

    def _send_chat_action(self, p: JSON) -> bool:
        self._resolve_chat(p.get("chat_id"))
        if p.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _set_commands(self, p: JSON) -> bool:
        commands = p.get("commands") or []
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            name = name.lower()  # Telegram lowercases command names itself
            if not (1 <= len(name) <= 32) or not all(c.isascii() and (c.isalnum() or c == "_") for c in name):
                raise bad_request("BOT_COMMAND_INVALID")
            description = str(command.get("description", "")).strip()
            if not description:
                raise bad_request("command description must be non-empty")
            if len(description) > 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._command_key(p.get("scope"), p.get("language_code", ""))
        self._commands[key] = commands
        return True

    # -------------------------------------------------------------- helpers
    def _parse_text(self, p: JSON) -> tuple[str, str, list[JSON]]:
        """Return (raw text, plain text, entities) or raise Telegram's error."""
        text = p.get("text")
        if text is None or text == "":
            raise bad_request("message text is empty")
        text = str(text)
        mode = str(p.get("parse_mode") or "").lower()
        if mode == "html":
            try:
                plain, entities = parse_html(text, strict_ampersand=self.strict_html)
            except EntityParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        elif mode in ("markdown", "markdownv2"):  # not parsed: the text is kept verbatim
            plain, entities = text, []
        elif not mode:
            plain, entities = text, list(p.get("entities") or [])
        else:
            raise bad_request("unsupported parse_mode")
        plain, entities = trim_text(plain, entities)
        if not plain:
            raise bad_request("message text is empty")
        if utf16_len(plain) > MAX_TEXT_UTF16:
            raise bad_request("message is too long")
        return text, plain, entities

    def _resolve_chat(self, chat_id: Any) -> int:
        if chat_id in (None, ""):
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, int) and chat_id in self._chats:
            return chat_id
        for known_id, chat in self._chats.items():
            if isinstance(chat_id, str) and chat.get("username") == chat_id.lstrip("@"):
                return known_id
        raise bad_request("chat not found")

    def _editable(self, p: JSON) -> SentMessage:
        chat_id = self._resolve_chat(p.get("chat_id"))
        message = self._find_sent(chat_id, p.get("message_id"))
        if message is not None and not message.deleted:
            return message
        if (chat_id, p.get("message_id")) in self._user_messages:
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")

    def _reply_to_id(self, chat_id: int, p: JSON) -> int | None:
        reply = p.get("reply_parameters") or {}
        target = reply.get("message_id", p.get("reply_to_message_id"))
        if target is None:
            return None
        allow = reply.get("allow_sending_without_reply", p.get("allow_sending_without_reply"))
        exists = (chat_id, target) in self._user_messages or self._find_sent(chat_id, target)
        if not exists and not allow:
            raise bad_request("message to be replied not found")
        return target if exists else None

    def _find_sent(self, chat_id: int, message_id: Any) -> SentMessage | None:
        return next((m for m in self._sent if m.chat_id == chat_id and m.message_id == message_id), None)

    def _message_json(self, m: SentMessage) -> JSON:
        message: JSON = {
            "message_id": m.message_id,
            "from": self.bot_user,
            "chat": self._chats[m.chat_id],
            "date": m.date,
            "text": m.plain_text,
        }
        if m.entities:
            message["entities"] = m.entities
        if m.reply_markup and "inline_keyboard" in m.reply_markup:
            message["reply_markup"] = m.reply_markup
        if m.edit_date is not None:
            message["edit_date"] = m.edit_date
        if m.reply_to_message_id is not None:
            replied = self._user_messages.get((m.chat_id, m.reply_to_message_id))
            sent = self._find_sent(m.chat_id, m.reply_to_message_id)
            replied = replied or (self._message_json(sent) if sent else None)
            if replied is not None:
                message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        return message

    def _user(self, chat_id: int, user_id: int | None, username: str | None, first_name: str, chat_type: str) -> JSON:
        if user_id is None:
            user_id = chat_id if chat_type == "private" else 4242
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}
        if username:
            user["username"] = username
        return user

    def _register_chat(self, chat_id: int, chat_type: str, user: JSON) -> JSON:
        if chat_id not in self._chats:
            chat: JSON = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat.update({k: user[k] for k in ("first_name", "username") if k in user})
            else:
                chat["title"] = f"Test {chat_type} {chat_id}"
            self._chats[chat_id] = chat
        return self._chats[chat_id]

    def _reply_target(self, chat_id: int, to_bot: bool, message_id: int | None) -> JSON | None:
        if message_id is not None:
            sent = self._find_sent(chat_id, message_id)
            found = self._user_messages.get((chat_id, message_id))
            if sent is None and found is None:
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            return self._message_json(sent) if sent else found
        if to_bot:
            mine = [m for m in self._sent if m.chat_id == chat_id and not m.deleted]
            if not mine:
                raise ValueError(f"bot has sent nothing to chat {chat_id} to reply to")
            return self._message_json(mine[-1])
        return None

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    @staticmethod
    def _command_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    def _count_sent(self, chat_id: int) -> int:
        return sum(1 for m in self._sent if m.chat_id == chat_id)

    def _count_calls(self, method: str) -> int:
        return sum(1 for c in self._calls if c.method.lower() == method.lower())

    def _describe(self) -> str:
        sent = [(m.chat_id, m.plain_text[:60]) for m in self._sent[-5:]]
        errors = [(c.method, c.response.get("description")) for c in self._calls if not c.ok]
        return f"last sent={sent}, failed calls={errors[-5:]}, pending updates={len(self._queue)}"
