"""Split article text into paragraphs and sentences, keeping character offsets into the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

_PARAGRAPH_BREAK = re.compile(r"\n\s*")
# A quotation left open is joined with at most this many following sentences.
_MAX_QUOTE_SENTENCES = 6


@dataclass(frozen=True)
class Span:
    """A sentence as offsets into the article text, with its paragraph number."""

    start: int
    end: int
    paragraph: int


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def paragraphs(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the non-blank lines/paragraphs of text from start on."""
    spans: list[tuple[int, int]] = []
    pos = start
    for match in _PARAGRAPH_BREAK.finditer(text, start):
        _append_trimmed(spans, text, pos, match.start())
        pos = match.end()
    _append_trimmed(spans, text, pos, len(text))
    return spans


def split_sentences(text: str, start: int = 0) -> list[Span]:
    """Split text (from offset start) into sentences; text[s.start:s.end] is each sentence verbatim."""
    sentences: list[Span] = []
    for number, (p_start, p_end) in enumerate(paragraphs(text, start)):
        chunk = text[p_start:p_end]
        pieces = [(p_start + s.start, p_start + s.end) for s in _segmenter().segment(chunk)]
        for s_start, s_end in _merge_open_quotes(text, _trim(text, pieces)):
            sentences.append(Span(s_start, s_end, number))
    return sentences


def _trim(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [span for span in (_strip(text, s, e) for s, e in pieces) if span[1] > span[0]]


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    """Move start and end inwards past white space."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _merge_open_quotes(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a sentence that opens a quotation with the following ones until the quotation closes."""
    merged: list[tuple[int, int]] = []
    joined = 0
    for s, e in pieces:
        if merged and joined < _MAX_QUOTE_SENTENCES and _quote_depth(text[merged[-1][0] : merged[-1][1]]) > 0:
            merged[-1] = (merged[-1][0], e)
            joined += 1
        else:
            merged.append((s, e))
            joined = 0
    return merged


def _quote_depth(sentence: str) -> int:
    """Count double quotes left open; single curly quotes are skipped since ’ doubles as an apostrophe."""
    depth = sentence.count("“") - sentence.count("”")
    if "“" not in sentence and "”" not in sentence:
        depth = sentence.count('"') % 2
    return max(depth, 0)


def _append_trimmed(spans: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    s, e = _strip(text, s, e)
    if e > s:
        spans.append((s, e))
