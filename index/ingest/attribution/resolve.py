"""The people, organisations and groups of one article, and which of them a speaker phrase refers to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .lexicon import GENERIC_ORGS, HONORIFICS, INDEFINITE, ORG_SUFFIXES, SUBJECT_PRONOUNS, THINGS_AND_PLACES
from .model import Speaker
from .places import place_of
from .roles import role_matches
from .sentence import NP
from .tokens import normalize_key

# How many sentences back a pronoun may reach, and which kinds of entity it can mean.
_PRONOUN_WINDOW = {"he": 8, "she": 8, "it": 6, "they": 4}
_PRONOUN_KINDS = {"he": ("person",), "she": ("person",), "it": ("organization",), "they": ("group", "organization")}


@dataclass
class Entity:
    """One referent of the article, with what it was called and how recently it was in focus."""

    key: str
    name: str
    kind: str  # person | organization | group
    aliases: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    gender: str | None = None
    rank: int = 0
    last: int = -1
    speaks: bool = False
    named: bool = True  # False for a speaker known only by a description ("a spokesman")

    def add_alias(self, alias: str) -> None:
        """Remember another way the article calls this entity (case-insensitively new)."""
        if alias and alias.lower() not in (a.lower() for a in self.aliases):
            self.aliases.append(alias)

    def add_descriptions(self, descriptions: Iterable[str]) -> None:
        """Remember role phrases the article used for this entity (case-insensitively new)."""
        for d in descriptions:
            d = d.strip(" ,")
            if d and d.lower() not in (x.lower() for x in self.descriptions):
                self.descriptions.append(d)


class Registry:
    """The people, organisations and groups of one article, with salience for pronouns."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.clock = 0
        self.sentence = 0
        self._speaking = False  # resolving a speaker (not registering a mention)

    def bump(self, ent: Entity) -> None:
        """Make an entity the most salient one, as of the current sentence."""
        self.clock += 1
        ent.rank = self.clock
        ent.last = self.sentence

    def resolve(self, np: NP) -> Entity | None:
        """Map a speaker noun phrase to an entity, creating it when new."""
        self._speaking = True
        try:
            return self._resolve(np)
        finally:
            self._speaking = False

    def _resolve(self, np: NP) -> Entity | None:
        if np.kind == "pronoun":
            return self._pronoun(np.head)
        if np.kind == "speech":
            return self._resolve(np.possessor) if np.possessor else None
        if np.kind == "name":
            return self._name(np)
        if np.kind == "group":
            ent = self._get(normalize_key(" ".join((*np.mods, np.head))), np.core or np.head, "group")
            ent.add_alias(np.core)
            ent.add_alias(np.text)
            ent.add_descriptions([np.text, *np.descriptions])
            return ent
        return self._role(np)

    def observe(self, np: NP) -> Entity | None:
        """Register a name mentioned in a sentence (not as a speaker): people and their descriptions."""
        words = [normalize_key(w) for w in np.name_words if normalize_key(w)]
        if not words:
            return None
        if np.person is True or len(words) >= 2:
            return self._name(np)
        ent = self._person_called(words[0])
        if ent is not None:
            ent.add_descriptions(np.descriptions)
        return ent

    def speakers(self) -> list[Speaker]:
        """The entities that made at least one statement."""
        return [
            Speaker(e.key, self._display(e), e.kind, tuple(e.aliases), tuple(e.descriptions))
            for e in self.entities.values()
            if e.speaks
        ]

    def _get(self, key: str, name: str, kind: str, named: bool = True) -> Entity:
        ent = self.entities.get(key)
        if ent is None:
            ent = self.entities[key] = Entity(key, name, kind, named=named)
        return ent

    def _pronoun(self, pronoun: str) -> Entity | None:
        """The most salient entity of a fitting kind and gender mentioned recently enough."""
        gender = SUBJECT_PRONOUNS[pronoun]
        oldest = self.sentence - _PRONOUN_WINDOW[pronoun]
        best = None
        for ent in self.entities.values():
            if ent.kind not in _PRONOUN_KINDS[pronoun] or ent.last < oldest or ent.last < 0:
                continue
            if gender and ent.gender not in (None, gender):
                continue
            if best is None or ent.rank > best.rank:
                best = ent
        if best is not None and gender and best.gender is None:
            best.gender = gender
        return best

    def _name(self, np: NP) -> Entity:
        words = [normalize_key(w) for w in np.name_words if normalize_key(w)]
        key = " ".join(words)
        if np.person is False:
            ent = self.entities.get(key) or self._get(key, np.text, "organization")
        elif len(words) >= 2:
            ent = self.entities.get(key) or self._person_ending(words) or self._get(key, np.text, "person")
            ent.add_alias(np.name_words[-1])
        else:
            known = self._person_called(key) or self.entities.get(key)
            # a lone capitalized word that speaks is most often a surname ("Maddow said"); acronyms are not
            speaking_person = np.person is None and self._speaking and place_of(key) is None  # "Moscow said"
            kind = "person" if np.person or speaking_person else "organization"
            ent = known if known is not None else self._get(key, np.text, kind)
        ent.add_alias(np.text)
        ent.add_descriptions(np.descriptions)
        if ent.kind == "person" and np.gender and ent.gender is None:
            ent.gender = np.gender
        return ent

    def _person_ending(self, words: list[str]) -> Entity | None:
        """A named person with the same first and last word ("Jane Doe" vs "Jane A. Doe")."""
        for ent in self.entities.values():
            parts = ent.key.split()
            if ent.kind == "person" and ent.named and parts[-1] == words[-1] and parts[0] == words[0]:
                return ent
        return None

    def _person_called(self, word: str) -> Entity | None:
        """The most recent person whose name includes this single word (a surname)."""
        people = [e for e in self.entities.values() if e.kind == "person" and e.named and word in e.key.split()]
        return max(people, key=lambda e: e.rank, default=None)

    def _role(self, np: NP) -> Entity:
        """ "the diplomat", "the alliance leader", "a spokesman", "the ministry"."""
        mods = list(np.mods)
        possessor = np.possessor if np.possessor is not None and np.possessor.kind == "name" else None
        if possessor is not None:
            mods.extend(normalize_key(w) for w in possessor.name_words)
        ent = None if np.det in INDEFINITE else self._described(np.head, mods, np.kind)
        if ent is None and np.kind == "org" and np.head in GENERIC_ORGS and np.det not in INDEFINITE:
            ent = self._latest_named_org()
        if ent is None:
            # "a spokesman" is known only by description; "Doe's lawyer" keeps whose lawyer it is
            label = _possessed(possessor, np) if possessor is not None else " ".join((*np.mods, np.head))
            kind = "organization" if np.kind == "org" else "person"
            ent = self._get(normalize_key(label), label, kind, named=False)
            if np.gender and ent.gender is None:
                ent.gender = np.gender
        ent.add_descriptions([np.text, *np.descriptions])
        return ent

    def _latest_named_org(self) -> Entity | None:
        """The most salient organisation with a name of several words that can be a company ("the company")."""
        orgs = [e for e in self.entities.values() if e.kind == "organization" and e.named and _company_like(e.key)]
        return max(orgs, key=lambda e: e.rank, default=None)

    def _described(self, head: str, mods: list[str], kind: str) -> Entity | None:
        """The most salient entity of the right kind that the article described with a matching role."""
        wanted = "organization" if kind == "org" else "person"
        best = None
        for ent in self.entities.values():
            if ent.kind != wanted:
                continue
            texts = [*ent.descriptions, ent.name] if kind == "org" else ent.descriptions
            if any(role_matches(head, mods, d) for d in texts) and (best is None or ent.rank > best.rank):
                best = ent
        return best

    def _display(self, ent: Entity) -> str:
        if ent.kind == "person" and ent.named:
            return max(ent.aliases, key=lambda a: len(a.split()), default=ent.name)
        return ent.name


def _possessed(possessor: NP, np: NP) -> str:
    """ "Mr. Doe's party" -> "Doe's party": whose role it is, without titles."""
    owner = " ".join(w for w in possessor.name_words if normalize_key(w) not in HONORIFICS)
    return f"{owner or possessor.text}'s {' '.join((*np.mods, np.head))}"


def _company_like(key: str) -> bool:
    """A name of several words that is not a place or a thing ("North America"), unless an org word ends it."""
    words = key.split()
    return len(words) > 1 and (words[-1] in ORG_SUFFIXES or not any(w in THINGS_AND_PLACES for w in words))
