"""Unit tests of the bot's pieces that need no Telegram: HTML rendering, flood protection and paging ids."""

from __future__ import annotations

import pytest

from bot.flood import FloodGuard, Verdict
from bot.paging import QuestionStore, more_data, parse_more
from bot.render import (
    MAX_MESSAGE,
    clip,
    escape,
    format_date,
    http_url,
    needs_context,
    render_answer,
    render_sources,
    result_html,
    utf16_len,
)
from index.ask.answer import Answer, Result
from index.store.table import Document
from testkit.telegram_html import parse_html

pytestmark = pytest.mark.timeout(20)


def result(text: str, **fields) -> Result:
    """A result with sensible defaults for the fields a test does not care about."""
    defaults = dict(doc_id="d1", title="A title", score=1.0, position=3, paragraph=1, start=0, end=len(text))
    defaults["statement"] = fields.pop("statement", False)
    return Result(text=text, **{**defaults, **fields})


def answered(results: list[Result], total: int | None = None, offset: int = 0, **fields) -> Answer:
    return Answer("q?", True, results, total=len(results) if total is None else total, offset=offset, **fields)


def plain(html_text: str) -> str:
    """What the user sees: the fake Telegram parser rejects anything Telegram would."""
    return parse_html(html_text)[0]


def test_clip_escapes_and_never_cuts_an_entity() -> None:
    assert clip("a < b & c", 100) == "a &lt; b &amp; c"
    text = "&" * 50 + " tail"
    for budget in range(1, 60):
        out = clip(text, budget)
        assert utf16_len(out) <= budget
        plain(out or "x")  # parses: no half entity such as "&am"
    assert clip("one two three four five six", 14).endswith("…")
    assert clip("one two three four five six", 14) == "one two three…"
    assert clip("one two three four five six", 14, from_start=True) == "…four five six"


def test_utf16_length_counts_emoji_twice() -> None:
    assert utf16_len("😀") == 2 and utf16_len("a😀b") == 4


