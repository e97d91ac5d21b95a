"""Russian and Ukrainian questions over English articles (invented ones): speakers by transliteration, topics through
the cross-lingual channel, replies in the question's language, and the channel kept through adds and removes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.ask.answer import answer
from index.ask.searcher import Searcher
from index.build.full import build_index
from index.build.incremental import add_articles, remove_articles
from index.embed.factory import load_channels
from index.ingest.corpus import Article
from testkit.encoders import FakeEncoder

HELDOUT = Path(__file__).parent / "data" / "heldout"


@pytest.fixture(scope="module")
def xl_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The invented held-out articles, with the fake main encoder and the real cross-lingual channel."""
    root = tmp_path_factory.mktemp("xl-index")
    build_index(HELDOUT, root, FakeEncoder(), channels=load_channels("xl"))
    return root


@pytest.fixture(scope="module")
def xl_searcher(xl_index: Path):
    searcher = Searcher.open(xl_index, encoder=FakeEncoder())
    yield searcher
    searcher.close()


def test_russian_speaker_question_quotes_the_speaker_verbatim(xl_searcher: Searcher) -> None:
    result = answer(xl_searcher, "Что сказала судья Окафор?", limit=10)
    assert result.question_language == "ru" and result.answered and result.kind == "speaker"
    assert result.speakers == ["Miriam Okafor"]
    assert result.results and all(r.speaker == "Miriam Okafor" for r in result.results)
    article = xl_searcher.article(result.results[0].doc_id).text
    assert all(article[r.start : r.end] == r.text for r in result.results)  # English, as published


def test_case_endings_and_ukrainian(xl_searcher: Searcher) -> None:
    for question in ("Что говорил Альберса?", "Що сказав Альберс?"):
        result = answer(xl_searcher, question)
        assert result.speakers == ["Raymond Albers"], question


def test_speaker_topic_in_russian_picks_the_statement(xl_searcher: Searcher) -> None:
    result = answer(xl_searcher, "Что Альберс сказал об апелляционном суде?", limit=10)
    assert result.answered and result.speakers == ["Raymond Albers"]
    assert "court of appeals" in result.results[0].text


def test_role_in_russian(xl_searcher: Searcher) -> None:
    result = answer(xl_searcher, "Что сказал тренер?", limit=10)
    assert result.speakers == ["Elena Marsh"]


def test_unknown_speaker_is_refused_in_russian(xl_searcher: Searcher) -> None:
    result = answer(xl_searcher, "Что сказал Велинский?")
    assert not result.answered and result.results == []
    assert result.message is not None and "высказываний" in result.message


def test_mixed_script_english_question(xl_searcher: Searcher) -> None:
    result = answer(xl_searcher, "What did Окафор say?")
    assert result.question_language == "en" and result.speakers == ["Miriam Okafor"]


def test_topic_through_the_cross_lingual_channel(xl_searcher: Searcher) -> None:
    result = answer(xl_searcher, "Сколько рабочих мест сократит Brightwave?", limit=3)
    assert result.answered and result.kind == "topic"
    assert any("1,200 jobs" in r.text for r in result.results)


def test_unanswerable_topic_is_refused_in_the_question_language(xl_searcher: Searcher) -> None:
    for question, word in (("Как приготовить борщ?", "ничего"), ("Як приготувати борщ?", "нічого")):
        result = answer(xl_searcher, question)
        assert not result.answered and result.message is not None and word in result.message, question


def test_unsupported_language_gets_the_languages_understood(xl_searcher: Searcher) -> None:
    result = answer(xl_searcher, "Was hat die Richterin über das Verbot gesagt?")
    data = result.to_dict()
    assert data["question_language"] == "de" and not data["answered"] and data["kind"] == "language"
    assert "English, Russian and Ukrainian" in data["message"] and "Ukrainisch" in data["message"]


def test_channel_grows_with_adds_and_survives_removes(xl_index: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    shutil.copytree(xl_index, root, symlinks=True)
    text = (
        "Ferry service resumes\n\nThe ferry between Port Ellis and Skerry Island resumed on Monday after storms.\n\n"
        "“We are glad to sail again,” said captain Ilse Varga."
    )
    add_articles([Article(doc_id="ferry", title="Ferry service resumes", text=text)], root, FakeEncoder())
    searcher = Searcher.open(root, encoder=FakeEncoder())
    try:
        assert answer(searcher, "Что сказала Варга?").speakers == ["Ilse Varga"]
        topic = answer(searcher, "Что с паромом на остров Скерри?", limit=3)
        assert any("ferry" in r.text for r in topic.results)
    finally:
        searcher.close()
    remove_articles(["ferry"], root)
    searcher = Searcher.open(root, encoder=FakeEncoder())
    try:
        assert searcher.has_channel("xl")
        assert not answer(searcher, "Что сказала Варга?").answered
    finally:
        searcher.close()
