"""Noun phrases that can name a speaker: pronouns, names, role/organisation/group nouns and speeches."""

from __future__ import annotations

from dataclasses import replace

from .lexicon import (
    ADVERBS,
    CUES,
    DETERMINERS,
    FUNCTION_WORDS,
    GROUP_NOUNS,
    NON_SPEAKERS,
    NOT_NOUNS,
    NOUN_HEADS,
    ORG_NOUNS,
    PERSON_ROLES,
    POSSESSIVE_PRONOUNS,
    PP_ATTACH,
    PREPOSITIONS,
    QUANTIFIERS,
    SPEECH_NOUNS,
    SUBJECT_PRONOUNS,
    TIME_WORDS,
)
from .names import name_phrase, org_name
from .sentence import NP, Sentence, role_gender
from .tokens import is_acronym, is_name_token, normalize_key

_AFTER_ROLE = PREPOSITIONS | {"who", "whose", "which", "that"}  # what may follow the role in an apposition


def np_ending_at(sent: Sentence, end: int, depth: int = 0, open_class: bool = False) -> NP | None:
    """Parse the noun phrase whose last token is toks[end - 1].

    open_class: in a subject position, any common noun after a determiner can head the phrase ("the librarian").
    """
    if end <= 0 or end > len(sent.toks):
        return None
    tok = sent.toks[end - 1]
    if tok.kind not in ("w", "a"):
        return None
    if tok.low in SUBJECT_PRONOUNS:
        np: NP | None = NP("pronoun", end - 1, end, tok.text, head=tok.low, gender=SUBJECT_PRONOUNS[tok.low])
    elif tok.low in NOUN_HEADS:
        np = _noun_phrase(sent, end, depth)
    elif is_name_token(tok):
        np = name_phrase(sent, end)
    elif open_class and _open_noun(tok.text):
        np = _noun_phrase(sent, end, depth)
        if np is not None and np.det is None and not (np.kind == "group" and _bare_role_ok(sent, np.start)):
            return None  # a bare singular noun is no subject; a bare plural only at a clause start ("Rangers said")
        if np is not None:
            np.guessed = True
    else:
        return None
    return _attach_pp(sent, np, depth) if np else None


def _open_noun(word: str) -> bool:
    """A lowercase word that can be a common noun: not a function word, cue, adverb or non-speaker."""
    low = word.lower()
    return (
        word.islower() and word.isalpha() and len(word) > 2 and low not in FUNCTION_WORDS and low not in CUES
        and low not in NOT_NOUNS and not low.endswith("ed")
        and low not in ADVERBS and low not in NON_SPEAKERS and low not in TIME_WORDS and not low.endswith(("ly", "ing"))
    )  # fmt: skip


def np_starting_at(sent: Sentence, k: int, open_class: bool = False) -> NP | None:
    """The longest noun phrase that starts at token k (for "said the minister", "according to X")."""
    best = None
    for e in range(k + 1, min(len(sent.toks), k + 9) + 1):
        if sent.toks[e - 1].kind in ("p", "q") and e - 1 > k:
            break
        np = np_ending_at(sent, e, open_class=open_class)
        if np is not None and np.start == k:
            best = np
    if best is not None:
        best.after_prep = None  # the caller knows what comes before
    return best


