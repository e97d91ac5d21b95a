"""Matching role phrases ("the diplomat", "the NORDA leader") to the descriptions an article gave someone."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from .lexicon import COMPOUND_ROLES, DESCRIPTION_END, ORG_NOUNS, PERSON_ROLES, ROLE_FAMILIES, SOFT_MODIFIERS
from .places import same_place
from .tokens import normalize_key


def role_head(tokens: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
    """Split lowercase tokens of a role phrase into (head, modifiers) when the last word is a role/org noun."""
    if not tokens:
        return None
    last = tokens[-1]
    if len(tokens) >= 2 and (tokens[-2], last) in COMPOUND_ROLES:
        return COMPOUND_ROLES[(tokens[-2], last)], tuple(tokens[:-2])
    if last in PERSON_ROLES or last in ORG_NOUNS:
        return last, tuple(tokens[:-1])
    return None


def role_matches(head: str, modifiers: Sequence[str], description: str) -> bool:
    """Tell whether a role phrase (head noun + modifiers) can refer to someone with this description."""
    words = normalize_key(description).split()
    if not words:
        return False
    family = ROLE_FAMILIES.get(head, set()) | {head}
    core = _description_core(words)
    if not any(core[-len(member.split()) :] == member.split() for member in family):
        return False
    if "vice" in words and "vice" not in modifiers and head != "vice president":
        return False
    phrases = words + [f"{a} {b}" for a, b in pairwise(words)]  # "white house"
    # "Germany's ambassador" is "Berlin's ambassador": a state and its seat of government are one modifier
    return all(
        m in SOFT_MODIFIERS or any(same_word(m, w) for w in words) or any(same_place(m, w) for w in phrases)
        for m in modifiers
    )


def _description_core(words: list[str]) -> list[str]:
    """The description up to its head noun: "chief executive of the firm" -> "chief executive"."""
    for i, word in enumerate(words):
        if i and word in DESCRIPTION_END:
            return words[:i]
    return words


def same_word(a: str, b: str) -> bool:
    """Equal, or sharing a stem ("italian"/"italy", "chinese"/"china")."""
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and common >= min(len(a), len(b)) - 3
