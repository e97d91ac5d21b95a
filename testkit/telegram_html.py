"""Telegram-style HTML entity parsing for the fake Bot API server.

This mirrors tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp), which is
what the real Bot API runs for ``parse_mode=HTML``: the same tag whitelist, the
same attribute rules, the same error texts and UTF-8 byte offsets, and entity
offsets/lengths counted in UTF-16 code units.

One deliberate difference: with ``strict_ampersand=True`` (the default) an
``&`` that does not start a valid entity is an error. Real Telegram keeps such
an ``&`` literally, but it is always a sign that the sender forgot to escape
text, so tests should hear about it.
"""

from __future__ import annotations

from typing import Any

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "u": "underline", "ins": "underline", "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = " \t\r\n\v\f\0"  # tdlib's is_space(); NUL doubles as end-of-text
TRIM_CHARS = " \t\r\n\v\f"


class EntityParseError(ValueError):
    """Raised with tdlib's message text when HTML cannot be parsed."""


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, as Telegram counts it."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class _HtmlParser:
    """Single-use parser; state lives on the instance to keep methods short."""

    def __init__(self, text: str, strict_ampersand: bool) -> None:
        self.text = text
        self.strict = strict_ampersand
        self.i = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.entities: list[dict[str, Any]] = []
        # (tag name, argument, utf16 offset, index into self.out)
        self.stack: list[tuple[str, str, int, int]] = []

    def at(self, i: int) -> str:
        return self.text[i] if i < len(self.text) else "\0"

    def byte_offset(self, i: int) -> int:
        return len(self.text[:i].encode("utf-8", "surrogatepass"))

    def fail(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def decode_entity(self, pos: int) -> tuple[str, int] | None:
        """Decode an HTML entity at ``pos`` (an '&'); return (char, next index)."""
        end = pos + 1
        if self.at(end) == "#":
            end += 1
            value, digits = 0, ""
            if self.at(end) == "x":
                end += 1
                while self.at(end) in "0123456789abcdefABCDEF":
                    digits += self.at(end)
                    end += 1
                value = int(digits, 16) if digits else 0
            else:
                while self.at(end).isascii() and self.at(end).isdigit():
                    digits += self.at(end)
                    end += 1
                value = int(digits) if digits else 0
            if value == 0 or value >= 0x10FFFF or end - pos >= 10:
                return None
            char = chr(value)
        else:
            while self.at(end).isascii() and self.at(end).isalpha():
                end += 1
            char = _NAMED_ENTITIES.get(self.text[pos + 1 : end], "")
            if not char:
                return None
        return char, end + 1 if self.at(end) == ";" else end

    def emit(self, char: str) -> None:
        self.out.append(char)
        self.utf16 += utf16_len(char)

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        while self.i < len(self.text):
            ch = self.text[self.i]
            if ch == "&":
                decoded = self.decode_entity(self.i)
                if decoded is not None:
                    self.emit(decoded[0])
                    self.i = decoded[1]
                    continue
                if self.strict:
                    raise self.fail(
                        f'Unescaped "&" at byte offset {self.byte_offset(self.i)}; '
                        "use &amp; (the fake is stricter than Telegram here)"
                    )
            if ch != "<":
                self.emit(ch)
                self.i += 1
                continue
            if self.at(self.i + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise self.fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in self.out):
            raise self.fail(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self) -> None:
        begin = self.i
        i = begin + 1
        while self.at(i) not in _SPACE and self.at(i) != ">":
            i += 1
        if self.at(i) == "\0":
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        tag = self.text[begin + 1 : i].lower()
        if tag not in ALLOWED_TAGS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}')
        argument, self.i = self.attributes(tag, begin, i)
        if tag == "span" and argument != "spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}')
        self.stack.append((tag, argument, self.utf16, len(self.out)))

    def attributes(self, tag: str, begin: int, i: int) -> tuple[str, int]:
        """Parse attributes up to '>'; return (tag argument, index after '>')."""
        argument = ""
        offset = self.byte_offset(begin)
        while self.at(i) != ">":
            while self.at(i) != "\0" and self.at(i) in _SPACE:
                i += 1
            if self.at(i) == ">":
                break
            name_start = i
            while self.at(i) not in _SPACE and self.at(i) not in "=>":
                i += 1
            name = self.text[name_start:i]
            if not name:
                raise self.fail(f'Empty attribute name in the tag "{tag}" at byte offset {offset}')
            while self.at(i) != "\0" and self.at(i) in _SPACE:
                i += 1
            if self.at(i) != "=":
                if tag == "blockquote" and name == "expandable":
                    argument = "expandable"
                    continue
                raise self.fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte offset {offset}'
                )
            i += 1
            while self.at(i) != "\0" and self.at(i) in _SPACE:
                i += 1
            if self.at(i) == "\0":
                raise self.fail(f'Unclosed start tag "{tag}" at byte offset {offset}')
            value, i = self.attribute_value(i)
            if self.at(i) == "\0":
                raise self.fail(f"Unclosed start tag at byte offset {offset}")
            argument = _tag_argument(tag, name, value, argument)
        return argument, i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in "'\"":
            start = i
            while _is_alnum(self.at(i)) or self.at(i) in ".-":
                i += 1
            if self.at(i) not in _SPACE and self.at(i) != ">":
                raise self.fail(f"Unexpected end of name token at byte offset {self.byte_offset(start)}")
            return self.text[start:i].lower(), i
        i += 1
        chars: list[str] = []
        while self.at(i) != quote and self.at(i) != "\0":
            if self.at(i) == "&":
                decoded = self.decode_entity(i)
                if decoded is not None:
                    chars.append(decoded[0])
                    i = decoded[1]
                    continue
            chars.append(self.text[i])
            i += 1
        if self.at(i) == quote:
            i += 1
        return "".join(chars), i

    def end_tag(self) -> None:
        begin = self.i
        offset = self.byte_offset(begin)
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {offset}")
        i = begin + 2
        while self.at(i) not in _SPACE and self.at(i) != ">":
            i += 1
        end_name = self.text[begin + 2 : i].lower()
        while self.at(i) != "\0" and self.at(i) in _SPACE:
            i += 1
        if self.at(i) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {offset}")
        tag, argument, start_utf16, start_out = self.stack[-1]
        if end_name and end_name != tag:
            raise self.fail(f'Unmatched end tag at byte offset {offset}, expected "</{tag}>", found "</{end_name}>"')
        self.i = i + 1
        self.stack.pop()
        if self.utf16 > start_utf16:
            inner = "".join(self.out[start_out:])
            self.add_entity(tag, argument, start_utf16, self.utf16 - start_utf16, inner)

    def add_entity(self, tag: str, argument: str, offset: int, length: int, inner: str) -> None:
        entity: dict[str, Any] = {"offset": offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag in _SIMPLE_TYPES:
            entity["type"] = _SIMPLE_TYPES[tag]
        elif tag == "tg-emoji":
            if not argument.isdigit() or int(argument) == 0:
                raise self.fail("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=argument)
        elif tag == "a":
            url = argument or inner
            if url.startswith("tg://user?id=") and url[13:].isdigit():
                entity.update(type="text_mention", user={"id": int(url[13:]), "is_bot": False, "first_name": ""})
            elif url:
                entity.update(type="text_link", url=url)
            else:
                return
        elif tag == "pre":
            if same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
                return
            entity["type"] = "pre"
        elif tag == "code":
            if same_span and last["type"] == "pre" and argument:
                last["language"] = argument
                return
            entity["type"] = "code"
            if argument:
                entity["language"] = argument
        else:  # blockquote
            entity["type"] = "expandable_blockquote" if argument else "blockquote"
        self.entities.append(entity)


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[9:]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[3:]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    return current


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, Bot API entity dicts) or raise EntityParseError."""
    return _HtmlParser(text, strict_ampersand).parse()


def trim_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading/trailing whitespace like Telegram does, shifting and clipping entities."""
    stripped = text.lstrip(TRIM_CHARS)
    shift = utf16_len(text) - utf16_len(stripped)
    stripped = stripped.rstrip(TRIM_CHARS)
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result
