"""Find who a reporting verb belongs to: the subject before it, after it, through appositions and clauses."""

from __future__ import annotations

from .lexicon import (
    ADVERBS,
    AUX,
    BE,
    CUES,
    FUNCTION_WORDS,
    INTRO,
    NEGATIONS,
    PARTY_WORDS,
    PP_ATTACH,
    PREPOSITIONS,
    RAISING_VERBS,
    SPEECH_NOUNS,
    SUBJECT_PRONOUNS,
    TIME_WORDS,
)
from .phrases import appositions, np_ending_at, np_starting_at, role_phrase
from .sentence import NP, Sentence
from .tokens import Tok, is_name_token, joins_name


def skip_forward(sent: Sentence, i: int) -> int:
    """The first position at or after i that is not an adverb."""
    while i < len(sent.toks) and sent.toks[i].low in ADVERBS:
        i += 1
    return i


def _skip_back(sent: Sentence, i: int) -> tuple[int, bool]:
    """Step back over adverbs, auxiliaries, time phrases and asides before a verb; tell whether "be"/"not" was there."""
    j = i
    saw_be = False
    raised = False  # "is continuing to insist": the "is" belongs to the raising verb, not a passive
    while j > 0:
        t = sent.toks[j - 1]
        low = t.low
        if t.text == ")":  # "Jane Doe (D-Maine) said"
            k = j - 1
            while k > 0 and j - k < 10 and sent.toks[k].text != "(":
                k -= 1
            if sent.toks[k].text != "(":
                break
            j = k
        elif t.kind != "w":
            break
        elif low in ADVERBS or low in AUX or _ly_adverb(t.text):
            saw_be = saw_be or (low in BE and not raised) or low in NEGATIONS
            j -= 1
        elif low in TIME_WORDS and j - 1 > 0:  # "on Wednesday morning", "last week", "Monday"
            j -= 1
            while j > 0 and (sent.low(j - 1) in TIME_WORDS or sent.low(j - 1) in _TIME_LEAD):
                j -= 1
        elif low == "to" and sent.low(j - 2) in RAISING_VERBS:  # "went on to say", "is continuing to insist"
            j -= 1
            while j > 0 and sent.low(j - 1) in RAISING_VERBS:
                j -= 1
            raised = True
        else:
            break
    return j, saw_be


def _ly_adverb(word: str) -> bool:
    """ "repeatedly", "disingenuously" (a lowercase word: "Schlafly" is a name)."""
    return word.islower() and word.endswith("ly") and word not in CUES and len(word) > 4


_BEFORE_PARTICIPLE = frozenset([",", "by", "and", "–", "—", "-", ";", ":", "before", "after", "while", "without"])
_SUBORDINATORS = frozenset(["after", "before", "since", "until", "as", "once", "because", "while", "though"])
_NOMINAL = frozenset(["what", "whatever", "things"])
_TIME_LEAD = frozenset(["on", "last", "this", "early", "late", "next"])
_CLAUSE_WORDS = frozenset(["that", "because", "who", "which", "if", "when", "while", "whether", "since", "after"])


def _negated(sent: Sentence, j: int, i: int) -> bool:
    return any(sent.low(k) in NEGATIONS for k in range(j, i))


def finite_subject(sent: Sentence, i: int) -> NP | None:
    """Subject of a finite cue at i: before it, the agent of a passive, or after it when inverted."""
    j, passive_or_negated = _skip_back(sent, i)
    quoted = any(t.kind == "q" for t in sent.toks[i + 1 : i + 3])  # "what Doe called “a disaster”" quotes Doe
    if sent.low(j - 1) in _NOMINAL and not quoted:
        return None
    if passive_or_negated:
        return None if _negated(sent, j, i) else _passive_agent(sent, i)
    if sent.low(j - 1) == "as" and sent.low(skip_forward(sent, i + 1)) == "by":  # "as reported by the Ledger"
        return _passive_agent(sent, i)
    if sent.low(j - 1) in ("and", "but"):  # "Doe met survivors and said ..."
        return _coordinated_subject(sent, j - 1)
    np = _subject_before(sent, j)
    if np is not None and np.start > 0 and sent.low(np.start - 1) in _NOMINAL and not quoted:
        return None  # "what Doe says is ...", "things Doe said about ...": a reference to words, not a report
    if np is None and (j == 0 or sent.toks[j - 1].kind == "q" or sent.toks[j - 1].text == ","):
        np = _inverted_subject(sent, i)
    return np


def _coordinated_subject(sent: Sentence, conj: int) -> NP | None:
    """The subject of the first of two coordinated verbs, when no subordinate clause comes between."""
    np = main_subject(sent)
    if np is None or np.end >= conj:
        return None
    if any(sent.low(k) in _CLAUSE_WORDS or sent.toks[k].text == ";" for k in range(np.end, conj)):
        return None
    return np


