"""The speakers of a whole corpus, and the phrases questions use to name them: what kind of phrase, and who."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from ..ingest.attribution import (
    DESCRIPTION_END,
    GROUP_NOUNS,
    HONORIFICS,
    LEADING_WORDS,
    NAME_SUFFIXES,
    ORG_NOUNS,
    PERSON_ROLES,
    SHARED_SEATS,
    Speaker,
    normalize_key,
    place_of,
    role_head,
    role_matches,
    same_first_name,
    same_place,
    same_word,
)

# Phrases that cannot name a speaker: they start with a pronoun or end on a determiner or preposition.
_NOT_SPEAKERS = frozenset(
    [
        "it",
        "this",
        "that",
        "these",
        "those",
        "there",
        "he",
        "she",
        "they",
        "you",
        "i",
        "we",
        "anyone",
        "anybody",
        "someone",
        "somebody",
        "everyone",
        "everybody",
        "people",
        "nobody",
        "one",
    ]
)
_DETERMINERS = frozenset(["the", "a", "an", "this", "that", "these", "those"])
_DANGLING = _DETERMINERS | frozenset(["of", "in", "on", "for", "and", "to", "with"])
MAX_SPEAKER_WORDS = 8


def speaker_phrase_kind(phrase: str) -> str | None:
    """Classify the phrase a question uses for a speaker, or None when it cannot name anyone.

    "name" (capitalised words: "Jane Doe", "the Kremlin"), "role" ("the deputy envoy", "the ministry"), "group"
    ("critics", "Western officials"), or "words" (lowercase words that may be a name typed in lower case, "doe").
    A determiner with anything else ("the report", "this plan") and pronouns ("it", "they") name nobody.
    """
    words = phrase.strip(" ,").split()
    if not words or len(words) > MAX_SPEAKER_WORDS:
        return None
    last = re.sub(r"['’]s?$", "", words[-1].lower())
    if words[0].lower() in _NOT_SPEAKERS or last in _DANGLING:
        return None
    core = [w for w in words if w.lower().rstrip(".") not in LEADING_WORDS] or words
    lowered = [re.sub(r"['’]s?$", "", w.lower()) for w in core]
    if all(w[:1].isupper() for w in core):
        return "name"
    if lowered[-1] in GROUP_NOUNS:
        return "group"
    if role_head(lowered) is not None:
        return "role"
    return None if words[0].lower() in _DETERMINERS else "words"


class SpeakerDirectory:
    """Speakers of all articles, merged by key, that question phrases can be matched against."""

    def __init__(self, speakers: Iterable[Speaker]) -> None:
        self._speakers: dict[str, Speaker] = {}
        self._articles: Counter[str] = Counter()  # how many articles quote each speaker
        for speaker in speakers:
            known = self._speakers.get(speaker.key)
            self._speakers[speaker.key] = _merge(known, speaker) if known else speaker
            self._articles[speaker.key] += 1
        self._places: dict[str, list[str]] = {}
        for key, speaker in self._speakers.items():
            place = _place_key(speaker)
            if place is not None:
                self._places.setdefault(place, []).append(key)
        self._aliases: dict[str, list[str]] = {}
        for key, speaker in self._speakers.items():
            for alias in {key, *(normalize_key(a) for a in speaker.aliases)}:
                self._aliases.setdefault(alias, []).append(key)

    def __iter__(self) -> Iterator[Speaker]:
        return iter(self._speakers.values())

    def __len__(self) -> int:
        return len(self._speakers)

    def __contains__(self, key: object) -> bool:
        return key in self._speakers

    def get(self, key: str) -> Speaker:
        """Return the speaker with this key (KeyError when there is none)."""
        return self._speakers[key]

    def match(self, phrase: str) -> list[str]:
        """Return the keys of the speakers a question phrase names; empty when it names nobody known."""
        words = normalize_key(phrase).split()
        while words and words[0] in LEADING_WORDS:
            words = words[1:]
        if not words:
            return []
        for attempt in (
            self._by_place,
            self._by_name,
            self._by_titled_name,
            self._by_variant,
            self._by_group,
            self._by_role,
        ):
            keys = attempt(words)
            if keys:
                return keys
        if "and" in words[1:-1]:
            return self._by_parts(words)
        return []

    def _by_parts(self, words: list[str]) -> list[str]:
        """ "Doe and Roe": everyone named, but only when each part names someone."""
        cut = words.index("and")
        first, second = self.match(" ".join(words[:cut])), self.match(" ".join(words[cut + 1 :]))
        if not first or not second:
            return []
        return first + [k for k in second if k not in first]

    def _by_name(self, words: list[str]) -> list[str]:
        """Full name, surname or other alias; a full name also finds people known only by that surname."""
        keys = list(self._aliases.get(" ".join(words), []))
        if keys and len(words) >= 2:
            keys.extend(k for k in self._by_variant(words) if k not in keys)
            surname = words[-1]
            known = self._speakers.get(surname)
            if known is not None and known.kind == "person" and surname not in keys and self._bears(keys, surname):
                keys.append(surname)
        return keys

    def _bears(self, keys: list[str], surname: str) -> bool:
        """Whether the person named is the corpus's usual bearer of a surname that articles use alone.

        "Clinton said" in an article that never gives a first name means the Clinton most articles quote: the asked
        person must be quoted in at least three times as many articles as anyone else of that surname.
        """
        mine = sum(self._articles[k] for k in keys)
        others = [
            self._articles[k]
            for k, sp in self._speakers.items()
            if k not in keys and k != surname and sp.kind == "person" and k.split()[-1] == surname
        ]
        return mine >= 3 * max(others, default=0)

    def _by_titled_name(self, words: list[str]) -> list[str]:
        """ "President Doe", "Texas Sen. Jane Doe", "Chief Doe": drop the words before a name the corpus knows."""
        for cut in range(1, len(words)):
            rest = words[cut:]
            titled = any(w in PERSON_ROLES or w in HONORIFICS for w in words[:cut])
            if len(rest) < 2 and not titled:
                continue
            keys = [k for k in self._by_name(rest) or self._by_variant(rest) if self._speakers[k].kind == "person"]
            if len(keys) > 1 and len(rest) == 1:  # "Chief Doe" among several Does: the one described so
                described = [k for k in keys if _described_as(self._speakers[k], words[:cut])]
                keys = described or keys
            if keys:
                return keys
        return []

    def _by_variant(self, words: list[str]) -> list[str]:
        """ "Joe Doe" for "Joseph R. Doe Jr.": same surname, a first name that is the same or a nickname of it."""
        if len(words) < 2:
            return []
        first, last = words[0], words[-1]
        found = []
        for key, speaker in self._speakers.items():
            parts = [w for w in key.split() if w not in NAME_SUFFIXES]
            if speaker.kind != "person" or len(parts) < 2 or parts[-1] != last or key in found:
                continue
            if same_first_name(first, parts[0]):
                found.append(key)
        return found

    def _by_group(self, words: list[str]) -> list[str]:
        """ "critics", "Western officials", "the strategists": groups with that head noun and those modifiers."""
        head, mods = words[-1], words[:-1]
        if head not in GROUP_NOUNS and not head.endswith("s"):
            return []
        found = []
        for key, speaker in self._speakers.items():
            key_words = key.split()
            if (
                speaker.kind == "group"
                and key_words[-1] == head
                and all(any(same_word(m, w) for w in key_words) for m in mods)
            ):
                found.append(key)
        return found

    def _by_place(self, words: list[str]) -> list[str]:
        """ "Moscow", "the Kremlin", "Russia": every speaker that names the same state, as the article wrote it."""
        place = place_of(" ".join(words))
        if place is None:
            return []
        keys = [k for k in self._aliases.get(" ".join(words), []) if self._speakers[k].kind != "person"]
        return keys + [k for k in self._places.get(place, []) if k not in keys]

    def _by_role(self, words: list[str]) -> list[str]:
        """ "the deputy envoy", "the Italian president", "Germany's envoy to the UN": speakers so described."""
        words, tail = _split_tail(words)
        parsed = role_head(words)
        if parsed is None:
            return []
        head, mods = parsed
        wants_org = head in ORG_NOUNS and head not in PERSON_ROLES
        found = []
        for key, speaker in self._speakers.items():
            if (speaker.kind == "organization") != wants_org or speaker.kind == "group":
                continue
            texts = list(speaker.descriptions)
            if speaker.kind == "organization":
                texts.append(speaker.name)
            if any(role_matches(head, mods, text) and _has_tail(tail, text) for text in texts):
                found.append(key)
        return found


def _split_tail(words: list[str]) -> tuple[list[str], list[str]]:
    """ "germany ambassador to the un" -> (["germany", "ambassador"], ["un"]): the role, and what it is of/to."""
    for i in range(len(words) - 1, 0, -1):
        if words[i] in DESCRIPTION_END and role_head(words[:i]) is not None:
            return words[:i], [w for w in words[i + 1 :] if w not in LEADING_WORDS and w not in DESCRIPTION_END]
    return words, []


def _has_tail(tail: list[str], description: str) -> bool:
    """Every word of the question's "to the UN" / "of Germany" is in the description (or names the same state)."""
    words = normalize_key(description).split()
    return all(any(same_word(t, w) or same_place(t, w) for w in words) for t in tail)


