"""Everything the index side says to people besides quotes: one wording, which the CLI and the bot both render."""

from __future__ import annotations


def nothing_found(question: str) -> str:
    """Return the reply to a question the corpus has nothing about."""
    return f"I found nothing in the corpus about “{question}”."


def nothing_said_by(phrase: str) -> str:
    """Return the reply when nobody the question names made a statement in the corpus."""
    return f"I found nothing in the corpus said by {phrase}."


def mentioned_not_quoted(who: str) -> str:
    """Return the reply when someone is in the corpus but is never quoted."""
    return f"The corpus mentions {who} but quotes no statement by them."


def no_statements_about(who: str, topic: str) -> str:
    """Return the reply when someone's statements are all about other things."""
    return f"I found statements by {who}, but none about “{topic}”."


def empty_question() -> str:
    """Return the reply to an empty question."""
    return "The question is empty: ask something like 'What did the minister say about prices?'."


def wordless_question() -> str:
    """Return the reply to a question without a single word."""
    return "The question has no words in it: ask something like 'What did the minister say?'."


def question_too_long(length: int, limit: int) -> str:
    """Return the reply to a question over the length limit."""
    return f"The question is {length} characters long; please keep it under {limit}."
