"""Headline sentences in Title Case: lowercase the words the article itself writes in lowercase elsewhere."""

from __future__ import annotations

import re
from collections import Counter

from .lexicon import ADVERBS, CUES, FUNCTION_WORDS

_WORD = re.compile(r"[A-Za-z][a-z’'-]*")
_LOWERABLE = FUNCTION_WORDS | ADVERBS | frozenset(CUES)


class Casing:
    """How an article writes each word: counts of lowercase and capitalized uses."""

    def __init__(self, text: str) -> None:
        self.lower: Counter[str] = Counter()
        self.upper: Counter[str] = Counter()
        for m in _WORD.finditer(text):
            w = m.group()
            if w[0].islower():
                self.lower[w] += 1
            else:
                self.upper[w.lower()] += 1

    def recase(self, masked: str) -> str:
        """Return a Title Case sentence with common words lowercased (same length); other sentences unchanged."""
        if not is_title_case(masked):
            return masked
        return _WORD.sub(self._word, masked)

    def _word(self, m: re.Match[str]) -> str:
        w = m.group()
        if not w[0].isupper() or (w.isupper() and len(w) > 1) or any(c.isupper() for c in w[1:]):
            return w
        low = w.lower()
        if low in _LOWERABLE or self.lower[low] >= max(1, self.upper[low] - self.lower[low]):
            return low
        return w


def is_title_case(sentence: str) -> bool:
    """Most longer words capitalized: "Senator Joked About The Vote", not "Senator Jane Doe said"."""
    words = [w for w in _WORD.findall(sentence) if len(w) >= 4 and not w.isupper()]
    if len(words) < 2:
        return False
    capitalized = sum(1 for w in words if w[0].isupper())
    return capitalized >= 0.8 * len(words) and any(w[0].isupper() and w.lower() in _LOWERABLE for w in words)
