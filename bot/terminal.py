"""The terminal chat: the same answers as the Telegram bot and the CLI, as plain text, one question per line."""

from __future__ import annotations

from typing import TextIO

from index.ask.render import render_text
from index.errors import QuestionError
from index.textio import input_lines, printable

from .reload import IndexProvider

PAGE_SIZE = 5
MORE = ("more", "m")
QUIT = ("quit", "exit", "q", ":q")
HINT = "type 'more'"
USAGE = "Ask a question about the news; 'more' shows further results, 'sources' lists the articles, 'quit' leaves."


def banner(provider: IndexProvider) -> str:
    """Return the greeting: what the index holds and how to use the chat."""
    manifest = provider.manifest()
    return (
        f"News bot, terminal chat: {manifest.documents} articles, {manifest.sentences} sentences "
        f"(index build {manifest.build_id}).\n{USAGE}"
    )


def sources_text(provider: IndexProvider) -> str:
    """Return the articles of the corpus as plain text."""
    lines = []
    for doc in provider.documents():
        details = [p for p in (doc.source, doc.published) if p]
        line = doc.title or doc.doc_id
        line += f" · {' · '.join(details)}" if details else ""
        line += f" <{doc.url}>" if doc.url else ""
        lines.append(f"- {line}")
    return printable("\n".join(lines)) or "The corpus holds no articles yet."


def chat(provider: IndexProvider, stdin: TextIO, stdout: TextIO, prompt: bool = False) -> None:
    """Answer questions read from stdin until end of input or 'quit'."""
    last: tuple[str, int | None] | None = None  # the last question and where its next page starts (None: no more)
    lines = input_lines(stdin)
    while True:
        if prompt:
            stdout.write("> ")
            stdout.flush()
        line = next(lines, None)
        if line is None:
            break
        if line.error is not None:  # not valid UTF-8: say so, and go on with the next line
            stdout.write(f"{line.error[0].upper()}{line.error[1:]}.\n")
            continue
        text = line.text.strip()
        if not text:
            continue
        command = text.lower()
        if command in QUIT:
            break
        provider.reload()  # picks up a build published by `python -m index` since the last question
        if command == "sources":
            stdout.write(sources_text(provider) + "\n")
            continue
        if command == "help":
            stdout.write(USAGE + "\n")
            continue
        if command in MORE:
            if last is None or last[1] is None:
                stdout.write("No more results: ask another question.\n" if last else "Ask a question first.\n")
                continue
            question, offset = last[0], last[1]
        else:
            question, offset = text, 0
        try:
            answer = provider.answer(question, limit=PAGE_SIZE, offset=offset)
        except QuestionError as exc:
            stdout.write(f"{printable(str(exc))}\n")
            continue
        stdout.write(render_text(answer, more_hint=HINT) + "\n")
        following = answer.offset + len(answer.results)
        last = (answer.question, following if answer.answered and following < answer.total else None)
        stdout.flush()
