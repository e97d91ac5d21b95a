"""Turn what an operator names on the command line (files, folders, globs, page and feed URLs) into articles.

A bad input (a dead URL, a response that is neither a page nor a feed, a malformed feed entry) is a problem
naming it, never a failure of the others. Feed entries seen before in the same version, whose articles the index
holds, are skipped without fetching; what was learnt about feeds is returned as `pending` state, to be kept once
the articles are in the index.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..corpus import JSONL_SUFFIXES, TEXT_SUFFIXES, Article, CorpusProblem, dedupe_ids, drop_bad_urls, load_file
from ..urls import is_url
from .decode import decode_html
from .feed import Entry, Feed, NotAFeed, content_article, entry_hints, parse_feed
from .fetch import Fetched, Fetcher, FetchError, is_public_host
from .html import Hints, NotAnArticle, page_article
from .state import FeedStates

PAGE_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | PAGE_SUFFIXES | FEED_SUFFIXES
_FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf")
_PAGE_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<p>", b"<div")


@dataclass
class Gathered:
    """The articles read from some inputs, the problems met, and what was learnt about feeds."""

    articles: list[Article] = field(default_factory=list)
    problems: list[CorpusProblem] = field(default_factory=list)
    extracted: set[str] = field(default_factory=set)  # ids of articles made from pages and feeds
    fetched: int = 0  # http responses read (a 304 counts)
    failed: int = 0  # inputs and feed entries that gave nothing
    unchanged: int = 0  # feed entries skipped as already indexed (not fetched)
    pending: list[Callable[[FeedStates], None]] = field(default_factory=list)

    def fail(self, where: str, message: str) -> None:
        """Record an input or entry that gave nothing."""
        self.failed += 1
        self.problems.append(CorpusProblem(where, message))


def missing_paths(inputs: Sequence[str]) -> list[str]:
    """Return the inputs that are neither URLs, nor existing files or folders, nor glob patterns."""
    return [i for i in inputs if not is_url(i) and not glob.has_magic(i) and not Path(i).exists()]


def gather(
    inputs: Sequence[str],
    fetcher: Fetcher | None = None,
    states: FeedStates | None = None,
    held: Collection[str] = (),
) -> Gathered:
    """Read every input; held is the ids the index holds (to skip unchanged feed entries without fetching)."""
    out = Gathered()
    reader = _Reader(out, fetcher, states, held)
    for item in inputs:
        if is_url(item):
            reader.url(item)
        elif glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                out.fail(item, "no file matches this pattern")
            for match in matches:
                reader.path(Path(match), Path(match).parent)
        else:
            path = Path(item)
            reader.path(path, path if path.is_dir() else path.parent)
    out.articles, out.problems = dedupe_ids(*drop_bad_urls(out.articles, out.problems))
    return out


def sniff(data: bytes, content_type: str = "") -> str | None:
    """Return "feed", "page" or None for a document, from its first bytes (and content type when they are unclear)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.lower()
    feed_at = min((head.find(m) for m in _FEED_MARKERS if m in head), default=-1)
    page_at = min((head.find(m) for m in _PAGE_MARKERS if m in head), default=-1)
    if feed_at >= 0 and (page_at < 0 or feed_at < page_at):
        return "feed"
    if page_at >= 0:
        return "page"
    if content_type in ("text/html", "application/xhtml+xml") and head.strip():
        return "page"
    return None


class _Reader:
    def __init__(
        self, out: Gathered, fetcher: Fetcher | None, states: FeedStates | None, held: Collection[str]
    ) -> None:
        self.out = out
        self.fetcher = fetcher
        self.states = states
        self.held = held

    def path(self, path: Path, base: Path) -> None:
        if path.is_dir():
            for file in _files_below(path):
                self.path(file, path)
            return
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES | JSONL_SUFFIXES:
            prefix = path.relative_to(base).with_suffix("").as_posix() if path.is_relative_to(base) else path.stem
            found, bad = load_file(path, doc_prefix=prefix)
            self.out.articles.extend(found)
            self.out.problems.extend(bad)
            return
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.out.fail(str(path), f"cannot be read ({exc.strerror})")
            return
        kind = sniff(data, "text/html" if suffix in PAGE_SUFFIXES else "")
        stem = path.relative_to(base).with_suffix("").as_posix() if path.is_relative_to(base) else path.stem
        if kind == "feed":
            self.feed(data, str(path), None, "")
        elif kind == "page":
            self.page(data, None, str(path), Hints(doc_id=stem), None)
        else:
            self.out.fail(str(path), "not an HTML page, a feed, or an article file (.md, .txt, .jsonl)")

    def url(self, url: str) -> None:
        if self.fetcher is None:
            self.out.fail(url, "URLs cannot be fetched here")
            return
        state = self.states.feeds.get(url) if self.states is not None else None
        if state is not None and not state.complete(self.held):
            state = None  # the index lost some of the feed's articles: ask for the whole feed, not "changed since"
        try:
            fetched = self.fetcher.get(
                url, etag=state.etag if state else None, last_modified=state.last_modified if state else None
            )
        except FetchError as exc:
            self.out.fail(url, exc.reason)
            return
        self.out.fetched += 1
        if fetched.not_modified:
            self.out.unchanged += len(state.entries) if state else 0
            return
        kind = sniff(fetched.content, fetched.content_type)
        if kind == "feed":
            self.feed(fetched.content, url, fetched, fetched.content_type)
        elif kind == "page":
            self.page(fetched.content, fetched.charset, fetched.url, Hints(), url)
        else:
            shown = fetched.content_type or "no content type"
            self.out.fail(url, f"not an HTML page or a feed ({shown})")

    def page(self, data: bytes, charset: str | None, where: str, hints: Hints, url: str | None) -> Article | None:
        markup = decode_html(data, charset)
        try:
            article = page_article(markup, where if url else None, hints, path=url or where)
        except NotAnArticle as exc:
            self.out.fail(url or where, str(exc))
            return None
        self.out.articles.append(article)
        self.out.extracted.add(article.doc_id)
        return article

    def feed(self, data: bytes, where: str, fetched: Fetched | None, content_type: str) -> None:
        try:
            feed = parse_feed(data, where, content_type or None)
        except NotAFeed as exc:
            self.out.fail(where, str(exc))
            return
        self.out.problems.extend(CorpusProblem(where, p) for p in feed.problems)
        use_state = fetched is not None and self.states is not None
        state = self.states.feed(where) if use_state and self.states is not None else None
        failed = self.out.failed
        for entry in feed.entries:
            if state is not None and state.unchanged(entry.key, entry.version, self.held):
                self.out.unchanged += 1
                continue
            article = self.entry(entry, feed)
            if article is not None and state is not None:
                self.out.pending.append(_remember(where, entry, article.doc_id))
        if fetched is not None and self.states is not None and self.out.failed == failed:
            self.out.pending.append(_validators(where, fetched))  # after a failed entry, the next poll asks again

    def entry(self, entry: Entry, feed: Feed) -> Article | None:
        where = f"{feed.url} {entry.label()}"
        try:
            if entry.content:
                article = content_article(entry, feed, entry.content)
            elif entry.link:
                return self.linked(entry, feed, where)
            elif entry.summary:
                article = content_article(entry, feed, entry.summary)
            else:
                why = f"its link is refused ({entry.link_problem})" if entry.link_problem else "it has no link"
                self.out.fail(where, f"nothing to index: {why} and no text")
                return None
        except ValueError as exc:
            self.out.fail(where, str(exc))
            return None
        self.out.articles.append(article)
        self.out.extracted.add(article.doc_id)
        return article

    def linked(self, entry: Entry, feed: Feed, where: str) -> Article | None:
        """The article of a summary-only entry: its page, fetched from the entry's link."""
        assert entry.link is not None
        if self.fetcher is None:
            self.out.fail(where, f"holds only a summary, and its link {entry.link} cannot be fetched here")
            return None
        try:
            fetched = self.fetcher.get(entry.link, public_only=_is_public(feed.url))
        except FetchError as exc:
            self.out.fail(where, f"its page {exc}")
            return None
        self.out.fetched += 1
        if sniff(fetched.content, fetched.content_type) != "page":
            self.out.fail(where, f"its link {entry.link} is not an HTML page ({fetched.content_type or 'unknown'})")
            return None
        return self.page(fetched.content, fetched.charset, fetched.url, entry_hints(entry, feed), fetched.url)


def _files_below(folder: Path) -> list[Path]:
    """Article, page and feed files below a folder (names starting with '.' or '_' skipped, no symlinks followed)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not name.startswith((".", "_")) and path.suffix.lower() in ARTICLE_SUFFIXES and not path.is_symlink():
                found.append(path)
    return found


def _is_public(feed_url: str | None) -> bool:
    """A feed on the internet (or in a local file) may only send us to the internet."""
    if not feed_url or not is_url(feed_url):
        return True
    return is_public_host(urlsplit(feed_url).hostname or "")


def _remember(feed_url: str, entry: Entry, doc_id: str) -> Callable[[FeedStates], None]:
    return lambda states: states.feed(feed_url).remember(entry.key, entry.version, doc_id)


def _validators(feed_url: str, fetched: Fetched) -> Callable[[FeedStates], None]:
    def keep(states: FeedStates) -> None:
        state = states.feed(feed_url)
        state.etag, state.last_modified = fetched.etag, fetched.last_modified

    return keep
