"""What the bot says besides answers: welcome, help, and one-line notices (all Telegram HTML)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from index.ask.searcher import Searcher

from .render import escape

SORRY = "Sorry, something went wrong while answering; please try again."
UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."
NOT_TEXT = "I can only read text: send your question as a message."
ASK_USAGE = "Put the question after the command, like this: <code>/ask What did the minister say?</code>"
EXPIRED = "That question is too old to page through; please ask it again."
ALREADY_SHOWN = "Those results are already shown below."
FALLBACK_EXAMPLES = ("What did the minister say?", "What is the news about the elections?")
# Title words that make poor example topics even when capitalised.
_DULL = frozenset({"and", "for", "from", "the", "with", "exclusive", "breaking", "live", "update", "news", "analysis"})


def slow_down(seconds: float) -> str:
    """Return the one message a flooding user gets."""
    wait = max(1, round(seconds))
    return f"You're asking faster than I can answer. Please wait {wait} second{'' if wait == 1 else 's'} and ask again."


@dataclass(frozen=True)
class CorpusFacts:
    """What /start and /help say about the corpus."""

    articles: int
    sentences: int
    examples: tuple[str, ...]


def corpus_facts(searcher: Searcher) -> CorpusFacts:
    """Describe a build for the help text: its size and example questions it can answer."""
    manifest = searcher.manifest
    examples = [q for q in (_speaker_example(searcher), _topic_example(searcher)) if q]
    return CorpusFacts(manifest.documents, manifest.sentences, tuple([*examples, *FALLBACK_EXAMPLES][:2]))


def _speaker_example(searcher: Searcher, candidates: int = 50) -> str | None:
    """Return 'What did X say?' for the speaker quoted most often, people first (among the first candidates)."""
    speakers = list(itertools.islice(searcher.speakers, candidates))
    counts = {sp.key: len(searcher.statements_by([sp.key])) for sp in speakers}
    best = max(speakers, key=lambda sp: (counts[sp.key] > 0, sp.kind == "person", counts[sp.key]), default=None)
    return f"What did {best.name} say?" if best is not None and counts[best.key] else None


def _topic_example(searcher: Searcher) -> str | None:
    """Return a question about the capitalised name that recurs most in article titles."""
    counts: Counter[str] = Counter()
    for doc in searcher.documents():
        words = re.findall(r"\b[A-Z][\w-]{2,}\b", doc.title or "")
        counts.update({w for w in words[1:] if w.lower() not in _DULL})  # the first word is capitalised anyway
    if not counts:
        return None
    word, _ = counts.most_common(1)[0]
    return f"What is the news about {word}?"


def _examples_html(examples: Sequence[str]) -> str:
    return "\n".join(f"• <i>{escape(q)}</i>" for q in examples)


def welcome(facts: CorpusFacts, first_name: str | None = None) -> str:
    """Return the /start message."""
    hello = f"Hello, {escape(first_name)}!" if first_name else "Hello!"
    return (
        f"{hello} I answer questions about the news by quoting sentences word for word from "
        f"{facts.articles} news article{'' if facts.articles == 1 else 's'}, each with its source. "
        "I never write an answer myself.\n\n"
        f"Ask me something, for example:\n{_examples_html(facts.examples)}\n\n"
        "/help explains more; /sources lists the articles."
    )


def help_text(facts: CorpusFacts, bot_username: str | None = None) -> str:
    """Return the /help message."""
    mention = f"@{escape(bot_username)}" if bot_username else "me"
    return (
        "<b>How I answer</b>\n"
        f"I search {facts.articles} news article{'' if facts.articles == 1 else 's'} ({facts.sentences} sentences) "
        "and reply with the sentences that answer your question, quoted exactly, each with its article, "
        "publisher and date when known, and who said it when it is a statement. When the articles say nothing "
        "about your question, I tell you so instead of guessing.\n\n"
        "<b>How to ask</b>\n"
        "Send a question as a message. Ask what someone said, or about a topic:\n"
        f"{_examples_html(facts.examples)}\n"
        "Press <b>More</b> under an answer for further sentences.\n\n"
        "<b>In groups</b>\n"
        f"Mention {mention} in your question, reply to one of my messages, or use /ask followed by the question.\n\n"
        "<b>Commands</b>\n"
        "/ask &lt;question&gt; — ask a question\n"
        "/sources — the articles I know\n"
        "/help — this message"
    )
