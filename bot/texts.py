"""What the bot says besides answers: welcome, help, and one-line notices (all Telegram HTML)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from index.ask.language import SUPPORTED
from index.ask.searcher import Searcher
from index.ask.texts import count, say, supported_names

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


def user_language(code: str | None) -> str:
    """Return the supported language of a Telegram user's language_code ("ru-RU" -> "ru"), English otherwise."""
    lang = (code or "").split("-")[0].lower()
    return lang if lang in SUPPORTED else "en"


def slow_down(seconds: float, lang: str = "en") -> str:
    """Return the one message a flooding user gets."""
    return say(lang, "slow_down", wait=count(lang, max(1, round(seconds)), "second"))


@dataclass(frozen=True)
class CorpusFacts:
    """What /start and /help say about the corpus."""

    articles: int
    sentences: int
    examples: tuple[str, ...]
    speaker: str | None = None  # the example speaker and topic word, for examples in other languages
    topic: str | None = None

    def examples_in(self, lang: str) -> tuple[str, ...]:
        """Return the example questions in a language."""
        if lang == "en":
            return self.examples
        return _examples(lang, self.speaker, self.topic)


def corpus_facts(searcher: Searcher) -> CorpusFacts:
    """Describe a build for the help text: its size and example questions it can answer."""
    manifest = searcher.manifest
    speaker, topic = _speaker_example(searcher), _topic_example(searcher)
    return CorpusFacts(manifest.documents, manifest.sentences, _examples("en", speaker, topic), speaker, topic)


def _examples(lang: str, speaker: str | None, topic: str | None) -> tuple[str, ...]:
    """Two example questions in a language: about the speaker and the topic when known, else general ones."""
    found = [say(lang, "example_speaker", name=speaker)] if speaker else []
    found += [say(lang, "example_topic", topic=topic)] if topic else []
    return tuple([*found, say(lang, "example_fallback_speaker"), say(lang, "example_fallback_topic")][:2])


def _speaker_example(searcher: Searcher, candidates: int = 50) -> str | None:
    """Return the name of the speaker quoted most often, people first (among the first candidates)."""
    speakers = list(itertools.islice(searcher.speakers, candidates))
    counts = {sp.key: len(searcher.statements_by([sp.key])) for sp in speakers}
    best = max(speakers, key=lambda sp: (counts[sp.key] > 0, sp.kind == "person", counts[sp.key]), default=None)
    return best.name if best is not None and counts[best.key] else None


def _topic_example(searcher: Searcher) -> str | None:
    """Return the capitalised name that recurs most in article titles."""
    counts: Counter[str] = Counter()
    for doc in searcher.documents():
        words = re.findall(r"\b[A-Z][\w-]{2,}\b", doc.title or "")
        counts.update({w for w in words[1:] if w.lower() not in _DULL})  # the first word is capitalised anyway
    if not counts:
        return None
    word, _ = counts.most_common(1)[0]
    return word


def _examples_html(examples: Sequence[str]) -> str:
    return "\n".join(f"• <i>{escape(q)}</i>" for q in examples)


def welcome(facts: CorpusFacts, first_name: str | None = None, lang: str = "en") -> str:
    """Return the /start message."""
    hello = say(lang, "hello_name", name=escape(first_name)) if first_name else say(lang, "hello")
    articles = count(lang, facts.articles, "article")
    return say(lang, "welcome", hello=hello, articles=articles, examples=_examples_html(facts.examples_in(lang)))


def help_text(facts: CorpusFacts, bot_username: str | None = None, lang: str = "en") -> str:
    """Return the /help message."""
    mention = f"@{escape(bot_username)}" if bot_username else say(lang, "me")
    return say(
        lang,
        "help",
        articles=count(lang, facts.articles, "article"),
        sentences=count(lang, facts.sentences, "sentence"),
        languages=supported_names(lang),
        examples=_examples_html(facts.examples_in(lang)),
        mention=mention,
    )
