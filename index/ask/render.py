"""Plain-text rendering of an answer, shared by the CLI and the bot's terminal chat."""

from __future__ import annotations

from ..textio import printable
from .answer import Answer, Result
from .messages import nothing_found


def cite(result: Result) -> str:
    """Return the source line of a result: speaker, title, publisher, date, link when known."""
    parts = [result.title]
    parts += [p for p in (result.source, result.published) if p]
    line = " · ".join(parts)
    if result.url:
        line += f" <{result.url}>"
    return f"{result.speaker}, in {line}" if result.speaker else line


def render_text(answer: Answer, more_hint: str = "ask again with --offset {offset}") -> str:
    """Return an answer as plain text for a terminal: numbered sentences, each followed by its source.

    Escape sequences and control characters in the corpus are left out (`query --json` keeps the verbatim text).
    """
    if not answer.answered:
        return printable(answer.message or nothing_found(answer.question))
    lines: list[str] = []
    for number, result in enumerate(answer.results, start=answer.offset + 1):
        lines.append(f"{number}. {result.text}")
        lines.append(f"   — {cite(result)}")
    remaining = answer.total - answer.offset - len(answer.results)
    if remaining > 0:
        hint = more_hint.format(offset=answer.offset + len(answer.results))
        lines.append(f"({remaining} more; {hint})")
    return printable("\n".join(lines))
