"""The one check every URL passes before it enters the index, and the canonical form that identifies an article."""

from __future__ import annotations

import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MAX_URL_CHARS = 2048
SCHEMES = ("http", "https")
# Query parameters that only say where a reader came from: dropped from the canonical form.
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "yclid")
# Control (Cc), format (Cf: zero-width and bidi overrides), separators (Zl, Zp) and spaces (Zs) never belong in a URL.
_FORBIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Zs")


class BadURL(ValueError):
    """A URL that must not enter the index; the message says why."""


def check_url(value: str) -> str:
    """Return value if it is a usable http(s) URL (scheme, host, length, no control characters); else raise BadURL."""
    if not isinstance(value, str) or not value:
        raise BadURL("empty URL")
    if len(value) > MAX_URL_CHARS:
        raise BadURL(f"URL longer than {MAX_URL_CHARS} characters ({len(value)})")
    for char in value:
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            raise BadURL(f"URL holds a control or space character (U+{ord(char):04X})")
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError as exc:
        raise BadURL(f"URL cannot be parsed ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise BadURL(f"URL scheme must be http or https, not '{parts.scheme}'" if parts.scheme else "URL has no scheme")
    if not parts.hostname:
        raise BadURL("URL has no host")
    del port
    return value


def url_problem(value: str) -> str | None:
    """Return why a URL is refused, or None when it is fine."""
    try:
        check_url(value)
    except BadURL as exc:
        return str(exc)
    return None


def canonical_url(value: str) -> str:
    """Return the form of a checked URL that identifies an article: lower-case scheme and host, no default port,
    no fragment, no user name or password, no tracking parameters."""
    parts = urlsplit(check_url(value))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6
    default = {"http": 80, "https": 443}[scheme]
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING)]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query, doseq=True), ""))


def is_url(value: str) -> bool:
    """Return whether a command-line input names a URL (http:// or https://) rather than a path."""
    return value.lower().startswith(("http://", "https://"))
