"""Match names written in Cyrillic to the Latin-script names of the corpus: transliteration plus a fuzzy rule.

The rule: both names are transliterated to ASCII (anyascii) and reduced to a spelling skeleton that erases the
differences between romanisation systems (ya/ia/ja -> a, yu/iu/ju -> u, y/j -> i, kh -> h, ts/tz -> z, w -> v,
c/ck/q -> k, ph -> f, doubled letters once). Two names match when their skeletons are equal, or, for skeletons of
at least five letters that start alike, one edit apart (Levenshtein distance 1). So Полянский (Polyanskiy),
Polyansky and Polianskyi all reduce to "polanski", Рютте (Ryutte) and Rutte to "rute", Зеленский and Zelenskyy to
"zelenski", Трамп (Tramp) is one edit from Trump.
"""

from __future__ import annotations

import re

from anyascii import anyascii
from rapidfuzz.distance import Levenshtein

# Applied in order; each pair is (pattern, replacement) over lowercase ASCII letters.
_RULES = [
    (re.compile(r"shch|sch"), "sh"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"tz|ts"), "z"),
    (re.compile(r"ck|c|q"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"w"), "v"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"j"), "y"),
    (re.compile(r"[yi]([aeuo])"), r"\1"),  # ya, ia, ja -> a; yu, iu -> u; ye, ie -> e; yo, io -> o
    (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
]
MIN_FUZZY = 5  # skeletons this long may differ by one edit


def skeleton(name: str) -> str:
    """Return the romanisation-independent spelling skeleton of a name (any script)."""
    text = re.sub(r"[^a-z]", "", anyascii(name).lower())
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def same_name(a: str, b: str) -> bool:
    """Tell whether two single-word names are the same name in different scripts or romanisations."""
    x, y = skeleton(a), skeleton(b)
    if not x or not y:
        return False
    if x == y:
        return True
    return x[0] == y[0] and min(len(x), len(y)) >= MIN_FUZZY and Levenshtein.distance(x, y) <= 1


def has_cyrillic(text: str) -> bool:
    """Tell whether a text contains Cyrillic letters."""
    return re.search(r"[\u0400-\u04ff]", text) is not None
