"""Russian and Ukrainian speaker questions: the speaker phrase (case endings undone), the topic and the verb."""

from __future__ import annotations

import pytest

from index.ask.question_slavic import english_speaker, parse_slavic

# Speakers of an invented corpus, as the speaker directory spells them.
NAMES = ["Miriam Okafor", "Okafor", "Daniel Pruitt", "Pruitt", "Raymond Albers", "Priya Raman", "Elena Marsh"]


@pytest.mark.parametrize(
    ("text", "lang", "speaker", "topic", "verb"),
    [
        ("Что сказала Окафор?", "ru", "Окафор", None, "say"),
        ("Что сказал Пруитт о решении суда?", "ru", "Пруитт", "решении суда", "say"),
        ("Что Альберс сказал про апелляцию?", "ru", "Альберс", "апелляцию", "say"),
        ("Что заявила Прия Раман?", "ru", "Прия Раман", None, "state"),
        ("Что говорил Пруитта?", "ru", "Пруитта", None, "say"),
        ("О чём предупредил судья?", "ru", "судья", "warn", "warn"),
        ("Что сообщил тренер о травме?", "ru", "тренер", "травме", "tell"),
        ("В чём Альберс обвиняет суд?", "ru", "Альберс", "суд", "accuse"),
        ("Что говорят аналитики?", "ru", "аналитики", None, "say"),
        ("Расскажите, что сказала Окафор по поводу закона?", "ru", "Окафор", "закона", "say"),
        ("По словам Раман, сколько людей уволят?", "ru", "Раман", "сколько людей уволят", "say"),
        ("Як Альберс відреагував на рішення?", "uk", "Альберс", "рішення", "react"),
        ("Що сказала Окафор?", "uk", "Окафор", None, "say"),
        ("Що Пруітт сказав про оренду?", "uk", "Пруітт", "оренду", "say"),
        ("Про що попередив суддя?", "uk", "суддя", "warn", "warn"),
        ("Що заявив тренер щодо травми?", "uk", "тренер", "травми", "state"),
    ],
)
def test_speaker_questions(text: str, lang: str, speaker: str, topic: str | None, verb: str) -> None:
    parsed = parse_slavic(text, lang)
    assert parsed is not None
    assert " ".join(t.text for t in parsed.speaker) == speaker
    assert (parsed.topic, parsed.verb) == (topic, verb)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Сколько рабочих мест сократит компания?", "ru"),
        ("Где Окафор работает судьёй?", "ru"),
        ("Как приготовить борщ?", "ru"),
        ("Что такое краткосрочная аренда?", "ru"),
        ("Скільки коштував трансфер?", "uk"),
        ("Чи подасть округ апеляцію?", "uk"),
    ],
)
def test_topic_questions_are_not_speaker_questions(text: str, lang: str) -> None:
    assert parse_slavic(text, lang) is None


@pytest.mark.parametrize(
    ("text", "lang", "english"),
    [
        ("Что сказала Окафор?", "ru", "Okafor"),
        ("Что сказал Пруитта?", "ru", "Pruitt"),  # a case ending the analyser undoes
        ("Що сказав Пруітт?", "uk", "Pruitt"),
        ("Что сказала Прия Раман?", "ru", "Priya Raman"),
        ("О чём предупредил судья?", "ru", "the judge"),
        ("Что сказал тренер?", "ru", "the coach"),
        ("Что говорят аналитики?", "ru", "analysts"),
        ("Что сказал президент России?", "ru", "the Russia president"),
        ("Что сказал Велинский?", "ru", "Velinskiy"),  # nobody here: a plain transliteration
    ],
)
def test_speaker_phrases_in_english(text: str, lang: str, english: str) -> None:
    parsed = parse_slavic(text, lang)
    assert parsed is not None
    assert english_speaker(parsed.speaker, lang, NAMES)[0] == english


def test_a_country_also_stands_for_its_capital_in_role_phrases() -> None:
    parsed = parse_slavic("Что сказал постпред России?", "ru")
    assert parsed is not None
    phrases = english_speaker(parsed.speaker, "ru", NAMES)
    assert phrases[0] == "the Russia envoy" and "the Moscow envoy" in phrases and "the Kremlin envoy" in phrases
