"""Russian and Ukrainian speaker questions: "Что сказал X?", "Что X сказал о Y?", "О чём предупредил дипломат?",
"Що X сказав про Y?", with case endings undone by pymorphy3 and the speaker phrase put into English words."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .slavic_lexicon import (
    ACCORDING_TO,
    FILLERS,
    GROUPS,
    METONYMS,
    MODIFIERS,
    PLACES,
    POLITE,
    QUESTION_WORDS,
    REPORTING_VERBS,
    ROLES,
    TOPIC_PAIRS,
    TOPIC_PREPOSITIONS,
    words,
)
from .translit import has_cyrillic, same_name, skeleton

LANGUAGES = ("ru", "uk")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+")
# Verbs that only mean "say": without an object the question asks for everything the speaker said.
_SAY_LIKE = words("say state tell note emphasize add reply explain write claim think comment")
# Verbs whose direct object is the topic ("В чём Москва обвиняет США?").
_OBJECT_TOPIC = words("accuse criticize condemn call urge threaten warn propose demand promise predict")
_PREPOSITIONS = words("в во на при из с со к по от для у до за над под між біля")


@dataclass(frozen=True)
class Token:
    """A word of the question with its place in the text."""

    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        """Lower-case form."""
        return self.text.lower().replace("ё", "е").replace("’", "'")


@dataclass(frozen=True)
class SlavicQuestion:
    """A Russian or Ukrainian speaker question: speaker words, topic text (None: everything), English verb."""

    speaker: tuple[Token, ...]
    topic: str | None
    topic_is_english: bool
    verb: str


@functools.cache
def analyzer(lang: str) -> Any:
    """Return the pymorphy3 analyser of a language (loaded once, ~0.3 s)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def _parses(word: str, lang: str) -> list[Any]:
    """Parses in the question's language, then in the other one (a short question may be detected wrongly)."""
    first = analyzer(lang).parse(word)
    known = [p for p in first if p.is_known]
    if known:
        return first
    other = analyzer("uk" if lang == "ru" else "ru").parse(word)
    return first + [p for p in other if p.is_known]


def lemmas(word: str, lang: str) -> list[str]:
    """The word and its possible normal forms, most likely first."""
    low = word.lower().replace("ё", "е")
    found = [low]
    for p in _parses(low, lang)[:4]:
        form = p.normal_form.replace("ё", "е")
        if form not in found:
            found.append(form)
    return found


def _verb(token: Token, lang: str) -> str | None:
    for p in _parses(token.low, lang):
        if {"VERB", "INFN"} & set(p.tag.grammemes) or str(p.tag).startswith("VERB"):
            english = REPORTING_VERBS.get(p.normal_form.replace("ё", "е"))
            if english:
                return english
    return None