def ing_subject(sent: Sentence, i: int) -> tuple[NP | None, bool]:
    """Subject of a participle cue: "with X warning that" -> X; ", adding that" -> the main subject (flag)."""
    j, progressive = _skip_back(sent, i)
    if progressive:
        return (None if _negated(sent, j, i) else _subject_before(sent, j)), False
    prev = sent.low(j - 1)
    if prev in _BEFORE_PARTICIPLE or j == 0 or sent.toks[j - 1].kind == "q":
        return None, True
    if prev == "as" and sent.low(j - 2) == "quoted":
        k, _ = _skip_back(sent, j - 2)
        return _subject_before(sent, k), False
    np = np_ending_at(sent, j)
    if np is not None and np.after_prep == "with":
        np.after_prep = None
        return _with_appositions(sent, np), False
    if np is not None and np.after_prep is not None and np.start > 0:
        return None, True  # "Doe made a pitch to voters saying ...": the main subject speaks
    return None, False


def main_subject(sent: Sentence) -> NP | None:
    """Subject of the main clause, for a participle cue: "Doe visited the site, saying that ..."."""
    toks = sent.toks
    k = _after_dateline(toks)
    if k == 0 and toks and _opens_with_intro(toks):
        while k < len(toks) and toks[k].text != ",":
            k += 1
        k += 1
    if k >= len(toks):
        return None
    if is_name_token(toks[k]):  # "Mayor Jane Doe met survivors ...": the name, not "... met survivors"
        e = _name_run_end(toks, k)
        if all(_modifier_like(t.low) for t in toks[k:e]):  # "Democratic presidential nominee Jane Doe ..."
            m = e
            while m < len(toks) and m - e < 3 and _plain_modifier(toks[m]):
                m += 1
            if e < m < len(toks) and is_name_token(toks[m]):
                e = _name_run_end(toks, m)
        np = np_ending_at(sent, e)
        if np is not None and np.start >= k:
            return _with_appositions(sent, np)
    return _with_appositions(sent, np_starting_at(sent, k))


def _after_dateline(toks: list[Tok]) -> int:
    """ "LAKEPORT, Ore. (AP) — Jane Doe said": where the sentence starts after a dateline in capitals."""
    if not toks or not toks[0].text.isupper() or len(toks[0].text) < 3:
        return 0
    for k, tok in enumerate(toks[:12]):
        if tok.text in ("—", "–", "-", "--"):
            return k + 1
    return 0


def _opens_with_intro(toks: list[Tok]) -> bool:
    """ "However, ...", "Speaking on Monday, ...", "Unusually, ..." (not "Carly Doe ...", a name)."""
    first = toks[0].low
    if first in INTRO:
        return True
    followed_by_name = len(toks) > 1 and is_name_token(toks[1])
    return first.endswith(("ing", "ly")) and not followed_by_name and "," in (t.text for t in toks[:8])


def _modifier_like(word: str) -> bool:
    """A capitalized adjective before a title: "Democratic", "Presumptive", "American" (not "Doe")."""
    return word in PARTY_WORDS or word.endswith(("ic", "ese", "ish", "ive")) or (len(word) > 6 and word.endswith("an"))


def _plain_modifier(tok: Tok) -> bool:
    low = tok.low
    plain = low not in FUNCTION_WORDS and low not in CUES and not low.endswith("ed")
    return tok.kind == "w" and tok.text.islower() and plain


def _name_run_end(toks: list[Tok], k: int) -> int:
    e = k
    while e < len(toks) and (is_name_token(toks[e]) or joins_name(toks, e)):
        e += 1
    return e


def speakerlike(np: NP) -> bool:
    """Whether a subject can be the maker of a statement (not "in the report", not "its study")."""
    if np.after_prep is not None:
        return False
    if np.kind == "speech":
        return np.possessor is not None and np.possessor.kind in ("name", "pronoun", "role", "org")
    return np.kind != "pronoun" or np.head in SUBJECT_PRONOUNS


def _passive_agent(sent: Sentence, i: int) -> NP | None:
    """ "The plan was criticized by opposition parties": the agent after "by" made the statement."""
    k = skip_forward(sent, i + 1)
    return np_starting_at(sent, k + 1) if sent.low(k) == "by" else None


def _inverted_subject(sent: Sentence, i: int) -> NP | None:
    """ "..., said Mrs. Doe." / "“...,” said the minister." """
    k = i + 1
    if sent.low(k) in ("to", "on", "for", "out", "upon"):
        k += 1
    np = np_starting_at(sent, k, open_class=True)
    if np is None:
        return None
    after = sent.toks[np.end] if np.end < len(sent.toks) else None
    if after is not None and after.kind == "w" and after.low not in _AFTER_INVERTED:
        return None  # "said the candidate could win": the phrase starts the reported clause
    if np.kind == "pronoun" and after is not None and after.text not in ".,;!?":
        return None
    return _with_appositions(sent, np)


_AFTER_INVERTED = PREPOSITIONS | TIME_WORDS | ADVERBS | frozenset(["who", "whose", "which", "and"])


