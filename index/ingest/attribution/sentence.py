"""A quote-masked sentence as tokens, and the noun phrase record the parsers build over it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .lexicon import FEMALE_ROLES, MALE_ROLES
from .tokens import tokenize


@dataclass
class NP:
    """A noun phrase over tokens [start, end) that may name a speaker."""

    kind: str  # pronoun | name | role | org | group | speech
    start: int
    end: int
    text: str
    head: str = ""
    mods: tuple[str, ...] = ()
    det: str | None = None
    gender: str | None = None
    person: bool | None = None  # for names: True person, False organisation, None unknown
    name_words: tuple[str, ...] = ()
    descriptions: list[str] = field(default_factory=list)
    possessor: NP | None = None
    after_prep: str | None = None
    core: str = ""  # the phrase without article or possessor: "Western backers"
    guessed: bool = False  # headed by a noun from no word list ("the librarian"): speaks only with a clear cue


class Sentence:
    """A tokenized, quote-masked sentence."""

    def __init__(self, masked: str) -> None:
        self.masked = masked
        self.toks = tokenize(masked)

    def surface(self, a: int, b: int) -> str:
        """The text of tokens [a, b) as written."""
        if a >= b:
            return ""
        return self.masked[self.toks[a].start : self.toks[b - 1].end]

    def low(self, i: int) -> str:
        """The lowercase token at i, or "" outside the sentence."""
        return self.toks[i].low if 0 <= i < len(self.toks) else ""

    def chunk_start(self, comma: int) -> int:
        """Index of the first token of the comma-delimited chunk that ends just before toks[comma]."""
        i = comma - 1
        while i >= 0 and self.toks[i].text not in ",;:" and self.toks[i].kind != "q":
            i -= 1
        return i + 1

    def chunk_end(self, start: int) -> int:
        """Index just after the chunk that starts at toks[start] (up to a comma, clause mark or quotation)."""
        i = start
        while i < len(self.toks) and self.toks[i].text not in ",;:.!?" and self.toks[i].kind != "q":
            i += 1
        return i


def role_gender(word: str) -> str | None:
    """ "spokeswoman" -> female, "chairman" -> male, other roles -> None."""
    return "female" if word in FEMALE_ROLES else "male" if word in MALE_ROLES else None
