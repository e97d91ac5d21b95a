"""Answers to questions in Russian and Ukrainian over articles in English: the speaker's statements through the
transliterated speaker phrase, topics through the cross-lingual vector channel ("xl"), messages in the question's
language. answer.answer() turns what this composes into an Answer."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..ingest.records import SentenceRecord
from . import messages
from .question_slavic import SlavicQuestion, english_speaker, lemmas, parse_slavic, tokens
from .searcher import CANDIDATES, Hit, Searcher, normalise_text
from .slavic_lexicon import GROUPS, PLACES, ROLES
from .translit import has_cyrillic, same_name, skeleton

CHANNEL = "xl"
# Calibrated on our Russian and Ukrainian development questions (README, "Answer quality"): USE v3 cosines run
# lower than MiniLM's. The best sentence of an answerable topic question scored 0.33-0.48, of the unanswerable
# ones 0.13-0.22.
XL_TOPIC_MIN = 0.25
XL_TOPIC_MARGIN = 0.12  # topic results further than this below the best one are dropped
XL_SPEAKER_TOPIC_MIN = 0.10  # a statement must be at least this close to the asked topic
XL_SPEAKER_TOPIC_MARGIN = 0.10
XL_LEXICAL_WEIGHT = 0.10  # a name of the topic (in English) found in a statement counts for this much cosine
MAX_RESULTS = 50


@dataclass
class Composed:
    """What an answer holds before paging: ranked sentences, or why there are none."""

    answered: bool
    ranked: list[tuple[SentenceRecord, float]] = field(default_factory=list)
    kind: str = "topic"
    speakers: list[str] = field(default_factory=list)
    message: str | None = None


def compose(searcher: Searcher, question: str, lang: str) -> Composed:
    """Answer a Russian or Ukrainian question: a speaker's statements, else the sentences on its topic."""
    parsed = parse_slavic(question, lang)
    if parsed is not None:
        composed = _speaker_answer(searcher, parsed, lang)
        if composed is not None:
            return composed
    return _topic_answer(searcher, question, lang)


def match_speaker(searcher: Searcher, phrase: str, lang: str) -> list[str]:
    """Return the keys of the speakers a phrase with Cyrillic words names ("Полянский" in an English question)."""
    names = _names(searcher)
    for english in english_speaker(tokens(phrase), lang, names):
        keys = searcher.speakers.match(english)
        if keys:
            return keys
    return []


def _names(searcher: Searcher) -> list[str]:
    return [name for speaker in searcher.speakers for name in (speaker.name, *speaker.aliases)]


def _speaker_answer(searcher: Searcher, parsed: SlavicQuestion, lang: str) -> Composed | None:
    """A speaker's statements (on the topic when one is asked); None when the phrase names nobody a topic could."""
    phrase = " ".join(t.text for t in parsed.speaker)
    keys = match_speaker(searcher, phrase, lang)
    if not keys:
        if not _names_someone(parsed, lang):
            return None
        return Composed(False, kind="speaker", message=messages.nothing_said_by(phrase, lang))
    names = [searcher.speakers.get(k).name for k in keys]
    who = messages.either(names, lang)
    statements = _unique(searcher.statements_by(keys))
    if not statements:
        return Composed(False, kind="speaker", speakers=names, message=messages.mentioned_not_quoted(who, lang))
    if not parsed.topic:
        return Composed(True, [(r, 1.0) for r in statements], "speaker", names)
    ranked = _rank_by_topic(searcher, statements, parsed.topic, lang)
    if not ranked:
        topic = parsed.topic if not parsed.topic_is_english else parsed.verb
        message = messages.no_statements_about(who, topic, lang)
        return Composed(False, kind="speaker", speakers=names, message=message)
    return Composed(True, ranked, "speaker", names)


def _names_someone(parsed: SlavicQuestion, lang: str) -> bool:
    """A capitalised name, or a role or group noun: a speaker the corpus does not quote, not a topic."""
    first = parsed.speaker[0]
    if first.text[:1].isupper() or not has_cyrillic(first.text):
        return True
    return any(form in ROLES or form in GROUPS for t in parsed.speaker for form in lemmas(t.text, lang))


