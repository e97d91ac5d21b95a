"""The bot's HTTP side on tornado: GET /healthz and /metrics in every mode, POST <webhook path> in webhook mode.

Tornado is the server PTB's own webhook mode runs on (`python-telegram-bot[webhooks]`). It is used directly rather
than through `run_webhook` because that serves only the webhook path, takes bodies up to 100 MB and answers a `null`
body with 200. Tornado itself enforces what keeps slow or greedy clients out: a deadline for the request headers
(`idle_connection_timeout`), one for the body (`body_timeout`), and size limits on both (`max_header_size`,
`max_body_size`; an oversized request gets 400 and the connection is closed). HTTPS is terminated by a proxy.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as TornadoApp
from tornado.web import RequestHandler

from .metrics import Metrics, index_status
from .reload import IndexProvider
from .updates import BoundedUpdateProcessor

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram's updates are a few kilobytes
MAX_HEADERS = 16 << 10
HEADER_TIMEOUT = 10.0  # seconds a client has to send its request line and headers
BODY_TIMEOUT = 10.0  # seconds it has to send the body


@dataclass
class Webhook:
    """Where updates arrive and how they are checked: the path, the secret Telegram sends, the application."""

    app: Application
    path: str
    secret: str


def parse_update(body: bytes, app: Application) -> Update | None:
    """Return the update a webhook body holds, or None when it is not one (not JSON, not an object, malformed)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # also UnicodeDecodeError; RecursionError: nested too deeply
        return None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return None
    try:
        return Update.de_json(data, app.bot)
    except Exception:  # any shape PTB cannot read is a bad request, not a server error
        return None


class _Base(RequestHandler):
    def compute_etag(self) -> None:
        return None

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")


class HealthHandler(_Base):
    """GET /healthz: 200 with the served build (id, build time, age) while an index is loaded, else 503."""

    def initialize(self, provider: IndexProvider, mode: str) -> None:
        self.provider, self.mode = provider, mode

    def get(self) -> None:
        try:
            status: dict[str, Any] = {"status": "ok", "mode": self.mode, "index": index_status(self.provider)}
        except RuntimeError:
            self.set_status(503)
            status = {"status": "no index loaded", "mode": self.mode}
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(status))


class MetricsHandler(_Base):
    """GET /metrics: Prometheus' text format."""

    def initialize(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def get(self) -> None:
        body, content_type = self.metrics.exposition()
        self.set_header("Content-Type", content_type)
        self.finish(body)


class WebhookHandler(_Base):
    """POST <path>: one update from Telegram, which must carry the secret token; anything else is refused."""

    def initialize(self, webhook: Webhook, metrics: Metrics) -> None:
        self.webhook, self.metrics = webhook, metrics

    async def post(self) -> None:
        sent = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(sent.encode("utf-8", "replace"), self.webhook.secret.encode()):
            return self._refuse(403, "secret")
        processor = self.webhook.app.update_processor
        if isinstance(processor, BoundedUpdateProcessor) and processor.full:
            return self._refuse(503, "overloaded")  # Telegram delivers the update again later
        update = parse_update(self.request.body, self.webhook.app)
        if update is None:
            return self._refuse(400, "malformed")
        await self.webhook.app.update_queue.put(update)
        self.finish("ok")

    def _refuse(self, status: int, reason: str) -> None:
        self.metrics.webhook_refused.labels(reason=reason).inc()
        log.info("webhook: refused a request from %s (%s)", self.request.remote_ip, reason)
        self.set_status(status)
        self.finish(reason)


def _log_request(handler: RequestHandler) -> None:
    """Log failed requests only, at debug level (refusals are logged and counted by the handlers)."""
    if handler.get_status() >= 500:
        log.debug("%d %s %s", handler.get_status(), handler.request.method, handler.request.path)


class HttpServer:
    """Serves /healthz, /metrics and, given a Webhook, Telegram's updates."""

    def __init__(
        self,
        provider: IndexProvider,
        metrics: Metrics,
        webhook: Webhook | None = None,
        *,
        max_body: int = MAX_BODY,
        header_timeout: float = HEADER_TIMEOUT,
        body_timeout: float = BODY_TIMEOUT,
    ) -> None:
        mode = "webhook" if webhook else "polling"
        routes: list[Any] = [
            (r"/healthz", HealthHandler, {"provider": provider, "mode": mode}),
            (r"/metrics", MetricsHandler, {"metrics": metrics}),
        ]
        if webhook is not None:
            routes.append((re.escape(webhook.path), WebhookHandler, {"webhook": webhook, "metrics": metrics}))
        self._app = TornadoApp(routes, log_function=_log_request)
        self._options = {
            "max_body_size": max_body,
            "max_header_size": MAX_HEADERS,
            "idle_connection_timeout": header_timeout,
            "body_timeout": body_timeout,
        }
        self._server: HTTPServer | None = None

    async def start(self, listen: str, port: int) -> int:
        """Start listening (call from the running event loop); return the bound port (useful with port 0)."""
        sockets = bind_sockets(port, address=listen or None)
        self._server = HTTPServer(self._app, xheaders=False, **self._options)
        self._server.add_sockets(sockets)
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