def _noun_phrase(sent: Sentence, end: int, depth: int) -> NP | None:
    """A phrase headed by a role, organisation, group or speech noun: "the Italian president"."""
    toks = sent.toks
    head_tok = toks[end - 1]
    p = end - 1
    while p > 0 and end - p <= 4:
        t = toks[p - 1]
        if t.kind not in ("w", "a") or t.low in FUNCTION_WORDS or t.low in CUES or t.low in ADVERBS:
            break
        p -= 1
    mods = toks[p : end - 1]
    start, det, possessor = p, None, None
    before = toks[p - 1] if p > 0 else None
    if before is not None and (before.low in DETERMINERS or before.low in QUANTIFIERS):
        det, start = before.low, p - 1
        if before.low in POSSESSIVE_PRONOUNS:
            pronoun = POSSESSIVE_PRONOUNS[before.low]
            possessor = NP("pronoun", p - 1, p, before.text, head=pronoun, gender=SUBJECT_PRONOUNS[pronoun])
    elif before is not None and before.kind == "s" and depth < 2:
        possessor = np_ending_at(sent, p - 1, depth + 1)
        det, start = "'s", possessor.start if possessor else p - 1
    head = head_tok.low
    kind = _noun_kind(head)
    if kind == "speech" and possessor is None:
        return NP("speech", start, end, sent.surface(start, end), head=head, det=det)
    if kind in ("role", "org") and det is None and not _bare_role_ok(sent, p):
        return None
    if kind == "org" and head_tok.text[0].isupper() and mods and all(is_name_token(m) for m in mods):
        # "the Health Ministry": a proper name, not a description
        return org_name(start, end, toks[p:end], det)
    words = tuple(normalize_key(m.text) for m in mods if m.low not in QUANTIFIERS)
    text_start = start + 1 if det in DETERMINERS or det in QUANTIFIERS else start
    core = sent.surface(p, end)
    if p == 0 and not is_acronym(toks[0]):
        core = core[:1].lower() + core[1:]  # capitalized only because it starts the sentence
    return NP(kind, start, end, sent.surface(text_start, end), head=head, mods=words, det=det,
              gender=role_gender(head), possessor=possessor, core=core)  # fmt: skip


def _noun_kind(head: str) -> str:
    if head in SPEECH_NOUNS:
        return "speech"
    if head in GROUP_NOUNS:
        return "group"
    if head in ORG_NOUNS:
        return "org"
    if head not in PERSON_ROLES and head.endswith("s") and not head.endswith(("ss", "us", "is")):
        return "group"  # an unknown plural noun: "organizers", "strategists"
    return "role"


def _bare_role_ok(sent: Sentence, p: int) -> bool:
    """A role noun without determiner is a subject only at the start of a clause ("Officials said")."""
    return p == 0 or sent.toks[p - 1].kind in ("p", "q") or sent.low(p - 1) == "and"


def _attach_pp(sent: Sentence, np: NP, depth: int) -> NP:
    """ "a spokesman for the ministry", "officials in the region", "a statement from Doe"."""
    prep = sent.low(np.start - 1)
    if prep in PP_ATTACH and depth < 2:
        outer = np_ending_at(sent, np.start - 1, depth + 1)
        if outer is not None and outer.possessor is None:
            if outer.kind == "speech" and prep in ("from", "by", "of"):
                return replace(outer, end=np.end, possessor=np)
            if outer.kind in ("role", "group"):
                text_start = outer.start + (1 if outer.det in DETERMINERS or outer.det in QUANTIFIERS else 0)
                outer.descriptions.append(sent.surface(text_start, np.end))
                outer.end = np.end
                return outer
    if prep in PREPOSITIONS:
        np.after_prep = prep
    return np


def appositions(sent: Sentence, np: NP) -> list[str]:
    """Role phrases set off by commas around a name: "X's envoy, Jane Doe," / "Jane Doe, the mayor,"."""
    found: list[str] = []
    if sent.low(np.end) == ",":
        phrase = role_phrase(sent, np.end + 1, sent.chunk_end(np.end + 1))
        if phrase:
            found.extend(phrase)
    if np.start > 0 and sent.low(np.start - 1) == ",":
        phrase = role_phrase(sent, sent.chunk_start(np.start - 1), np.start - 1)
        if phrase:
            found.extend(phrase)
    return found


def role_phrase(sent: Sentence, a: int, b: int) -> tuple[str, str] | None:
    """If toks[a:b] is an appositive role phrase, return (core role, whole phrase without article)."""
    if b - a < 1 or b - a > 14:
        return None
    k = a + 1 if sent.low(a) in DETERMINERS else a
    body = k
    for s in range(k, min(k + 4, b)):
        if sent.toks[s].kind == "s":
            k = s + 1
            break
    h = None
    for i in range(k, min(k + 5, b)):
        t = sent.toks[i]
        if t.kind not in ("w", "a") or t.low in FUNCTION_WORDS or t.low in CUES:
            break
        if t.low in PERSON_ROLES:
            h = i
        elif h is not None:
            break
    if h is None or (h + 1 < b and sent.low(h + 1) not in _AFTER_ROLE):
        return None
    return sent.surface(k, h + 1), sent.surface(body, b)
