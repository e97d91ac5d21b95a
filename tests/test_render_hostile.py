"""Telegram HTML from hostile corpus data: control characters, huge escaped URLs, and any text at all (fuzzed)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import MAX_MESSAGE, render_answer, render_sources, result_html, utf16_len
from index.ask.answer import Answer, Result
from index.store.table import Document
from testkit.telegram_html import parse_html

pytestmark = pytest.mark.timeout(120)
FUZZ = settings(max_examples=150, deadline=None, database=None)


def result(text: str, **fields) -> Result:
    defaults = dict(doc_id="d1", title="A title", score=1.0, position=3, paragraph=1, start=0, end=len(text))
    defaults["statement"] = fields.pop("statement", bool(fields.get("speaker")))
    return Result(text=text, **{**defaults, **fields})


def document(title: str, url: str | None = None, **fields) -> Document:
    defaults = dict(doc_id="d", body_start=0, source=None, published=None, language=None, path=None)
    return Document(title=title, url=url, fingerprint="f", ord=0, **{**defaults, **fields})


def citations(html_text: str) -> int:
    """How many source lines a message shows: each one has the article title in italics."""
    plain, entities = parse_html(html_text)  # raises as Telegram would refuse the message
    assert utf16_len(html_text) <= MAX_MESSAGE and utf16_len(plain) <= MAX_MESSAGE
    return sum(e["type"] == "italic" for e in entities)


def listed(messages: list[str]) -> int:
    """How many articles /sources accounts for: those shown plus the "… and N more." at the end."""
    more = re.search(r"\n… and (\d+) more\.$", messages[-1])
    return sum(citations(m) for m in messages) + (int(more.group(1)) if more else 0)


HOSTILE_URLS = [
    "https://example.org/a\x00b",  # NUL: tdlib reads it as the end of the text
    "https://example.org/\x1b[31mred",
    "https://example.org/\u202egnp.exe",
    "https://example.org/?" + "&" * 970,
    "https://example.org/?" + '"' * 970,
    "https://example.org/?" + "&<>\"'" * 190,
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_hostile_url_never_breaks_the_message_nor_drops_the_citation(url: str) -> None:
    results = [result(f"Sentence number {i} about the harbour.", title=f"Harbour {i}", url=url) for i in range(5)]
    page = render_answer(Answer("q?", True, results, total=5))
    assert page.shown == 5 and citations(page.html) == 5
    _, entities = parse_html(page.html)
    assert all("\x00" not in e.get("url", "") and "\x1b" not in e.get("url", "") for e in entities)
    [inline] = [result_html(results[0], 4000)]
    assert citations(inline) == 1


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_sources_lines_stay_within_a_message_with_hostile_urls(url: str) -> None:
    documents = [document(f"Article {i} " + "long title words " * 30, url) for i in range(12)]
    assert listed(render_sources(documents)) == len(documents)


def test_control_characters_in_quotes_titles_and_speakers_are_not_sent() -> None:
    r = result("The \x1b[2Jharbour\x00 reopened\x07.", title="Har\x08bour\x9b news", speaker="Mr\x00 Smith")
    page = render_answer(Answer("q?", True, [r], total=1, kind="speaker", speakers=["Mr\x00 Smith"]))
    plain, _ = parse_html(page.html)
    assert "The [2Jharbour reopened." in plain and "Harbour news" in plain and "Mr Smith" in plain
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0 for c in plain)


# ----------------------------------------------------------------------------------------------- fuzzing
urls = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.text(max_size=1200).map(lambda t: "https://example.org/" + t),
    st.text(alphabet="&<>\"' \x00\n\t\u202e", max_size=1200).map(lambda t: "http://x.example/?" + t),
)
words = st.text(min_size=1, max_size=400)
results = st.builds(
    result,
    st.one_of(words, st.text(min_size=1, max_size=6000)),
    title=st.text(max_size=500),
    url=urls,
    speaker=st.one_of(st.none(), st.text(max_size=300)),
    source=st.one_of(st.none(), st.text(max_size=300)),
    published=st.one_of(st.none(), st.text(max_size=40), st.dates().map(str)),
    context_before=st.one_of(st.none(), st.text(max_size=600)),
    context_after=st.one_of(st.none(), st.text(max_size=600)),
)


@FUZZ
@given(
    st.lists(results, min_size=1, max_size=6),
    st.sampled_from(["topic", "speaker"]),
    st.lists(st.text(max_size=200), max_size=5),
)
def test_any_answer_renders_as_valid_html_within_the_limit_with_every_citation(rs, kind, speakers) -> None:
    page = render_answer(Answer("q?", True, rs, kind=kind, speakers=speakers, total=len(rs) + 3))
    assert 1 <= page.shown <= len(rs)
    assert citations(page.html) == page.shown


@FUZZ
@given(results)
def test_any_result_renders_as_an_inline_message_with_its_citation(r: Result) -> None:
    assert citations(result_html(r, 4000)) == 1


@FUZZ
@given(st.lists(st.builds(document, st.text(max_size=500), urls, source=st.one_of(st.none(), st.text())), max_size=40))
def test_any_corpus_lists_as_sources_within_the_limit_with_every_article(documents: list[Document]) -> None:
    messages = render_sources(documents)
    assert 1 <= len(messages) <= 3
    assert listed(messages) == len(documents)


@FUZZ
@given(st.text(max_size=3000), st.one_of(st.none(), st.text(max_size=3000)))
def test_any_unanswered_question_renders_as_valid_html(question: str, message: str | None) -> None:
    page = render_answer(Answer(question, False, message=message))
    assert parse_html(page.html) and utf16_len(page.html) <= MAX_MESSAGE
