"""Capitalized names with the titles before them: "Italian President Jane Doe", "the Health Ministry"."""

from __future__ import annotations

from functools import lru_cache

from nicknames import NickNamer

from .lexicon import (
    ADVERBS,
    CUES,
    FUNCTION_WORDS,
    HONORIFICS,
    NON_SPEAKERS,
    NOT_NOUNS,
    NOT_PERSON,
    ORG_SUFFIXES,
    PERSON_ROLES,
    TIME_WORDS,
)
from .sentence import NP, Sentence, role_gender
from .tokens import Tok, is_acronym, is_name_token, joins_name


def name_phrase(sent: Sentence, end: int) -> NP | None:
    """The name whose last token is toks[end - 1], with the titles and roles before it."""
    toks = sent.toks
    p = end - 1
    while p > 0 and (is_name_token(toks[p - 1]) or (p >= 2 and joins_name(toks, p - 1) and is_name_token(toks[p - 2]))):
        p -= 1
    while p < end and (
        toks[p].low in FUNCTION_WORDS or toks[p].low in TIME_WORDS or toks[p].low in ADVERBS or toks[p].low in NOT_NOUNS
    ):
        p += 1
    if p >= end:
        return None
    run = toks[p:end]
    det = "the" if sent.low(p - 1) == "the" else None
    roles = [i for i, t in enumerate(run) if t.low in PERSON_ROLES or t.low.rstrip(".") in HONORIFICS]
    last_role = roles[-1] if roles else -1
    if 0 <= last_role < len(run) - 2 and run[last_role + 1].low == "of":
        last_role += 2  # "Secretary of State Jane Doe"
    pre = run[: last_role + 1]
    name = [t for t in run[last_role + 1 :] if t.low.rstrip(".") not in HONORIFICS]
    if not name or (len(run) == 1 and run[0].low in NON_SPEAKERS):
        return None
    start = p - 1 if det else p
    np = NP("name", start, end, " ".join(t.text for t in name), det=det, name_words=tuple(t.text for t in name))
    np.gender = _title_gender(pre)
    _add_pre_roles(np, pre)
    np.person = _personhood(np, name, pre)
    if p > 0 and toks[p - 1].low in PERSON_ROLES and not is_name_token(toks[p - 1]):
        _lowercase_pre_role(sent, np, p)
    return np


def org_name(start: int, end: int, run: list[Tok], det: str | None) -> NP:
    """An organisation's proper name such as "the Health Ministry"."""
    text = " ".join(t.text for t in run)
    return NP("name", start, end, text, det=det, person=False, name_words=tuple(t.text for t in run))


def _title_gender(pre: list[Tok]) -> str | None:
    for t in pre:
        low = t.low.rstrip(".")
        gender = HONORIFICS.get(low) or role_gender(low)
        if gender:
            return gender
    return None


def _add_pre_roles(np: NP, pre: list[Tok]) -> None:
    """Keep "Italian President" and "President" from "Italian President Jane Doe"."""
    titled = [t for t in pre if t.low.rstrip(".") not in HONORIFICS]
    if not titled:
        return
    np.descriptions.append(" ".join(t.text for t in titled))
    first_role = next((i for i, t in enumerate(titled) if t.low in PERSON_ROLES), 0)
    if first_role > 0:
        np.descriptions.append(" ".join(t.text for t in titled[first_role:]))


def _personhood(np: NP, name: list[Tok], pre: list[Tok]) -> bool | None:
    """True for a person, False for an organisation or a thing, None when the name alone cannot tell."""
    if any(is_acronym(t) for t in name) or name[-1].low in ORG_SUFFIXES:
        return False
    if pre:
        return True
    if np.det == "the":
        return False  # "the Pentagon", "the White House"
    if len(name) >= 2:
        return not any(t.low in NOT_PERSON or not t.text[0].isalpha() for t in name)
    return None


def _lowercase_pre_role(sent: Sentence, np: NP, p: int) -> None:
    """ "company spokeswoman Jane Doe": the lowercase role before a name is a description."""
    q = p - 1
    while q > 0 and p - q < 4:
        t = sent.toks[q - 1]
        if t.kind not in ("w", "a") or t.low in FUNCTION_WORDS or t.low in CUES:
            break
        q -= 1
    np.descriptions.append(sent.surface(q, p))
    np.gender = np.gender or role_gender(sent.toks[p - 1].low)
    np.person = True
    np.start = q


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def same_first_name(a: str, b: str) -> bool:
    """ "joe" and "joseph", "tom" and "thomas": equal, or one a nickname of the other (lowercase)."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]  # an initial
    namer = _nicknamer()
    return b in namer.nicknames_of(a) or b in namer.canonicals_of(a)