def _place_key(speaker: Speaker) -> str | None:
    """The state or bloc a speaker that is no person stands for ("moscow" -> RUS; "brussels" by its article)."""
    if speaker.kind == "person":
        return None
    found = place_of(speaker.key)
    if found is None and speaker.key in SHARED_SEATS:
        found = next((place_of(d) for d in speaker.descriptions if place_of(d)), None)
    return found


def _described_as(speaker: Speaker, title: list[str]) -> bool:
    """Whether a speaker's descriptions or aliases carry the title words of a question ("chief")."""
    words = {w for d in (*speaker.descriptions, *speaker.aliases) for w in normalize_key(d).split()}
    return any(w in words for w in title if w in PERSON_ROLES or w in HONORIFICS)


def _merge(a: Speaker, b: Speaker) -> Speaker:
    """Union of two records of the same speaker, keeping the first-seen order."""
    name = max((a.name, b.name), key=lambda n: len(n.split()))
    return Speaker(
        key=a.key,
        name=name,
        kind=a.kind,
        aliases=_union(a.aliases, b.aliases),
        descriptions=_union(a.descriptions, b.descriptions),
    )


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    merged = list(first)
    seen = {x.lower() for x in first}
    for x in second:
        if x.lower() not in seen:
            seen.add(x.lower())
            merged.append(x)
    return tuple(merged)
