"""Which language a question is in: English, Russian, Ukrainian, mixed scripts, and languages not answered."""

from __future__ import annotations

import pytest

from index.ask.language import detect_language, is_supported
from index.ask.texts import unsupported


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("What did the harbour master say about the storm?", "en"),
        ("Who won the vote in Marlow County?", "en"),
        ("Что сказала судья о запрете аренды?", "ru"),
        ("Сколько рабочих мест сократит компания?", "ru"),
        ("Що сказала суддя про заборону оренди?", "uk"),
        ("Скільки робочих місць скоротить компанія?", "uk"),
        # mixed scripts: the name does not decide
        ("What did Окафор say?", "en"),
        ("What did the coach say about Бенетти?", "en"),
        ("Что сказала Okafor?", "ru"),
        ("Що Raman сказала про звільнення?", "uk"),
        # too little to tell: the supported language of the script, never a refusal
        ("<b>hi</b> & <script>alert(1)</script> &amp;", "en"),
        ("ok", "en"),
        ("Окафор?", "ru"),
        ("", "en"),
        ("12345", "en"),
    ],
)
def test_question_languages(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Was hat die Richterin über das Verbot gesagt?", "de"),
        ("Qu'a dit la juge sur l'interdiction des locations ?", "fr"),
        ("¿Qué dijo la jueza sobre la prohibición?", "es"),
        ("Co powiedziała sędzia o zakazie wynajmu?", "pl"),
    ],
)
def test_unsupported_languages_are_named(text: str, lang: str) -> None:
    assert detect_language(text) == lang
    assert not is_supported(lang)


def test_unsupported_reply_is_english_and_the_language_when_known() -> None:
    german = unsupported("de")
    assert german.startswith("Sorry, I understand questions in English, Russian and Ukrainian")
    assert "Englisch" in german
    assert unsupported("xx") == unsupported("zz")  # unknown: English only
    assert "\n" not in unsupported("xx")
