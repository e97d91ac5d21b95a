"""Tokens of a quote-masked sentence, what a name token looks like, and the canonical key of a name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .lexicon import NAME_PARTICLES, OF_NAMES

QUOTE_MARK = "\ue000"  # stands for one whole quotation in the masked sentence
_TOKEN_RE = re.compile(
    rf"(?P<q>{QUOTE_MARK})"
    r"|(?P<a>\b(?:Mrs?|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Rev|Hon|St|Jr|Sr)\.|\b(?:[A-Z]\.){2,}"
    r"|\b[A-Z]\.(?=\s+[A-Z]))"
    r"|(?P<w>[^\W_]+(?:[-'’.&][^\W_]+)*)"
    r"|(?P<p>[^\s\w])"
)
_POSSESSIVE_END = re.compile(r"['’][sS]$")
_DROP_CHARS = re.compile(r"[^\w\s-]")


@dataclass(slots=True)
class Tok:
    """One token and its character span in the masked sentence."""

    text: str
    low: str
    kind: str  # w word, a abbreviation/initials, s possessive 's, q quotation, p punctuation
    start: int
    end: int


def tokenize(masked: str) -> list[Tok]:
    """Split a masked sentence into tokens, with a possessive 's as a token of its own."""
    toks: list[Tok] = []
    for m in _TOKEN_RE.finditer(masked):
        kind = m.lastgroup or "p"
        text = m.group()
        if kind == "w" and len(text) > 2 and _POSSESSIVE_END.search(text):
            toks.append(Tok(text[:-2], text[:-2].lower(), "w", m.start(), m.end() - 2))
            toks.append(Tok(text[-2:], "'s", "s", m.end() - 2, m.end()))
            continue
        if kind == "p" and text in "’'" and toks and toks[-1].kind == "w" and toks[-1].low.endswith("s"):
            kind = "s"
        toks.append(Tok(text, text.lower(), kind, m.start(), m.end()))
    return toks


def is_name_token(tok: Tok) -> bool:
    """A capitalized word (every hyphenated part), an initial or a title abbreviation, or "al-Name"."""
    if tok.kind == "a":
        return True
    if tok.kind != "w":
        return False
    text = tok.text
    if not text[0].isupper():
        return text[:3] in ("al-", "el-") and len(text) > 3 and text[3].isupper()
    return all(part[:1].isupper() for part in text.split("-"))


def is_acronym(tok: Tok) -> bool:
    """All capitals, at least two letters: "NATO", "U.N."."""
    letters = tok.text.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def joins_name(toks: list[Tok], j: int) -> bool:
    """Whether toks[j] can continue a name: "de", "van", or "of" after "Bank", "Secretary", ..."""
    return toks[j].low in NAME_PARTICLES or (toks[j].low == "of" and toks[j - 1].low in OF_NAMES)


def normalize_key(text: str) -> str:
    """Return the canonical lowercase form of a name or phrase: no accents, possessives or punctuation."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'").lower()
    text = re.sub(r"'s\b", "", text).replace(".", "")
    return " ".join(_DROP_CHARS.sub(" ", text).split())
