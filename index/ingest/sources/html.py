"""Turn an HTML page into an Article: trafilatura keeps the story and drops the clutter around it; the page's
metadata gives title, publisher, date, author, language and canonical URL.

The text is kept exactly as the extractor returns it: answers quote it with offsets.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..corpus import Article, make_article
from ..urls import BadURL, canonical_url, url_problem

log = logging.getLogger(__name__)

# Less text than this is a navigation bar, a cookie wall or a "please enable JavaScript" page, not an article.
MIN_WORDS = 10
_LANG = re.compile(r"<html[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)


@dataclass(frozen=True)
class Hints:
    """What the page may not say about itself but its context knows (a feed's title and entry date)."""

    source: str | None = None
    published: str | None = None
    title: str | None = None
    author: str | None = None
    doc_id: str | None = None  # an id to use when the page gives no canonical URL (a feed GUID)


class NotAnArticle(ValueError):
    """A page with no article text the extractor could find."""


def page_article(markup: str, url: str | None, hints: Hints | None = None, path: str | None = None) -> Article:
    """Return the article of a page fetched from url (or read from path): its main text and its metadata."""
    import trafilatura

    hints = hints or Hints()
    doc = trafilatura.bare_extraction(
        markup,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise NotAnArticle("no article text found on the page")
    words = len(text.split())
    if words < MIN_WORDS:
        raise NotAnArticle(f"no article text found on the page (only {words} words)")
    canonical = _canonical(getattr(doc, "url", None), url)
    meta = {
        "title": _clean(getattr(doc, "title", None)) or hints.title,
        "source": _site_name(getattr(doc, "sitename", None), url) or hints.source,
        "published": _clean(getattr(doc, "date", None)) or hints.published,
        "author": _clean(getattr(doc, "author", None)) or hints.author,
        "language": page_language(markup),
        "url": canonical,
    }
    doc_id = canonical or hints.doc_id or content_id(text)
    try:
        return make_article(meta, text, doc_id=doc_id, path=path or url)
    except ValueError as exc:
        raise NotAnArticle(exc.args[-1]) from None


def page_language(markup: str) -> str | None:
    """Return the primary language the page declares on its <html> element (e.g. "en"), if any."""
    match = _LANG.search(markup[:8192])
    return match.group(1).lower() if match else None


def content_id(text: str) -> str:
    """Return an id made from an article's text, for articles that have neither a URL nor a GUID."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _canonical(declared: str | None, fetched: str | None) -> str | None:
    """The page's canonical URL (resolved against where it was fetched), else the fetched URL, in canonical form."""
    for candidate in (urljoin(fetched or "", declared) if declared else None, fetched):
        if candidate and url_problem(candidate) is None:
            try:
                return canonical_url(candidate)
            except BadURL:
                continue
    return None


def _site_name(name: str | None, url: str | None) -> str | None:
    """The site name, unless the extractor only fell back to the host name."""
    name = _clean(name)
    if not name or not url:
        return name
    host = urlsplit(url).netloc.lower()
    return None if name.lower() in (host, host.removeprefix("www.")) else name


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
