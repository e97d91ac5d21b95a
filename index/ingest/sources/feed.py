"""Read RSS and Atom feeds with feedparser: the feed's publisher and one Entry per item, malformed ones reported.

An entry whose feed carries its full content becomes an article here; one that holds only a summary is fetched
from its link by the caller (see inputs.py), with the feed supplying publisher and date the page may lack.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from ..corpus import Article, make_article
from ..urls import canonical_url, url_problem
from .html import Hints, content_id

# Block elements whose end is a line break in the text of a feed's HTML content.
_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "br", "section", "article")


@dataclass(frozen=True)
class Entry:
    """One item of a feed, as the feed describes it."""

    number: int
    key: str  # what identifies the entry within its feed: GUID, else link, else a hash of its text
    version: str  # a hash of everything the feed says about the entry: a new version means it changed
    title: str | None
    link: str | None  # a checked http(s) URL, or None
    guid: str | None
    published: str | None  # YYYY-MM-DD
    author: str | None
    content: str | None  # full content (HTML) when the feed carries it
    summary: str | None  # HTML
    link_problem: str | None = None

    def label(self) -> str:
        """Return how to name the entry in a message: its number and title."""
        return f"entry {self.number}" + (f" ('{self.title[:60]}')" if self.title else "")


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its publisher and entries, and what was wrong with it."""

    url: str | None
    title: str | None
    entries: list[Entry]
    problems: list[str] = field(default_factory=list)


class NotAFeed(ValueError):
    """Bytes that hold no feed."""


def parse_feed(data: bytes, url: str | None = None, content_type: str | None = None) -> Feed:
    """Parse a feed document; a malformed feed gives what could be read plus a problem, no entries raises NotAFeed."""
    import feedparser

    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    problems: list[str] = []
    version = parsed.get("version") or ""
    if parsed.get("bozo"):
        reason = str(parsed.get("bozo_exception") or "malformed")
        if not parsed.entries:
            raise NotAFeed(f"not a readable feed ({reason})")
        problems.append(f"the feed is malformed ({reason}); the entries that could be read are used")
    elif not version and not parsed.entries:
        raise NotAFeed("not an RSS or Atom feed")
    feed_meta = parsed.get("feed", {})
    title = _plain(feed_meta.get("title"))
    entries = [_entry(n, raw) for n, raw in enumerate(parsed.entries, start=1)]
    return Feed(url=url, title=title, entries=entries, problems=problems)


def entry_hints(entry: Entry, feed: Feed) -> Hints:
    """Return what the feed knows about an entry's page: publisher, date, title, author, GUID."""
    return Hints(
        source=feed.title, published=entry.published, title=entry.title, author=entry.author, doc_id=entry.guid
    )


def content_article(entry: Entry, feed: Feed, html: str) -> Article:
    """Return the article of an entry from HTML the feed carries (its content, or its summary when nothing else)."""
    text = fragment_text(html)
    if not text.strip():
        raise ValueError(f"{entry.label()} has no text")
    doc_id = (canonical_url(entry.link) if entry.link else None) or entry.guid or content_id(text)
    meta = {
        "title": entry.title,
        "source": feed.title,
        "published": entry.published,
        "author": entry.author,
        "url": canonical_url(entry.link) if entry.link else None,
    }
    try:
        return make_article(meta, text, doc_id=doc_id, path=feed.url)
    except ValueError as exc:
        raise ValueError(f"{entry.label()}: {exc.args[-1]}") from None


def fragment_text(html: str) -> str:
    """Return the text of an HTML fragment, one line per paragraph (scripts and styles dropped)."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fromstring(f"<div>{html}</div>")
    except (etree.ParserError, ValueError):
        return " ".join(html.split())
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _entry(number: int, raw: Any) -> Entry:
    link = raw.get("link") or None
    problem = url_problem(link) if link else None
    contents = [c.get("value") for c in raw.get("content") or [] if c.get("value")]
    guid = _plain(raw.get("id"))
    summary = raw.get("summary") or None
    title = _plain(raw.get("title"))
    fields = [title, link, guid, raw.get("published"), raw.get("updated"), summary, contents]
    version = hashlib.sha256(json.dumps(fields, ensure_ascii=False, default=str).encode()).hexdigest()[:32]
    good_link = link if link and problem is None else None
    key = guid or (canonical_url(good_link) if good_link else None) or "entry:" + version
    return Entry(
        number=number,
        key=key,
        version=version,
        title=title,
        link=good_link,
        guid=guid,
        published=_date(raw.get("published_parsed") or raw.get("updated_parsed")),
        author=_plain(raw.get("author")),
        content="\n".join(contents) if contents else None,
        summary=summary,
        link_problem=problem,
    )


def _date(value: time.struct_time | None) -> str | None:
    return time.strftime("%Y-%m-%d", value) if value else None


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
