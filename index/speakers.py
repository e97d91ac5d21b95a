"""A directory of the speakers of a whole corpus, and matching of the phrases questions use to name them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from index.attribution import (
    GROUP_NOUNS,
    ORG_NOUNS,
    PERSON_ROLES,
    Speaker,
    normalize_key,
    role_head,
    role_matches,
    same_word,
)

# Words before a speaker phrase that do not help to tell who is meant.
_LEADING = frozenset(
    ["the", "a", "an", "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "some", "many", "most", "several"]
)


class SpeakerDirectory:
    """Speakers of all articles, merged by key, that question phrases can be matched against."""

    def __init__(self, speakers: Iterable[Speaker]) -> None:
        self._speakers: dict[str, Speaker] = {}
        for speaker in speakers:
            known = self._speakers.get(speaker.key)
            self._speakers[speaker.key] = _merge(known, speaker) if known else speaker
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
        while words and words[0] in _LEADING:
            words = words[1:]
        if not words:
            return []
        for attempt in (self._by_name, self._by_titled_name, self._by_group, self._by_role):
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
            for key in self._aliases.get(words[-1], []):
                if key == words[-1] and self._speakers[key].kind == "person" and key not in keys:
                    keys.append(key)
        return keys

    def _by_titled_name(self, words: list[str]) -> list[str]:
        """ "President Doe", "Foreign Minister Jane Doe": drop the title words before the name."""
        roles = [i for i, w in enumerate(words) if w in PERSON_ROLES]
        if not roles or roles[-1] == len(words) - 1:
            return []
        keys = self._by_name(words[roles[-1] + 1 :])
        return [k for k in keys if self._speakers[k].kind == "person"]

    def _by_group(self, words: list[str]) -> list[str]:
        """ "critics", "Western officials": groups with that head noun and those modifiers."""
        head, mods = words[-1], words[:-1]
        if head not in GROUP_NOUNS:
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

    def _by_role(self, words: list[str]) -> list[str]:
        """ "the deputy envoy", "the Italian president", "the ministry": speakers with such a description."""
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
            if any(role_matches(head, mods, text) for text in texts):
                found.append(key)
        return found


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
