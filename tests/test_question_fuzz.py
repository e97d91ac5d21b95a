"""Question parsing on any string: a parse or a QuestionError, never a crash (property-based, hypothesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.ask.answer import Answer, answer, clean_question
from index.ask.question import Question, parse_question
from index.ask.searcher import Searcher
from index.errors import QuestionError

pytestmark = pytest.mark.timeout(180)

# Any text, and text built from the words questions are made of, so that the speaker parsers get exercised too.
WORDS = ["What", "did", "say", "said", "about", "according", "to", "the", "minister", "Polyansky", "has", "how",
         "does", "do", "Moscow", "claim", "?", "“", "”", "'s", ",", "of", "on", "NATO", "warn", "is", "X"]  # fmt: skip
questions = st.one_of(
    st.text(max_size=1200),
    st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=40).map(" ".join),
)


@settings(max_examples=400, deadline=1000, database=None)
@given(questions)
def test_any_string_gives_a_parse_or_a_question_error(text: str) -> None:
    try:
        cleaned = clean_question(text)
    except QuestionError as exc:
        assert str(exc)  # one sentence saying what is wrong
        return
    parsed = parse_question(cleaned)
    assert isinstance(parsed, Question)
    assert parsed.speaker is None or (isinstance(parsed.speaker, str) and parsed.speaker.strip())
    assert parsed.topic is None or isinstance(parsed.topic, str)


@pytest.fixture(scope="module")
def searcher(fake_index: Path, fake_encoder):
    searcher = Searcher.open(fake_index, encoder=fake_encoder)
    yield searcher
    searcher.close()


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(questions, st.integers(0, 60))
def test_any_string_is_answered_or_refused_by_the_whole_pipeline(searcher: Searcher, text: str, offset: int) -> None:
    try:
        result = answer(searcher, text, limit=5, offset=offset)
    except QuestionError:
        return
    assert isinstance(result, Answer) and (result.answered or result.message)
    assert len(result.results) <= 5
