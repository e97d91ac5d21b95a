"""Split article text into paragraphs and sentences, keeping character offsets into the original text.

Sentence boundaries come from sentencex (compiled rules, linear time; chosen over pysbd, blingfire and syntok on
invented news cases, agreement with pysbd on real news and speed: docs/scale.md). It is shown the text with its
quote marks masked, so that it never pairs quote marks itself (an inch mark, 58.23", would open a "quotation"
that swallows the paragraph). Our own linear steps follow: quote marks cut off by a boundary go back to their
sentence, a cut after a title ("Ms. | Patel") or between a quoted cry and who uttered it is undone, and a quotation
that opens in one sentence and closes within MAX_QUOTE_SENTENCES sentences of its paragraph becomes one result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sentencex

_PARAGRAPH_BREAK = re.compile(r"\n\s*")
# A quotation is kept whole when it closes within this many sentences of its paragraph and this many characters;
# a longer one is left split (a result over a few hundred characters answers nothing precisely).
MAX_QUOTE_SENTENCES = 4
MAX_QUOTE_CHARS = 600
# Paragraphs are handed to the segmenter in windows of at most this many characters (linear time on any input).
WINDOW = 20_000
# Articles longer than this are refused with a message (a news article is a few thousand characters).
MAX_ARTICLE_CHARS = 500_000
# Quote marks, hidden from the segmenter by a character of the same length that it treats as a letter.
_MASK = str.maketrans({'"': "_", "“": "_", "”": "_", "‘": "_", "’": "_"})
_QUOTE = re.compile("“|”|''|\"")
_CLOSING_LEAD = re.compile("(?:”|’|''|\")+(?=\\s|$)")
# Words that end in a full stop but never end a sentence when a name (titles) or a number follows them.
_TITLES = frozenset(
    [
        "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt", "maj", "cmdr",
        "adm", "rev", "st", "mt", "ft", "pres", "supt",
    ]
)  # fmt: skip
_BEFORE_NUMBER = frozenset(["no", "nos", "p", "pp", "vol", "art", "approx"])
_LAST_WORD = re.compile(r"(\w+)\.$")
# An initial cut from the next one: "Mexico-U. | S. border".
_INITIAL_END = re.compile(r"(?<![A-Za-z])[A-Z]\.$")
_INITIAL_START = re.compile(r"[A-Z]\.")
# Words sentencex takes for abbreviations that are plain words before a capital: "in May. Tolls ..." is two sentences.
_MISSED_END = re.compile(r"\b(?:May|No|Art|Miss)\.\s+(?=[A-Z“‘\"])")
# A quoted question or exclamation, then who uttered it: "“Why now?” asked one", "‘Why?’ Putin mused, ...".
_QUOTED_CRY = re.compile("[?!](?:[’”'\"])$")
_UTTERED_BY = re.compile(r"[a-z]|(?:[A-Z][\w.'’-]*\s+){1,3}(?:said|says|asked|asks|told|wrote|\w+ed)\b")


@dataclass(frozen=True)
class Span:
    """A sentence as offsets into the article text, with its paragraph number."""

    start: int
    end: int
    paragraph: int


class ArticleTooLarge(ValueError):
    """An article is longer than MAX_ARTICLE_CHARS."""


def check_size(text: str, limit: int = MAX_ARTICLE_CHARS) -> None:
    """Raise ArticleTooLarge, with a message an operator can act on, when a text is over the limit."""
    if len(text) > limit:
        raise ArticleTooLarge(
            f"article is {len(text):,} characters long, over the limit of {limit:,}: split it into smaller articles"
        )


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
    masked = text.translate(_MASK).replace("''", "__")
    sentences: list[Span] = []
    for number, (p_start, p_end) in enumerate(paragraphs(text, start)):
        pieces = _trim(text, _split_missed(text, _return_quote_marks(text, _segment(masked, p_start, p_end))))
        for s_start, s_end in merge_quotes(text, _join_cut_sentences(text, pieces)):
            sentences.append(Span(s_start, s_end, number))
    return sentences


def backend_segment(chunk: str) -> list[str]:
    """Return the sentences sentencex finds in a chunk: consecutive pieces of it, spaces included."""
    return list(sentencex.segment("en", chunk))


def _segment(text: str, p_start: int, p_end: int) -> list[tuple[int, int]]:
    """Sentence offsets of one paragraph, segmented in windows of at most WINDOW characters.

    A window's last sentence may be cut by the window's end, so the next window starts where it starts: every
    character is segmented about once, whatever the segmenter does inside a window.
    """
    pieces: list[tuple[int, int]] = []
    pos = p_start
    while pos < p_end:
        stop = min(pos + WINDOW, p_end)
        found = _locate(text, pos, stop, backend_segment(text[pos:stop]))
        if stop < p_end and len(found) > 1:
            found.pop()  # may be cut by the window: segmented again at the start of the next window
        elif stop < p_end:  # one "sentence" longer than a window: cut it at a space
            cut = text.rfind(" ", pos + 1, stop)
            found = [(pos, cut if cut > pos else stop)]
        pieces.extend(found)
        pos = found[-1][1] if found else stop
    return pieces


def _locate(text: str, start: int, stop: int, sentences: list[str]) -> list[tuple[int, int]]:
    """Turn the segmenter's consecutive pieces of text[start:stop] back into offsets."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for piece in sentences:
        found = text.find(piece, pos, stop)
        if found < 0:  # the segmenter changed the text: keep the rest of the window whole
            break
        pieces.append((found, found + len(piece)))
        pos = found + len(piece)
    if pos < stop:
        pieces.append((pos, stop))
    return pieces


