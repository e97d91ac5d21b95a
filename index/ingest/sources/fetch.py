"""Fetch pages and feeds over http(s): a timeout, a size cap, few redirects, a User-Agent naming us, retries.

Every failure becomes one FetchError whose message names the URL; conditional requests (ETag, Last-Modified) let a
feed that did not change answer 304 without a body. What starts on a public address stays on public addresses: a
redirect (or a feed's link) from the internet to a loopback, private or link-local address is refused, so that a
feed cannot make the index quote pages of the operator's own network.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpx

from ... import __version__
from ..urls import BadURL, check_url

log = logging.getLogger(__name__)

USER_AGENT = f"newsbot/{__version__} (news quote bot; fetches the pages and feeds its operator adds)"
# Statuses worth asking again after a pause: the server is busy or briefly down.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchPolicy:
    """How patient and how trusting a fetch is."""

    timeout: float = 20.0  # seconds to connect, and between bytes read
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2  # further tries after the first, for network errors and RETRY_STATUSES
    backoff: float = 1.0  # seconds before the first retry, doubled after each
    max_wait: float = 30.0  # longest pause between tries, whatever Retry-After asks
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    """A response: its final URL (after redirects), body and the headers that matter."""

    url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """Return whether the server said the resource did not change since the validators we sent."""
        return self.status == 304


class FetchError(Exception):
    """A URL that could not be fetched; str() is one line naming the URL."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class Fetcher:
    """An HTTP client for pages and feeds (use as a context manager, or close() it)."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._sleep = sleep
        self._public_only = False
        self._client = httpx.Client(
            event_hooks={"request": [self._check_address]},
            follow_redirects=True,
            max_redirects=self.policy.max_redirects,
            timeout=httpx.Timeout(self.policy.timeout),
            headers={"User-Agent": self.policy.user_agent},
            transport=transport,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, public_only: bool = False
    ) -> Fetched:
        """Fetch url, retrying transient failures; raise FetchError with a one-line reason otherwise.

        With public_only, or when url is on a public address, every request (redirects too) must go to one.
        """
        try:
            check_url(url)
        except BadURL as exc:
            raise FetchError(url, str(exc)) from None
        self._public_only = public_only or is_public_host(httpx.URL(url).host)
        headers = {
            "Accept": "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
            "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        wait = self.policy.backoff
        for attempt in range(self.policy.retries + 1):
            last = attempt == self.policy.retries
            try:
                fetched = self._once(url, headers)
            except httpx.TooManyRedirects:
                raise FetchError(url, f"more than {self.policy.max_redirects} redirects (a redirect loop?)") from None
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                if last:
                    raise FetchError(url, _network_reason(exc)) from None
                log.info("fetch %s failed (%s); retrying in %.1fs", url, _network_reason(exc), wait)
            except httpx.HTTPError as exc:  # bad URL for httpx, unsupported redirect target, decoding error
                raise FetchError(url, f"cannot be fetched ({type(exc).__name__}: {exc})") from None
            else:
                if fetched.status not in RETRY_STATUSES:
                    return _checked(url, fetched)
                if last:
                    raise FetchError(url, f"HTTP {fetched.status} after {attempt + 1} tries")
                wait = max(wait, _retry_after(fetched.headers.get("retry-after")))
                log.info("fetch %s: HTTP %d; retrying in %.1fs", url, fetched.status, wait)
            self._sleep(min(wait, self.policy.max_wait))
            wait *= 2
        raise AssertionError("unreachable")

    def _check_address(self, request: httpx.Request) -> None:
        if self._public_only and not is_public_host(request.url.host):
            raise FetchError(str(request.url), "refused: a private or loopback address reached from a public one")

    def _once(self, url: str, headers: dict[str, str]) -> Fetched:
        with self._client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdecimal() and int(declared) > self.policy.max_bytes:
                raise FetchError(url, f"larger than the {_size(self.policy.max_bytes)} limit ({_size(int(declared))})")
            body = bytearray()
            if response.status_code == 200:
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self.policy.max_bytes:
                        raise FetchError(url, f"larger than the {_size(self.policy.max_bytes)} limit")
            content_type = response.headers.get("content-type", "")
            return Fetched(
                url=str(response.url),
                status=response.status_code,
                content=bytes(body),
                content_type=content_type.split(";")[0].strip().lower(),
                charset=response.charset_encoding,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                headers={k.lower(): v for k, v in response.headers.items()},
            )


def is_public_host(host: str) -> bool:
    """Return whether a host is (or resolves only to) global addresses; an unresolvable host counts as public."""
    host = host.strip("[]")
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return True  # the request itself will fail with a clear reason
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return all(a.is_global for a in addresses)


def _checked(url: str, fetched: Fetched) -> Fetched:
    if fetched.status == 304 or 200 <= fetched.status < 300:
        return fetched
    if fetched.status == 404:
        raise FetchError(url, "not found (HTTP 404)")
    if fetched.status == 410:
        raise FetchError(url, "gone (HTTP 410)")
    raise FetchError(url, f"HTTP {fetched.status}")


def _network_reason(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})" if str(exc) else "cannot connect"
    return f"connection failed ({type(exc).__name__}: {exc})"


def _retry_after(value: str | None) -> float:
    """Return the pause a Retry-After header asks for (seconds or an HTTP date), 0 when absent or unreadable."""
    if not value:
        return 0.0
    if value.strip().isdecimal():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return 0.0


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"
