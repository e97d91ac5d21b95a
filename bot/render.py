"""Telegram HTML for answers, sources and help: everything escaped, every message within Telegram's limit."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from index.ask.answer import Answer, Result
from index.ask.messages import either, nothing_found
from index.ask.texts import count, plural_of, say
from index.store.table import Document

# Telegram refuses messages longer than 4096 UTF-16 code units after entity parsing. Measuring the raw HTML in
# UTF-16 units is an upper bound on that (tags and entities only shrink when parsed), so staying under it is safe.
MAX_MESSAGE = 4096
# Longest article title or context snippet shown; a sentence itself is only shortened when it alone cannot fit.
MAX_TITLE = 300
MAX_CONTEXT = 220
MAX_URL = 1000  # longer links (escaped, as sent) are left out rather than allowed to crowd out the quotes
# Control characters (C0 but tab and newline, DEL, C1) never reach Telegram: tdlib reads NUL as the end of the text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A link keeps none of these: controls, format characters (e.g. right-to-left overrides), separators, surrogates.
_NOT_IN_URL = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
# A sentence this short, or one that starts like these, reads better with its neighbours around it.
SHORT_SENTENCE = 70
_LEANS_ON_CONTEXT = re.compile(
    r"^(?:[a-z(…]|\.\.\.|(?i:he|she|they|it|this|that|these|those|his|her|their|its|but|and|so|yet|also|however|"
    r"still|then|there|such|both|neither|meanwhile|instead|nevertheless)\b)"
)
ELLIPSIS = "…"


@dataclass(frozen=True)
class Page:
    """One Telegram message of an answer: its HTML, how many results it shows, and where the next page starts."""

    html: str
    shown: int
    next_offset: int | None
    remaining: int


def utf16_len(text: str) -> int:
    """Return the length of text in UTF-16 code units, as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Escape text for Telegram HTML (&, < and >), leaving out control characters."""
    return html.escape(_CONTROL.sub("", text), quote=False)


def clip(text: str, budget: int, *, from_start: bool = False) -> str:
    """Return text escaped; when too long, cut at a word boundary with "…" so the escaped form fits budget units.

    from_start=True keeps the end of the text instead (for context that leads up to a sentence).
    """
    escaped = escape(text)
    if utf16_len(escaped) <= budget:
        return escaped
    room = budget - len(ELLIPSIS)
    if room <= 0:
        return ""

    def part(keep: int) -> str:
        return text[len(text) - keep :] if from_start else text[:keep]

    low, high = 0, len(text)  # the escaped length grows with the kept length: find the most that fits
    while low < high:
        middle = (low + high + 1) // 2
        if utf16_len(escape(part(middle))) <= room:
            low = middle
        else:
            high = middle - 1
    kept = _cut_at_word(part(low), from_start)
    return ELLIPSIS + escape(kept) if from_start else escape(kept) + ELLIPSIS


def _cut_at_word(part: str, from_start: bool) -> str:
    """Drop the partial word at the cut end of part, unless that would throw away much of it."""
    if from_start:
        space = part.find(" ")
        return (part[space + 1 :] if 0 <= space < len(part) // 3 else part).lstrip()
    space = part.rfind(" ")
    return (part[:space] if space > len(part) * 2 // 3 else part).rstrip(" ,;:")


def http_url(url: str | None) -> str | None:
    """Return url when it is an absolute http(s) link that fits, else None (nothing else becomes a link)."""
    if not url:
        return None
    url = url.strip()
    if len(url) > MAX_URL or any(unicodedata.category(c) in _NOT_IN_URL for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def href(url: str | None) -> str | None:
    """Return the escaped href of a link within MAX_URL units as sent, or None: the citation then has no link."""
    link = http_url(url)
    escaped = html.escape(link, quote=True) if link else None
    return escaped if escaped is not None and utf16_len(escaped) <= MAX_URL else None


def title_html(title: str, url: str | None, budget: int = MAX_TITLE) -> str:
    """Return an article title in italics, as a link when its URL is an http(s) one."""
    text = f"<i>{clip(title, budget) or clip('Untitled article', budget)}</i>"
    link = href(url)
    return f'<a href="{link}">{text}</a>' if link else text


def format_date(published: str | None) -> str | None:
    """Return a publication date as '10 May 2024' when it is an ISO date, else as given."""
    if not published:
        return None
    value = published.strip()
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def cite_html(result: Result) -> str:
    """Return the source line of a quoted sentence: speaker, title (linked), publisher and date when known."""
    parts = [title_html(result.title, result.url)]
    parts += [clip(p, 120) for p in (result.source, format_date(result.published)) if p]
    line = ", ".join(parts)
    if result.statement and result.speaker:
        line = f"<b>{clip(result.speaker, 120)}</b> in {line}"
    return f"— {line}"


def needs_context(result: Result) -> bool:
    """Return True when the sentence reads poorly alone: short, or leaning on what comes before it."""
    if not (result.context_before or result.context_after):
        return False
    text = result.text.strip()
    return len(text) < SHORT_SENTENCE or bool(_LEANS_ON_CONTEXT.match(text)) or text.endswith(":")


def quote_html(result: Result, budget: int = MAX_MESSAGE) -> str:
    """Return the verbatim sentence in a blockquote, in bold between its neighbours when context helps reading."""
    overhead = len("<blockquote></blockquote>")
    if not needs_context(result) or budget < 2 * MAX_CONTEXT + overhead + 200:
        return f"<blockquote>{clip(result.text, budget - overhead)}</blockquote>"
    before = clip(result.context_before or "", MAX_CONTEXT, from_start=True)
    after = clip(result.context_after or "", MAX_CONTEXT)
    inner_budget = budget - overhead - len("<b></b>") - utf16_len(before) - utf16_len(after) - 2
    sentence = f"<b>{clip(result.text, inner_budget)}</b>"
    return f"<blockquote>{' '.join(p for p in (before, sentence, after) if p)}</blockquote>"


def result_html(result: Result, budget: int = MAX_MESSAGE) -> str:
    """Return one quoted sentence with its source line, within budget UTF-16 units."""
    cite = cite_html(result)
    return f"{quote_html(result, budget - utf16_len(cite) - 1)}\n{cite}"


def _span(offset: int, shown: int, total: int, noun: str, lang: str = "en") -> str:
    if offset == 0 and shown >= total:
        return say(lang, "span_all", count=count(lang, total, noun))
    of_total = f"{total} {plural_of(lang, max(total, 2), noun)}"
    if shown > 1:
        return say(lang, "span_range", first=offset + 1, last=offset + shown, count=of_total)
    return say(lang, "span_one", first=offset + 1, count=of_total)


def answer_header(answer: Answer, shown: int) -> str:
    """Return the first line of an answer page, in the question's language: whose statements or which sentences."""
    lang = answer.question_language
    if answer.kind == "speaker" and answer.speakers:
        names = [f"<b>{clip(name, 120)}</b>" for name in answer.speakers[:3]]
        if len(answer.speakers) > 3:
            names[-1] = say(lang, "others", number=len(answer.speakers) - 2)
        span = _span(answer.offset, shown, answer.total, "statement", lang)
        return say(lang, "header_speaker", who=either(names, lang), span=span)
    return say(lang, "header_topic", span=_span(answer.offset, shown, answer.total, "sentence", lang))