def _subject_before(sent: Sentence, j: int) -> NP | None:
    """The subject that ends right before position j (a verb), looking through appositions and clauses."""
    if j <= 0:
        return None
    if sent.toks[j - 1].kind == "q":  # "Doe, citing “...” said"
        return _first_chunk_subject(sent, j - 1)
    if sent.toks[j - 1].text == ",":
        np = _appositive_subject(sent, j - 1)
        first = _first_chunk_subject(sent, j - 1)
        if np is None or (first is not None and _person_name(first) and np.kind == "name"):
            np = first  # "Doe, in a statement on Friday, said" / "Doe, the editor of the weekly, L'Eco, said"
        return np
    np = np_ending_at(sent, j, open_class=True)
    if np is not None and np.after_prep in _SUBORDINATORS:
        np.after_prep = None  # "Years after Doe claimed that ...": a clause, not a phrase "after Doe"
    if np is None or np.after_prep in PP_ATTACH:
        # "Judge Jane Doe of the district court wrote", "officials who spoke in the capital said"
        np = _subject_before_pp(sent, j) or _subject_before_who(sent, j) or np
    return _with_appositions(sent, np)


def _person_name(np: NP) -> bool:
    return np.kind == "name" and np.person is not False


def _first_chunk_subject(sent: Sentence, comma: int) -> NP | None:
    """The noun phrase that is the whole first chunk of the sentence, when asides separate it from the verb."""
    first_comma = next((k for k in range(comma) if sent.toks[k].text == ","), None)
    if first_comma is None or first_comma == comma:
        return None
    np = np_ending_at(sent, first_comma)
    if np is None or np.start != 0 or np.kind not in ("name", "role", "group", "pronoun", "org"):
        return None
    if any(sent.toks[k].text == ";" for k in range(first_comma, comma)):
        return None
    return _with_appositions(sent, np)


def _with_appositions(sent: Sentence, np: NP | None) -> NP | None:
    """Add to a name the role phrases set off by commas around it."""
    if np is not None and np.kind == "name":
        np.descriptions.extend(appositions(sent, np))
    return np


def _appositive_subject(sent: Sentence, comma: int) -> NP | None:
    """ "Jane Doe, the mayor, said" / "X's envoy, Jane Doe, said" / "Jane Doe, who ..., said"."""
    a = sent.chunk_start(comma)
    if a >= comma or a == 0 or sent.toks[a - 1].text != ",":
        return _name_chunk(sent, a, comma)
    first = sent.toks[a]
    role = role_phrase(sent, a, comma)
    appositive = first.low in ("a", "an", "the")  # "Jane Doe, a hydrologist at ..., said"
    relative = first.low in ("who", "which", "whose")
    if not (role or appositive or relative or first.low.endswith("ing") or first.text[0].isdigit()):
        return _name_chunk(sent, a, comma)
    np = np_ending_at(sent, a - 1) or _generic_np(sent, a - 1, "org" if first.low == "which" else "role")
    if np is not None and role:
        np.descriptions.extend(role)
    elif np is not None and appositive:
        np.descriptions.append(sent.surface(a + 1, comma))
    if np is not None and np.kind == "name" and first.low == "who":
        np.person = True
    return np


def _name_chunk(sent: Sentence, a: int, comma: int) -> NP | None:
    """The name that is the whole chunk toks[a:comma] ("X's envoy, Jane Doe, said")."""
    np = np_ending_at(sent, comma)
    if np is not None and np.start == a and np.kind == "name":
        return _with_appositions(sent, np)
    return None


def _generic_np(sent: Sentence, end: int, kind: str) -> NP | None:
    """ "The port operator, which ...": an article and lowercase nouns before a relative clause."""
    p = end
    while p > 0 and end - p < 3 and sent.toks[p - 1].kind == "w" and sent.toks[p - 1].text.islower():
        if sent.toks[p - 1].low in FUNCTION_WORDS or sent.toks[p - 1].low in CUES:
            break
        p -= 1
    if p == end or p == 0 or sent.low(p - 1) not in ("the", "a", "an"):
        return None
    words = [t.text for t in sent.toks[p:end]]
    return NP(kind, p - 1, end, " ".join(words), head=words[-1], mods=tuple(words[:-1]), det=sent.low(p - 1))


def _subject_before_pp(sent: Sentence, j: int) -> NP | None:
    """ "Health officials in the region warned", "Jane Doe of the district court wrote": the subject before a PP."""
    for p in range(j - 1, max(j - 7, 0), -1):
        t = sent.toks[p]
        if t.kind in ("p", "q") or (t.low in CUES and t.low not in SPEECH_NOUNS):
            return None
        if t.low in PP_ATTACH:
            np = np_ending_at(sent, p)
            if np is not None and np.kind == "name":
                return np
            if np is not None and np.kind in ("role", "group"):
                np.descriptions.append(sent.surface(np.start + (1 if np.det else 0), j))
                return np
            return None
    return None


def _subject_before_who(sent: Sentence, j: int) -> NP | None:
    """ "officials who spoke on condition of anonymity said"."""
    for p in range(j - 1, max(j - 15, 0), -1):
        t = sent.toks[p]
        if t.kind == "q" or t.text in ".;:":
            return None
        if t.low == "who":
            np = np_ending_at(sent, p)
            if np is not None and np.kind == "name":
                np.person = True
            return np
    return None
