"""Everything the index side says to people besides quotes: one wording per language (index/ask/texts/), which the
CLI and the bot both render."""

from __future__ import annotations

from .texts import say, unsupported


def nothing_found(question: str, lang: str = "en") -> str:
    """Return the reply to a question the corpus has nothing about."""
    return say(lang, "nothing_found", question=question)


def nothing_said_by(phrase: str, lang: str = "en") -> str:
    """Return the reply when nobody the question names made a statement in the corpus."""
    return say(lang, "nothing_said_by", phrase=phrase)


def mentioned_not_quoted(who: str, lang: str = "en") -> str:
    """Return the reply when someone is in the corpus but is never quoted."""
    return say(lang, "mentioned_not_quoted", who=who)


def no_statements_about(who: str, topic: str, lang: str = "en") -> str:
    """Return the reply when someone's statements are all about other things."""
    return say(lang, "no_statements_about", who=who, topic=topic)


def unsupported_language(lang: str) -> str:
    """Return the reply to a question in a language newsbot does not answer: which languages it does."""
    return unsupported(lang)


def either(names: list[str], lang: str = "en") -> str:
    """Return names joined by "or" in a language."""
    return say(lang, "or").join(names)


def empty_question() -> str:
    """Return the reply to an empty question."""
    return "The question is empty: ask something like 'What did the minister say about prices?'."


def wordless_question() -> str:
    """Return the reply to a question without a single word."""
    return "The question has no words in it: ask something like 'What did the minister say?'."


def question_too_long(length: int, limit: int) -> str:
    """Return the reply to a question over the length limit."""
    return f"The question is {length} characters long; please keep it under {limit}."