def not_found_html(answer: Answer, limit: int = MAX_MESSAGE) -> str:
    """Return the plain 'nothing found' reply for an unanswered question."""
    message = answer.message or nothing_found(answer.question, answer.question_language)
    return clip(message, limit)


def render_answer(answer: Answer, limit: int = MAX_MESSAGE) -> Page:
    """Return the page of an answer that fits one message; results that do not fit are left for the next page."""
    if not answer.answered:
        return Page(not_found_html(answer, limit), 0, None, 0)
    if not answer.results:  # paged past the end, e.g. after the index was rebuilt smaller
        return Page(say(answer.question_language, "no_more"), 0, None, 0)
    blocks = [result_html(r, limit - 200) for r in answer.results]
    for shown in range(len(blocks), 0, -1):
        text = answer_header(answer, shown) + "\n\n" + "\n\n".join(blocks[:shown])
        if utf16_len(text) <= limit:
            break
    else:  # unreachable while one block is at most limit - 200 units, but never send an oversized message
        shown, text = 1, result_html(answer.results[0], limit)
    following = answer.offset + shown
    remaining = max(answer.total - following, 0)
    return Page(text, shown, following if remaining else None, remaining)


def source_line(document: Document) -> str:
    """Return one article of /sources: linked title, publisher and date when known."""
    parts = [title_html(document.title or "", document.url)]
    parts += [clip(p, 120) for p in (document.source, format_date(document.published)) if p]
    return "• " + ", ".join(parts)


def render_sources(documents: Sequence[Document], max_messages: int = 3, limit: int = MAX_MESSAGE) -> list[str]:
    """Return /sources as at most max_messages messages; a corpus too large for them ends with how many are left."""
    count = len(documents)
    if not count:
        return ["The corpus holds no articles yet."]
    messages: list[str] = []
    current = f"<b>The corpus holds {count} article{'' if count == 1 else 's'}:</b>"
    for shown, line in enumerate(source_line(d) for d in documents):
        last = len(messages) == max_messages - 1
        room = limit - (40 if last else 0)  # the last message keeps room for "… and N more."
        if utf16_len(current) + 1 + utf16_len(line) <= room:
            current += "\n" + line
            continue
        if last:
            messages.append(f"{current}\n… and {count - shown} more.")
            return messages
        messages.append(current)
        current = line
    messages.append(current)
    return messages