def test_only_http_urls_become_links() -> None:
    assert http_url("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&c=2"
    for bad in ("javascript:alert(1)", "ftp://x.org/f", "example.org", "", None, "http://", "http://[::1"):
        assert http_url(bad) is None
    hostile = 'https://example.org/a?b=1&c=2"><b>'
    _, entities = parse_html(result_html(result("Quoted.", url=hostile, title="T")))
    assert [e.get("url") for e in entities if e["type"] == "text_link"] == [hostile]  # escaped, not injected
    assert "<a " not in result_html(result("Quoted.", url="https://example.org/a b", title="T"))
    html_text = result_html(result("Quoted.", url="https://example.org/a?b=1&c=2", title="T & <T>"))
    assert '<a href="https://example.org/a?b=1&amp;c=2"><i>T &amp; &lt;T&gt;</i></a>' in html_text
    plain(html_text)


def test_result_shows_speaker_title_publisher_and_date() -> None:
    r = result(
        "“We have warned,” he said.",
        statement=True,
        speaker="Dmitry Polyansky",
        title="Moscow warns",
        source="RT",
        published="2024-05-10T08:00:00Z",
        url="https://rt.example/x",
    )
    text = plain(result_html(r))
    assert "“We have warned,” he said." in text
    assert "— Dmitry Polyansky in Moscow warns, RT, 10 May 2024" in text
    assert format_date("last Tuesday") == "last Tuesday"


def test_context_only_where_it_helps() -> None:
    standalone = result(
        "The military confrontation in Ukraine has reached a point where it could spiral into a wider war.",
        context_before="Before.",
        context_after="After.",
    )
    leaning = result("He also said more.", context_before="Polyansky spoke on Friday.", context_after="Then he left.")
    assert not needs_context(standalone) and needs_context(leaning)
    assert plain(result_html(standalone)).startswith("The military confrontation")
    shown = plain(result_html(leaning))
    assert shown.startswith("Polyansky spoke on Friday. He also said more. Then he left.")
    entities = parse_html(result_html(leaning))[1]
    bold = next(e for e in entities if e["type"] == "bold")
    assert shown[bold["offset"] : bold["offset"] + bold["length"]] == "He also said more."


def test_answer_page_header_and_remaining() -> None:
    page = render_answer(answered([result(f"Sentence number {i} is here.") for i in range(5)], total=12))
    text = plain(page.html)
    assert text.startswith("From the news corpus — 1–5 of 12 sentences:")
    assert (page.shown, page.next_offset, page.remaining) == (5, 5, 7)
    last = render_answer(answered([result("Only one.")], total=6, offset=5))
    assert plain(last.html).startswith("From the news corpus — 6 of 6 sentences:") and last.next_offset is None
    speaker = render_answer(answered([result("“Yes.”")], kind="speaker", speakers=["A <B>"], total=1))
    assert plain(speaker.html).startswith("What A <B> said — 1 statement:")
    many = render_answer(answered([result("“Yes.”")], kind="speaker", speakers=list("ABCDE"), total=1))
    assert plain(many.html).startswith("What A or B or 3 others said")
    past_the_end = render_answer(answered([], total=3, offset=5))
    assert past_the_end.html == "There are no further sentences for that question." and past_the_end.shown == 0


def test_long_answers_fit_one_message_and_leave_the_rest_for_more() -> None:
    long_sentences = [result(f"Sentence {i} " + "word & <tag> " * 100 + "end.") for i in range(5)]
    page = render_answer(answered(long_sentences, total=9))
    assert utf16_len(page.html) <= MAX_MESSAGE and len(plain(page.html)) <= MAX_MESSAGE
    assert 1 <= page.shown < 5 and page.next_offset == page.shown and page.remaining == 9 - page.shown
    huge = render_answer(answered([result("Begin " + "😀 & x " * 3000 + "end.")], total=1))
    text = plain(huge.html)
    assert utf16_len(huge.html) <= MAX_MESSAGE and text.count("…") >= 1 and "Begin" in text
    assert "end." not in text  # trimmed, not rejected


def test_no_answer_is_plain_and_escaped() -> None:
    page = render_answer(Answer("<b>borscht</b> & co", False, message="I found nothing in the corpus about “<b>”."))
    assert plain(page.html) == "I found nothing in the corpus about “<b>”."
    assert page.shown == 0 and page.next_offset is None
    long_question = Answer("&" * 1000, False, message="I found nothing in the corpus about “" + "&" * 1000 + "”.")
    assert utf16_len(render_answer(long_question).html) <= MAX_MESSAGE


def test_sources_split_into_messages_and_say_how_many_are_left() -> None:
    docs = [
        Document(
            doc_id=str(i),
            title=f"Article {i} " + "x" * 80,
            body_start=0,
            source="Agency & Co",
            url=f"https://e.org/{i}",
            published=None,
            language=None,
            path=None,
            fingerprint=str(i),
            ord=i,
        )
        for i in range(300)
    ]
    messages = render_sources(docs)
    assert len(messages) == 3 and all(utf16_len(m) <= MAX_MESSAGE for m in messages)
    texts = [plain(m) for m in messages]
    assert texts[0].startswith("The corpus holds 300 articles:")
    shown = sum(t.count("• ") for t in texts)
    assert texts[-1].endswith(f"… and {300 - shown} more.")
    few = render_sources(docs[:2])
    assert len(few) == 1 and plain(few[0]).count("• ") == 2
    assert render_sources([]) == ["The corpus holds no articles yet."]


def test_escape_is_enough_for_telegram() -> None:
    hostile = "<script>alert('x')</script> & &amp; <b>"
    assert plain(escape(hostile)) == hostile


def test_flood_guard_allows_a_burst_then_warns_once_then_drops() -> None:
    now = [0.0]
    guard = FloodGuard(burst=3, period=30.0, clock=lambda: now[0])
    verdicts = [guard.check(1) for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert guard.check(2) is Verdict.ALLOW  # other users are not affected
    assert guard.retry_after(1) == pytest.approx(10.0)
    now[0] = 10.0
    assert guard.check(1) is Verdict.ALLOW and guard.check(1) is Verdict.WARN  # warned again after a refill
    now[0] = 1000.0
    assert [guard.check(1) for _ in range(3)] == [Verdict.ALLOW] * 3  # the bucket holds at most the burst
    assert guard.check(1) is Verdict.WARN


def test_flood_guard_forgets_idle_users() -> None:
    now = [0.0]
    guard = FloodGuard(burst=2, period=10.0, clock=lambda: now[0], max_users=10)
    for user in range(10):
        guard.check(user)
    now[0] = 100.0
    guard.check(99)
    assert len(guard._buckets) == 1


def test_more_button_data_is_short_and_round_trips() -> None:
    store = QuestionStore(capacity=2)
    qid = store.add("What did Polyansky say?" * 10)
    data = more_data(qid, 12345)
    assert len(data.encode()) <= 64 and parse_more(data) == (qid, 12345)
    assert store.get(qid) == "What did Polyansky say?" * 10
    assert store.claim(qid, 5) and not store.claim(qid, 5) and not store.claim(qid, 0)
    store.release(qid, 5)
    assert store.claim(qid, 5)
    for bad in ("more:x", "more::1", "other:abc:1", "more:abc:-1", None, "more:a/b:1"):
        assert parse_more(bad) is None
    store.add("two")
    store.add("three")
    assert store.get(qid) is None  # least recently used is forgotten
