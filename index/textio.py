"""Text to and from the operator's terminal: lines that may not decode, corpus text that may hold escape sequences."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

# ANSI/VT escape sequences: CSI (ESC [ or the one-byte C1 CSI), OSC/DCS/PM/APC strings up to BEL or ST, and
# two-character escapes. A terminal acts on these; in corpus text they are at best noise and at worst an attack
# (retitling the window, clearing the screen, faking output).
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# What is left to drop: C0 controls but tab and newline, DEL, C1.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters json.dumps(ensure_ascii=False) leaves raw but a terminal or a line-based reader may act on.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Return text without terminal escape sequences and control characters (tab and newline stay)."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def json_line(data: Any) -> str:
    """Return data as one line of JSON that is safe to print: every string is verbatim, control characters escaped."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False))


@dataclass(frozen=True)
class Line:
    """One line of input: its number, and its text or why it could not be read."""

    number: int
    text: str
    error: str | None = None


def input_lines(stream: IO[Any]) -> Iterator[Line]:
    """Yield the lines of a text stream one by one; a line that is not valid UTF-8 comes with an error instead.

    Reads the bytes under a text stream when there are some, so one bad line does not cost the lines around it;
    a stream of str (or one decoded with surrogateescape) has its lone surrogates reported the same way.
    """
    raw = getattr(stream, "buffer", None)
    read, end = (raw.readline, b"") if raw is not None else (stream.readline, "")
    for number, line in enumerate(iter(read, end), 1):
        if isinstance(line, bytes):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                shown = line.decode("utf-8", "replace").strip()
                yield Line(number, shown, f"line {number} is not valid UTF-8 text (byte {exc.start + 1}); skipped")
                continue
        else:
            text = line
        bad = next((i for i, c in enumerate(text) if "\ud800" <= c <= "\udfff"), None)
        if bad is not None:
            shown = text.encode("utf-8", "replace").decode("utf-8").strip()
            yield Line(number, shown, f"line {number} is not valid UTF-8 text (character {bad + 1}); skipped")
            continue
        yield Line(number, text)
