"""Compose an answer to a question: retrieve, attribute, and decide when the corpus has nothing to say."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..config import MAX_QUESTION_CHARS
from ..errors import QuestionError
from ..ingest.records import SentenceRecord
from . import answer_xl, messages
from .language import detect_language, is_supported
from .question import Question, parse_question
from .searcher import Hit, Searcher, normalise_text
from .speakers import speaker_phrase_kind
from .translit import has_cyrillic

# Calibrated on the development questions (see README, "Answer quality"): cosine of all-MiniLM-L6-v2.
TOPIC_MIN_COSINE = 0.30  # the best sentence must be at least this close for a topic question to be answered
RESULT_MIN_COSINE = 0.25  # no sentence below this is ever quoted for a topic question
TOPIC_MARGIN = 0.20  # results further than this below the best cosine are dropped, unless ...
FUSED_MARGIN = 0.70  # ... their fused score (fusion.py) is within this of the first result's
SPEAKER_TOPIC_MIN = 0.20  # a speaker's statement must be at least this close to the asked topic
SPEAKER_TOPIC_MARGIN = 0.12
SPEAKER_LEXICAL_WEIGHT = 0.15  # an exact word of the topic in a statement counts for this much cosine
MAX_RESULTS = 50


@dataclass
class Result:
    """One quoted sentence with everything known about where it comes from."""

    text: str
    doc_id: str
    title: str
    score: float
    position: int
    paragraph: int
    start: int
    end: int
    statement: bool
    speaker: str | None = None
    speaker_key: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    context_before: str | None = None
    context_after: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a dict, leaving out fields that are unknown."""
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Answer:
    """The sentences that answer a question, or why there are none."""

    question: str
    answered: bool
    results: list[Result] = field(default_factory=list)
    kind: str = "topic"
    speakers: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # the speaker keys a speaker question matched
    message: str | None = None
    total: int = 0
    offset: int = 0
    question_language: str = "en"  # ISO 639-1 code of the language the question is written in

    def to_dict(self) -> dict[str, Any]:
        """Return the answer as the JSON object the CLI prints."""
        data: dict[str, Any] = {
            "question": self.question,
            "question_language": self.question_language,
            "answered": self.answered,
            "kind": self.kind,
            "total": self.total,
            "offset": self.offset,
            "results": [r.to_dict() for r in self.results],
        }
        if self.speakers:
            data["speakers"] = self.speakers
        if self.message:
            data["message"] = self.message
        return data


def clean_question(text: str) -> str:
    """Return the question with whitespace folded, or raise QuestionError when it is empty or too long."""
    question = " ".join((text or "").split())
    if not question:
        raise QuestionError(messages.empty_question())
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(messages.question_too_long(len(question), MAX_QUESTION_CHARS))
    if not re.search(r"\w", question):
        raise QuestionError(messages.wordless_question())
    return question


def answer(searcher: Searcher, text: str, limit: int = 5, offset: int = 0) -> Answer:
    """Answer a question with up to limit sentences, starting at offset in the ranked list."""
    question = clean_question(text)
    lang = detect_language(question)
    if not is_supported(lang):
        refused = Answer(question, False, kind="language", message=messages.unsupported_language(lang))
        return _in_language(_page(searcher, (refused, []), limit, offset), lang)
    if lang != "en":
        xl = answer_xl.compose(searcher, question, lang)
        composed = Answer(question, xl.answered, kind=xl.kind, speakers=xl.speakers, message=xl.message), xl.ranked
        return _in_language(_page(searcher, composed, limit, offset), lang)
    parsed = parse_question(question)
    if parsed.speaker:
        speaker_answer = _speaker_answer(searcher, question, parsed)
        if speaker_answer is not None:
            return _page(searcher, speaker_answer, limit, offset)
    return _page(searcher, _topic_answer(searcher, question), limit, offset)


def _in_language(result: Answer, lang: str) -> Answer:
    result.question_language = lang
    return result


def _topic_answer(searcher: Searcher, question: str) -> tuple[Answer, list[tuple[SentenceRecord, float]]]:
    hits = searcher.hybrid(question)
    best = max((h.cosine for h in hits), default=0.0)
    if best < TOPIC_MIN_COSINE:
        return Answer(question, False, message=messages.nothing_found(question)), []
    floor, top = max(RESULT_MIN_COSINE, best - TOPIC_MARGIN), hits[0].score
    kept: list[Hit] = [
        h for h in hits if h.cosine >= floor or (h.cosine >= RESULT_MIN_COSINE and h.score >= top - FUSED_MARGIN)
    ][:MAX_RESULTS]
    records = searcher.sentences([h.sid for h in kept])
    return Answer(question, True), list(zip(records, [h.score for h in kept], strict=False))


def _speaker_answer(
    searcher: Searcher, question: str, parsed: Question
) -> tuple[Answer, list[tuple[SentenceRecord, float]]] | None:
    """Answer from a speaker's statements; None when the phrase names no speaker and is no name either."""
    keys = searcher.speakers.match(parsed.speaker or "")
    if not keys and has_cyrillic(parsed.speaker or ""):  # "What did Полянский say?"
        keys = answer_xl.match_speaker(searcher, parsed.speaker or "", "ru")
    names = [searcher.speakers.get(k).name for k in keys]
    if not keys:
        if speaker_phrase_kind(parsed.speaker or "") not in ("name", "role", "group"):
            return None  # lowercase words that are no speaker here ("what does climate change mean"): a topic
        if parsed.verb is None and searcher.mentions(parsed.speaker or ""):
            return None  # "According to the Review, where does X rank?": a fact the text credits to a source
        return _refused(question, [], _nobody(searcher, parsed.speaker or ""))
    statements = _unique(searcher.statements_by(keys))
    who = " or ".join(names)
    if not statements:
        return _refused(question, names, messages.mentioned_not_quoted(who))
    if not parsed.topic:
        ordered = newest_first(statements, lambda doc_id: searcher.document(doc_id).published)
        return Answer(question, True, kind="speaker", speakers=names, keys=keys), [(r, 1.0) for r in ordered]
    ranked = _rank_by_topic(searcher, statements, parsed.topic)
    if not ranked:
        return _refused(question, names, messages.no_statements_about(who, parsed.topic))
    return Answer(question, True, kind="speaker", speakers=names, keys=keys), ranked


def _refused(question: str, names: list[str], message: str) -> tuple[Answer, list[tuple[SentenceRecord, float]]]:
    return Answer(question, False, kind="speaker", speakers=names, message=message), []


def _rank_by_topic(
    searcher: Searcher, statements: Sequence[SentenceRecord], topic: str
) -> list[tuple[SentenceRecord, float]]:
    """Order a speaker's statements by closeness to the topic, keeping those near the best."""
    vectors = searcher.vectors([r.sid for r in statements])
    cosines = vectors @ searcher.embed(topic)
    lexical = searcher.lexical_scores(topic, [r.sid for r in statements])
    if lexical.max(initial=0) > 0:
        cosines = cosines + SPEAKER_LEXICAL_WEIGHT * (lexical / lexical.max())
    best = float(cosines.max())
    if best < SPEAKER_TOPIC_MIN:
        return []
    floor = max(SPEAKER_TOPIC_MIN, best - SPEAKER_TOPIC_MARGIN)
    order = np.argsort(-cosines, kind="stable")
    return [(statements[i], float(cosines[i])) for i in order if cosines[i] >= floor]


def _page(
    searcher: Searcher, composed: tuple[Answer, list[tuple[SentenceRecord, float]]], limit: int, offset: int
) -> Answer:
    result, ranked = composed
    result.total = len(ranked)
    result.offset = max(offset, 0)
    page = ranked[result.offset : result.offset + max(limit, 0)]
    result.results = [_result(searcher, record, score, result.keys) for record, score in page]
    return result


def _result(searcher: Searcher, record: SentenceRecord, score: float, asked: Sequence[str] = ()) -> Result:
    doc = searcher.document(record.doc_id)
    before, after = searcher.context(record)
    # the speaker asked about when the sentence has several ("While A vowed ..., B pledged ...")
    key = next((k for k in record.speakers if k in asked), record.speaker) if record.statement else None
    speaker = searcher.speakers.get(key).name if key else None
    return Result(
        text=record.text,
        doc_id=record.doc_id,
        title=doc.title,
        score=round(float(score), 4),
        position=record.position,
        paragraph=record.paragraph,
        start=record.start,
        end=record.end,
        statement=record.statement,
        speaker=speaker,
        speaker_key=key if speaker else None,
        source=doc.source,
        url=doc.url,
        published=doc.published,
        language=doc.language,
        context_before=" ".join(r.text for r in before) or None,
        context_after=" ".join(r.text for r in after) or None,
    )


def newest_first(records: Sequence[SentenceRecord], published: Callable[[str], str | None]) -> list[SentenceRecord]:
    """Group statements by article, newest article first (undated ones last, in corpus order), article order within."""
    dates: dict[str, str | None] = {}
    for record in records:
        if record.doc_id not in dates:
            dates[record.doc_id] = published(record.doc_id)
    rank = {doc_id: n for n, doc_id in enumerate(sorted(dates, key=lambda d: _date_key(dates[d]), reverse=True))}
    return sorted(records, key=lambda r: (rank[r.doc_id], r.position))


def _date_key(published: str | None) -> tuple[int, str]:
    """Sortable form of a publication date: ISO dates compare as text; unknown or unreadable dates sort last."""
    text = (published or "").strip()
    return (1, text[:10]) if re.match(r"\d{4}-\d{2}-\d{2}", text) else (0, "")


def _unique(records: list[SentenceRecord]) -> list[SentenceRecord]:
    """Drop sentences repeated word for word (a syndicated copy of an article), keeping the first."""
    seen: set[str] = set()
    kept = []
    for record in records:
        key = normalise_text(record.text)
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept


def _nobody(searcher: Searcher, phrase: str) -> str:
    if searcher.mentions(phrase):
        return messages.mentioned_not_quoted(phrase)
    return messages.nothing_said_by(phrase)
