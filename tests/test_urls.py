"""Every URL that enters the index passes one check (scheme, length, no control characters); a bad one is dropped
and reported, and its article is kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.ingest.corpus import load_corpus, load_files
from index.ingest.urls import MAX_URL_CHARS, BadURL, canonical_url, check_url, url_problem

BAD_URLS = [
    "https://example.org/a\x00b",  # NUL
    "https://example.org/a\r\nSet-Cookie: x=1",  # CR/LF
    "https://example.org/\u2028line",  # line separator
    "https://example.org/\u202eevil",  # bidi override
    "https://example.org/a b",  # space
    "javascript:alert(1)",
    "ftp://example.org/file",
    "file:///etc/passwd",
    "https://",  # no host
    "example.org/no-scheme",
    "https://example.org:99999/",  # port out of range
    "https://example.org/" + "a" * MAX_URL_CHARS,
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(BadURL):
        check_url(url)
    assert url_problem(url)


@pytest.mark.parametrize(
    "url", ["https://example.org/news/1", "http://127.0.0.1:8080/feed.xml?x=1", "https://пример.рф/новости"]
)
def test_good_urls_pass(url: str) -> None:
    assert check_url(url) == url and url_problem(url) is None


def test_canonical_url_identifies_an_article() -> None:
    a = canonical_url("HTTPS://Gazette.Example:443/news/harbour?utm_source=rss&id=7#comments")
    b = canonical_url("https://user:secret@gazette.example/news/harbour?id=7&fbclid=xyz")
    assert a == b == "https://gazette.example/news/harbour?id=7"
    assert canonical_url("http://example.org:8080") == "http://example.org:8080/"


def test_front_matter_url_with_control_characters_is_dropped_and_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bad.md").write_text(
        '---\ntitle: Quay repaired\nurl: "https://example.org/quay\\0\\r\\nX: y"\n---\nQuay repaired\n'
        "The quay was repaired on Monday, the port authority said.\n",
        encoding="utf-8",
    )
    (corpus / "good.md").write_text(
        "---\ntitle: Mill opens\nurl: https://example.org/mill\n---\nMill opens\nThe mill opened on Friday.\n",
        encoding="utf-8",
    )
    articles, problems = load_corpus(corpus)
    by_id = {a.doc_id: a for a in articles}
    assert set(by_id) == {"bad", "good"}  # the article is kept
    assert by_id["bad"].url is None and by_id["good"].url == "https://example.org/mill"
    assert len(problems) == 1 and "bad.md" in str(problems[0]) and "control" in str(problems[0])


def test_jsonl_urls_are_checked(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "a", "title": "A", "text": "Alpha happened.", "url": "javascript:alert(document.cookie)"},
        {"id": "b", "title": "B", "text": "Beta happened.", "url": "https://example.org/" + "x" * 3000},
        {"id": "c", "title": "C", "text": "Gamma happened.", "url": "https://example.org/c"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    articles, problems = load_files([feed])
    assert [(a.doc_id, a.url) for a in articles] == [("a", None), ("b", None), ("c", "https://example.org/c")]
    reasons = " ".join(str(p) for p in problems)
    assert len(problems) == 2 and "scheme" in reasons and "longer than" in reasons
