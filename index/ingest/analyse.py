"""Turn articles into indexable rows: sentences with offsets, paragraph, position, statement flag and speaker."""

from __future__ import annotations

from collections.abc import Sequence

from ..stopwatch import Stopwatch, timed
from .attribution import Speaker, attribute
from .corpus import Article
from .records import SentenceRecord
from .segment import split_sentences


def analyse_article(
    article: Article, first_sid: int = 0, clock: Stopwatch | None = None
) -> tuple[list[SentenceRecord], list[Speaker]]:
    """Split one article into sentences and attribute each; sentence ids start at first_sid.

    A pure function of the article: build workers (local processes or Ray actors) call it; clock, when given,
    adds the seconds spent per step ("segment", "attribute").
    """
    with timed(clock, "segment"):
        spans = split_sentences(article.text, article.body_start)
    with timed(clock, "attribute"):
        attributions, speakers = attribute(article.text, spans, title=article.title)
    records = [
        SentenceRecord(
            sid=first_sid + position,
            doc_id=article.doc_id,
            paragraph=span.paragraph,
            position=position,
            start=span.start,
            end=span.end,
            text=article.text[span.start : span.end],
            statement=attr.statement,
            speaker=attr.speaker if attr.statement else None,
            cue=attr.cue,
            others=attr.others if attr.statement else (),
        )
        for position, (span, attr) in enumerate(zip(spans, attributions, strict=False))
    ]
    return records, speakers


def analyse(
    articles: Sequence[Article], first_sid: int = 0, clock: Stopwatch | None = None
) -> tuple[list[SentenceRecord], list[tuple[str, Speaker]]]:
    """Analyse articles in order; sentence ids are consecutive from first_sid; speakers come with their doc_id."""
    records: list[SentenceRecord] = []
    speakers: list[tuple[str, Speaker]] = []
    for article in articles:
        found, article_speakers = analyse_article(article, first_sid + len(records), clock)
        records.extend(found)
        speakers.extend((article.doc_id, sp) for sp in article_speakers)
    return records, speakers


def sample_sentences(articles: Sequence[Article], limit: int = 512) -> list[str]:
    """Return up to limit sentences from the first articles (calibration material for an int8 encoder)."""
    texts: list[str] = []
    for article in articles:
        texts.extend(article.text[s.start : s.end] for s in split_sentences(article.text, article.body_start))
        if len(texts) >= limit:
            break
    return texts[:limit]