def _rank_by_topic(
    searcher: Searcher, statements: Sequence[SentenceRecord], topic: str, lang: str
) -> list[tuple[SentenceRecord, float]]:
    """Order a speaker's statements by cross-lingual closeness to the topic, keeping those near the best."""
    sids = [r.sid for r in statements]
    cosines = searcher.vectors(sids, channel=CHANNEL) @ searcher.embed_channel(CHANNEL, topic)
    hints = english_hints(searcher, topic, lang)
    if hints:
        lexical = searcher.lexical_scores(hints, sids)
        if lexical.max(initial=0) > 0:
            cosines = cosines + XL_LEXICAL_WEIGHT * (lexical / lexical.max())
    best = float(cosines.max())
    if best < XL_SPEAKER_TOPIC_MIN:
        return []
    floor = max(XL_SPEAKER_TOPIC_MIN, best - XL_SPEAKER_TOPIC_MARGIN)
    order = np.argsort(-cosines, kind="stable")
    return [(statements[i], float(cosines[i])) for i in order if cosines[i] >= floor]


def _topic_answer(searcher: Searcher, question: str, lang: str) -> Composed:
    """Sentences close to the question in the cross-lingual channel, with a bonus for its names found in them.

    The bonus, not rank fusion: on the development questions fusing BM25's ranking of a name or two with the
    channel's pushed sentences that merely name the same person above the one that answers.
    """
    if not searcher.has_channel(CHANNEL):
        return Composed(False, message=messages.nothing_found(question, lang))
    dense = searcher.dense(searcher.embed_channel(CHANNEL, question), CANDIDATES, channel=CHANNEL)
    best = dense[0][1] if dense else 0.0
    if best < XL_TOPIC_MIN:
        return Composed(False, message=messages.nothing_found(question, lang))
    sids = [sid for sid, _ in dense]
    scores = np.array([cosine for _, cosine in dense], dtype=np.float32)
    hints = english_hints(searcher, question, lang)
    if hints:
        lexical = searcher.lexical_scores(hints, sids)
        if lexical.max(initial=0) > 0:
            scores = scores + XL_LEXICAL_WEIGHT * (lexical / lexical.max())
    floor = float(scores.max()) - XL_TOPIC_MARGIN
    order = np.argsort(-scores, kind="stable")
    hits = [Hit(sids[i], float(scores[i]), float(scores[i])) for i in order if scores[i] >= floor]
    kept = searcher.dedupe(hits)[:MAX_RESULTS]
    records = searcher.sentences([h.sid for h in kept])
    return Composed(True, list(zip(records, [h.score for h in kept], strict=False)))


def english_hints(searcher: Searcher, text: str, lang: str) -> str:
    """Return the words of a text that have an English spelling here: Latin words, places, the corpus's speakers,
    and capitalised words whose transliteration skeleton is that of a word of the corpus ("Донбасу" -> donbass)."""
    known = sorted({w for n in _names(searcher) for w in n.split() if w[:1].isalpha()}, key=len, reverse=True)
    found = []
    for token in tokens(text):
        if not has_cyrillic(token.text):
            found.append(token.text)
            continue
        forms = lemmas(token.text, lang)
        place = next((PLACES[f] for f in forms if f in PLACES), None)
        if place or not token.text[:1].isupper():
            found += [place] if place else []
            continue
        name = next((k for f in forms for k in known if same_name(f, k)), None)
        vocabulary = _skeletons(searcher)
        word = name or next((vocabulary[skeleton(f)] for f in forms if skeleton(f) in vocabulary), None)
        if word:
            found.append(word)
    return " ".join(found)


_VOCABULARY: dict[str, dict[str, str]] = {}
_VOCABULARY_LOCK = threading.Lock()


def _skeletons(searcher: Searcher) -> dict[str, str]:
    """The corpus's words by transliteration skeleton, made once per build (~15 us a word: 1.5 s at 100k words)."""
    key = searcher.build_id
    with _VOCABULARY_LOCK:
        if key not in _VOCABULARY:
            table: dict[str, str] = {}
            for term in sorted(searcher.lexical_terms()):
                if len(term) >= 4 and term.isascii() and term.isalpha():
                    table.setdefault(skeleton(term), term)
            _VOCABULARY.clear()  # only the build being searched
            _VOCABULARY[key] = table
        return _VOCABULARY[key]


def _unique(records: list[SentenceRecord]) -> list[SentenceRecord]:
    seen: set[str] = set()
    kept = []
    for record in records:
        key = normalise_text(record.text)
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept
