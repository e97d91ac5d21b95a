"""Webhook mode: a small asyncio HTTP server that receives Telegram's updates (HTTPS is terminated by a proxy).

PTB's own webhook server needs tornado, which this project does not install; Telegram only ever POSTs one JSON
update per request to one path, which the standard library serves in a few lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from http import HTTPStatus
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application

from .app import ALLOWED_UPDATES, running

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # Telegram updates are a few kilobytes
HEADER_TIMEOUT = 10.0
SECRET_HEADER = "x-telegram-bot-api-secret-token"


class WebhookServer:
    """Accepts POSTed updates on one path and queues them for the Application; GET /healthz answers 'ok'."""

    def __init__(self, app: Application, path: str, secret_token: str | None = None) -> None:
        self.app = app
        self.path = "/" + path.strip("/")
        self.secret_token = secret_token
        self._server: asyncio.Server | None = None

    async def start(self, listen: str, port: int) -> int:
        """Start listening; return the bound port (useful with port 0)."""
        self._server = await asyncio.start_server(self._serve, listen, port)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop accepting connections."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status = await asyncio.wait_for(self._handle(reader), HEADER_TIMEOUT)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            status = HTTPStatus.BAD_REQUEST
        except ConnectionError:
            writer.close()
            return
        body = b"ok" if status == HTTPStatus.OK else status.phrase.encode()
        head = f"HTTP/1.1 {status.value} {status.phrase}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"Connection: close\r\n\r\n" + body)
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader) -> HTTPStatus:
        request_line = (await reader.readuntil(b"\r\n")).decode("latin-1").split()
        headers: dict[str, str] = {}
        while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
            if len(headers) > 100:
                return HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
        if len(request_line) != 3:
            return HTTPStatus.BAD_REQUEST
        method, target = request_line[0], urlsplit(request_line[1]).path
        if method == "GET" and target == "/healthz":
            return HTTPStatus.OK
        if target != self.path:
            return HTTPStatus.NOT_FOUND
        if method != "POST":
            return HTTPStatus.METHOD_NOT_ALLOWED
        if self.secret_token and not hmac.compare_digest(
            headers.get(SECRET_HEADER, "").encode(), self.secret_token.encode()
        ):
            return HTTPStatus.FORBIDDEN
        length = int(headers.get("content-length") or 0)
        if length > MAX_BODY:
            return HTTPStatus.REQUEST_ENTITY_TOO_LARGE
        try:
            data = json.loads(await reader.readexactly(length))
            update = Update.de_json(data, self.app.bot)
        except (ValueError, KeyError, TypeError):
            log.warning("webhook: a request did not hold a valid update")
            return HTTPStatus.BAD_REQUEST
        await self.app.update_queue.put(update)
        return HTTPStatus.OK


async def serve_webhook(
    app: Application,
    webhook_url: str,
    listen: str = "127.0.0.1",
    port: int = 8080,
    secret_token: str | None = None,
    *,
    stop: asyncio.Event | None = None,
    ready: asyncio.Future[int] | None = None,
    handle_signals: bool = True,
) -> None:
    """Register webhook_url with Telegram and serve updates until stop is set (or SIGINT/SIGTERM arrives).

    ready, when given, receives the bound port once updates are being accepted.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    server = WebhookServer(app, urlsplit(webhook_url).path or "/", secret_token)
    try:
        async with running(app):
            bound = await server.start(listen, port)
            try:
                await app.bot.set_webhook(webhook_url, secret_token=secret_token, allowed_updates=list(ALLOWED_UPDATES))
                log.info("webhook: listening on %s:%d for %s", listen, bound, urlsplit(webhook_url).path or "/")
                if ready is not None:
                    ready.set_result(bound)
                await stop.wait()
            finally:
                await server.stop()
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