def _return_quote_marks(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give a closing quote mark that starts a piece (“We won.| ” he said) back to the sentence it closes."""
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        lead = _CLOSING_LEAD.match(text, s, e)
        if out and lead is not None and text[s - 1 : s] and not text[s - 1].isspace():
            out[-1] = (out[-1][0], lead.end())
            s = lead.end()
        if e > s:
            out.append((s, e))
    return out


def _split_missed(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut after a plain word the segmenter took for an abbreviation ("in May. | Tolls")."""
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        for match in _MISSED_END.finditer(text, s, e):
            out.append((s, match.end()))
            s = match.end()
        out.append((s, e))
    return out


def _trim(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [span for span in (_strip(text, s, e) for s, e in pieces) if span[1] > span[0]]


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    """Move start and end inwards past white space."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _join_cut_sentences(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Undo a cut after a title before a name ("Ms. | Patel"), after "No." before a number, between two initials
    ("U. | S. border"), and between a quoted question or exclamation and who uttered it ("“Why now?” | asked one")."""
    joined: list[tuple[int, int]] = []
    for s, e in pieces:
        if joined and _cut_too_early(text, joined[-1], s, e):
            joined[-1] = (joined[-1][0], e)
        else:
            joined.append((s, e))
    return joined


def _cut_too_early(text: str, previous: tuple[int, int], s: int, e: int) -> bool:
    if _ends_with_title(text, previous, text[s]) or _uttered(text, previous, s, e):
        return True
    initial = _INITIAL_END.search(text, max(previous[0], previous[1] - 3), previous[1])
    return initial is not None and _INITIAL_START.match(text, s, e) is not None


def _ends_with_title(text: str, piece: tuple[int, int], following: str) -> bool:
    match = _LAST_WORD.search(text, max(piece[0], piece[1] - 12), piece[1])
    if match is None:
        return False
    word = match.group(1).lower()
    return (word in _TITLES and following.isupper()) or (word in _BEFORE_NUMBER and following.isdigit())


def _uttered(text: str, piece: tuple[int, int], s: int, e: int) -> bool:
    cry = _QUOTED_CRY.search(text, max(piece[0], piece[1] - 2), piece[1])
    return cry is not None and _UTTERED_BY.match(text, s, e) is not None


def merge_quotes(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a sentence that opens a quotation with the next ones, when it closes within MAX_QUOTE_SENTENCES
    sentences and MAX_QUOTE_CHARS characters.

    Each sentence is scanned once and a quotation is followed for at most MAX_QUOTE_SENTENCES sentences, so the
    work grows linearly with the paragraph. A quotation that does not close that soon joins nothing.
    """
    balance = [_quote_balance(text, s, e) for s, e in pieces]
    merged: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        end = i
        if balance[i] > 0:
            depth = balance[i]
            for j in range(i + 1, min(i + MAX_QUOTE_SENTENCES, len(pieces))):
                if pieces[j][1] - pieces[i][0] > MAX_QUOTE_CHARS:
                    break
                depth += balance[j]
                if depth <= 0:
                    end = j
                    break
        merged.append((pieces[i][0], pieces[end][1]))
        i = end + 1
    return merged


def _quote_balance(text: str, s: int, e: int) -> int:
    """Quotations a sentence opens minus those it closes: curly double quotes, else straight ones ("" or '').

    A straight quote right after a digit is an inch or second mark (58.23"), not a quotation; a straight quote
    after a space or an opening bracket opens, any other closes. Single quotes are skipped: ’ and ' are apostrophes.
    """
    balance = curly = 0
    for match in _QUOTE.finditer(text, s, e):
        mark, k = match.group(), match.start()
        if mark in "“”":
            curly += 1 if mark == "“" else -1
            continue
        before = text[k - 1] if k > s else " "
        if before.isdigit():
            continue
        balance += 1 if before.isspace() or before in "([{—–-:" else -1
    return curly if curly or "“" in text[s:e] or "”" in text[s:e] else balance


def _append_trimmed(spans: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    s, e = _strip(text, s, e)
    if e > s:
        spans.append((s, e))