def tokens(text: str) -> list[Token]:
    """Split a question into word tokens with their offsets."""
    return [Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def parse_slavic(text: str, lang: str) -> SlavicQuestion | None:
    """Recognise a Russian/Ukrainian speaker question; None when it is not one (a topic question)."""
    toks = tokens(text)
    while toks and toks[0].low in POLITE:
        toks = toks[1:]
    if len(toks) >= 2 and (toks[0].low, toks[1].low) in ACCORDING_TO:
        return _according(text, toks[2:], lang)
    start = _question_start(toks)
    if start is None:
        return None
    for v in range(start, len(toks)):
        verb = _verb(toks[v], lang)
        if verb is None:
            continue
        before = [t for t in toks[start:v] if t.low not in FILLERS]
        after, topic = _split_topic(text, toks[v + 1 :], react=verb in ("react", "reply"))
        after = [t for t in after if t.low not in FILLERS]
        if before and _can_name(before, lang):
            speaker, rest = before, after
        elif after and _can_name(after, lang):
            speaker, rest = after, []
        else:
            continue
        if topic is None and rest and verb in _OBJECT_TOPIC:
            topic = text[rest[0].start : rest[-1].end]
        if topic is None and verb not in _SAY_LIKE:
            return SlavicQuestion(tuple(speaker), verb, True, verb)
        return SlavicQuestion(tuple(speaker), topic, False, verb)
    return None


def _question_start(toks: list[Token]) -> int | None:
    """Index after the question word ("что", "о чём", "про що", "в чём"), or None when there is none."""
    if toks and toks[0].low in QUESTION_WORDS:
        return 1
    if len(toks) >= 2 and toks[1].low in QUESTION_WORDS and toks[0].low in TOPIC_PREPOSITIONS | {"в", "у", "на"}:
        return 2
    return None


def _split_topic(text: str, rest: list[Token], react: bool = False) -> tuple[list[Token], str | None]:
    """Split the words after the verb at the topic preposition: (words before it, topic text or None)."""
    for i, tok in enumerate(rest):
        pair = (tok.low, rest[i + 1].low) if i + 1 < len(rest) else None
        if (tok.low in TOPIC_PREPOSITIONS or (react and tok.low == "на")) and i + 1 < len(rest):
            return rest[:i], _topic_text(text, rest[i + 1].start)
        if pair in TOPIC_PAIRS and i + 2 < len(rest):
            return rest[:i], _topic_text(text, rest[i + 2].start)
    return rest, None


def _topic_text(text: str, start: int) -> str | None:
    topic = text[start:].strip(" ?!.,«»\"'")
    return topic or None


def _according(text: str, toks: list[Token], lang: str) -> SlavicQuestion | None:
    """ "По словам X, ...": X is the speaker up to the comma, the rest is the topic."""
    comma = text.find(",", toks[0].start if toks else 0)
    speaker = [t for t in toks if comma < 0 or t.end <= comma]
    if not speaker or not _can_name(speaker, lang):
        return None
    topic = text[comma + 1 :].strip(" ?!.,") if comma >= 0 else None
    return SlavicQuestion(tuple(speaker), topic or None, False, "say")


def _can_name(words: list[Token], lang: str) -> bool:
    """Whether the words can name a speaker: a capitalised name, a known role, group or place; no pronoun first."""
    first = words[0]
    if len(words) > 6:
        return False
    tags = _parses(first.low, lang)[0].tag
    if "NPRO" in tags or first.low in QUESTION_WORDS:
        return False
    if first.text[:1].isupper() or not has_cyrillic(first.text):
        return True
    known = ROLES.keys() | GROUPS.keys() | MODIFIERS.keys() | PLACES.keys()
    return any(form in known for w in words for form in lemmas(w.text, lang))


def english_speaker(words: Iterable[Token], lang: str, names: Iterable[str]) -> list[str]:
    """Put a Russian/Ukrainian speaker phrase into English phrases the speaker directory can match, best first.

    Names are matched to the directory's own spellings (names), roles and places come from the lexicon; Russian
    word order (head, then genitive modifiers) becomes English order (modifiers, then head).
    """
    known = sorted({w for n in names for w in n.split() if w[:1].isalpha()}, key=len, reverse=True)
    mods: list[str] = []
    heads: list[str] = []
    name: list[str] = []
    for word in words:
        if word.low in _PREPOSITIONS:
            continue
        english, kind = _english_word(word, lang, known)
        if kind == "name":
            name.append(english)
        elif kind in ("role", "group") and not heads:
            heads.append(english)
        else:
            mods.append(english)
    phrase = " ".join([*mods, *heads, *name])
    out = [phrase]
    if name and (mods or heads):
        out.append(" ".join(name))  # "президент Путин" -> also plain "Putin"
    if heads:
        article = "" if heads[0] in GROUPS.values() else "the "
        out.insert(0, article + phrase)
        # a country for its capital or seat of government and back ("постпред России" = "Moscow's envoy")
        for i, mod in enumerate(mods):
            for other in METONYMS.get(mod, ()):
                out.append(article + " ".join([*mods[:i], other, *mods[i + 1 :], *heads, *name]))
    return out


def _english_word(word: Token, lang: str, known: list[str]) -> tuple[str, str]:
    """One word in English and what it is: name, role, group, modifier or place."""
    if not has_cyrillic(word.text):
        return word.text, "name"
    forms = lemmas(word.text, lang)
    plural = any("plur" in p.tag for p in _parses(word.low, lang)[:1])
    for form in forms:
        if form in PLACES:
            return PLACES[form], "place"
        if plural and form in GROUPS:
            return GROUPS[form], "group"
        if form in ROLES:
            return ROLES[form], "role"
        if form in GROUPS:
            return GROUPS[form], "group"
        if form in MODIFIERS:
            return MODIFIERS[form], "modifier"
    exact = [k for k in known for f in forms if skeleton(f) == skeleton(k)]
    fuzzy = exact or [k for k in known for f in forms if same_name(f, k)]
    if fuzzy:
        return fuzzy[0], "name"
    from anyascii import anyascii

    nominative = forms[1] if len(forms) > 1 and word.text[:1].isupper() else forms[0]
    return re.sub(r"[^A-Za-z-]", "", anyascii(nominative)).title(), "name"
