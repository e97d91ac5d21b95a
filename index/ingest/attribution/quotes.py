"""Quotations: masked out of a sentence before parsing, and attributed afterwards to the speaker they belong to."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Attribution
from .tokens import QUOTE_MARK


@dataclass(slots=True)
class QuoteInfo:
    """How a sentence stands to the quotations around it."""

    carried_in: bool  # the sentence starts inside a quotation opened earlier
    open_end: bool  # a quotation is still open at the sentence end
    has_quote: bool


@dataclass
class Analysis:
    """One sentence's attribution and what propagation needs to know about its quotations."""

    attribution: Attribution
    quotes: QuoteInfo
    pure_quote: bool  # nothing but quotation (and punctuation)
    paragraph: int
    cue_only: bool = False  # nothing but a speaker and a cue ("Doe said."), left over after a quotation


def mask_quotes(sentence: str, carried: str | None) -> tuple[str, str | None, QuoteInfo]:
    """Replace every quotation by one marker; return the masked text, the quote left open, and facts."""
    out: list[str] = []
    state = carried
    if carried:
        out.append(f" {QUOTE_MARK} ")
    has_quote = carried is not None
    n = len(sentence)
    skip = False
    for i, ch in enumerate(sentence):
        if skip:  # the second apostrophe of a '' quotation mark
            skip = False
            continue
        before = sentence[i - 1] if i else " "
        after = sentence[i + 1] if i + 1 < n else " "
        if ch == "'" and after == "'":  # '' as a double quotation mark (some newspapers' house style)
            skip = True
            if state is None:
                state = "dd"
                has_quote = True
                out.append(f" {QUOTE_MARK} ")
            elif state == "dd":
                state = None
            continue
        if state is None:
            opener = _opens(ch, before, after)
            if opener:
                state = opener
                has_quote = True
                out.append(f" {QUOTE_MARK} ")
            elif ch != "”":
                out.append(ch)
        elif _closes(state, ch, after):
            state = None
    info = QuoteInfo(carried_in=carried is not None, open_end=state is not None, has_quote=has_quote)
    return "".join(out), state, info


def _opens(ch: str, before: str, after: str) -> str | None:
    """The kind of quotation ch opens: d/s curly double/single, sd/ss straight; None for an apostrophe or text."""
    if ch == "“":
        return "d"
    if ch == '"':
        return "sd"
    if ch == "‘" and not before.isalnum():
        return "s"
    if ch == "'" and (before.isspace() or before in "(“[—-") and after.isalnum():
        return "ss"
    return None


def _closes(state: str, ch: str, after: str) -> bool:
    if state == "d":
        return ch == "”"
    if state == "sd":
        return ch == '"'
    if state == "s":
        return ch == "’" and not after.isalnum()
    if state == "dd":
        return False  # only '' closes, handled by the caller
    return ch == "'" and not after.isalnum()


def propagate_quotes(analyses: list[Analysis]) -> None:
    """Sentences of a quotation without their own cue take the speaker of the sentence that attributes it."""
    for i in range(len(analyses) - 2, -1, -1):
        a, nxt = analyses[i], analyses[i + 1]
        if (
            not a.attribution.statement
            and a.quotes.open_end
            and nxt.quotes.carried_in
            and nxt.paragraph == a.paragraph
            and nxt.attribution.statement
        ):
            a.attribution = Attribution(True, nxt.attribution.speaker, "quote", nxt.attribution.others)
    for i, a in enumerate(analyses):
        if not a.cue_only:
            continue
        prev = analyses[i - 1] if i else None
        if prev is not None and prev.paragraph == a.paragraph and prev.quotes.has_quote:
            # "“Why not?” | Doe said.": the quotation is the statement, the cue alone says nothing
            if prev.pure_quote or not prev.attribution.statement:
                prev.attribution = Attribution(True, a.attribution.speaker, "quote", a.attribution.others)
            a.attribution = Attribution(False)
    for i, a in enumerate(analyses):
        if a.attribution.statement or not (a.pure_quote or a.quotes.carried_in) or a.cue_only:
            continue
        source = _neighbour_statement(analyses, i)
        a.attribution = (
            Attribution(True, source.speaker, "quote", source.others) if source else Attribution(True, None, "quote")
        )


def _neighbour_statement(analyses: list[Analysis], i: int) -> Attribution | None:
    """The statement a lone quotation belongs to: the one before it in its paragraph, else after it."""
    paragraph = analyses[i].paragraph
    if i > 0 and analyses[i - 1].attribution.statement:
        prev = analyses[i - 1]
        if prev.paragraph == paragraph or prev.quotes.has_quote:
            return prev.attribution
    for j in range(i + 1, len(analyses)):
        if analyses[j].paragraph != paragraph:
            break
        if analyses[j].attribution.statement and not analyses[j].pure_quote:
            return analyses[j].attribution
        if not analyses[j].pure_quote:
            break
    return None
