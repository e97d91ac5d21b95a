"""Find the reporting cue of a sentence (said, warned, according to, ...) that has a speaker-like subject."""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import (
    AUX,
    COMPLEMENT_OK,
    CUE_PARTICLES,
    CUES,
    DETERMINERS,
    FAR_PARTICLES,
    FUNCTION_WORDS,
    NEEDS_COMPLEMENT,
    NOUN_FORMS,
    PLAIN_CUES,
    PREPOSITIONS,
    SPEECH_OBJECTS,
    SPEECH_SUBJECT_ONLY,
    SUBJECT_PRONOUNS,
    TIME_WORDS,
)
from .phrases import np_starting_at
from .sentence import NP, Sentence
from .subjects import finite_subject, ing_subject, main_subject, skip_forward, speakerlike


@dataclass
class Candidate:
    """A reporting cue as written and the phrase that names its speaker."""

    cue: str
    np: NP
    at: int = -1  # the cue's token


def find_statements(sent: Sentence) -> list[Candidate]:
    """Return the reporting cues of the sentence that have a speaker-like subject, one per clause, in order.

    The first is the sentence's main statement; a later cue counts only when its subject opens a clause of its own
    ("While A vowed ..., B pledged ...", "A accuses ... and B says ..."), not inside what the first reports.
    """
    found: list[Candidate] = []
    participle_cue = None  # ", adding that ...": used only when no cue has its own subject
    for i, tok in enumerate(sent.toks):
        if tok.kind != "w":
            continue
        if tok.low == "according" and sent.low(i + 1) == "to":
            np = np_starting_at(sent, i + 2)
            if np is not None and speakerlike(np):
                found.append(Candidate("according to", np, i))
            continue
        lemma = CUES.get(tok.low)
        if lemma is None or not tok.text[0].islower():
            continue
        cue = _cue_text(sent, i, lemma)
        if cue is None:
            continue
        if tok.low.endswith("ing"):
            np, is_participle = ing_subject(sent, i)
            if is_participle:
                participle_cue = participle_cue or cue
                continue
        else:
            np = finite_subject(sent, i)
        if lemma in SPEECH_SUBJECT_ONLY and (np is None or np.kind != "speech"):
            continue
        if np is not None and np.guessed and lemma not in PLAIN_CUES and not _reports_clause(sent, i):
            continue  # "The storm claimed 12 lives": an unknown noun speaks only with a clear cue
        if np is not None and speakerlike(np) and (not found or _opens_clause(sent, np, i)):
            found.append(Candidate(cue, np, i))
    if not found and participle_cue is not None:
        np = main_subject(sent)
        if np is not None and speakerlike(np):
            found.append(Candidate(participle_cue, np))
    return found


def _opens_clause(sent: Sentence, np: NP, cue: int) -> bool:
    """Whether a subject starts a clause of its own (after "and", "while", a comma) rather than a reported one."""
    if np.start > cue:  # inverted: "..., said Doe"
        return sent.toks[cue - 1].kind == "q" or sent.low(cue - 1) == ","
    before = sent.low(np.start - 1)
    return np.start == 0 or before in _CLAUSE_OPENERS


_CLAUSE_OPENERS = frozenset(["and", "but", "while", "whereas", ";", ",", "–", "—", "meanwhile"])


def _cue_text(sent: Sentence, i: int, lemma: str) -> str | None:
    """The cue as written ("pointed to"), or None when its complement shows a non-reporting sense."""
    word = sent.toks[i].text
    prev_low = sent.low(i - 1)
    gerund = word.endswith("ing")  # "by saying", "after adding": a verb after a preposition
    if (
        prev_low in DETERMINERS
        or (prev_low in PREPOSITIONS and prev_low != "to" and not gerund)
        or (sent.toks[i - 1].kind == "s")
    ):
        return None  # "secretary of state", "the call", "his remarks": a noun, not a verb
    nxt = _skip_time(sent, skip_forward(sent, i + 1))
    following = sent.low(nxt)
    if sent.toks[i].low in NOUN_FORMS and following not in ("that", ":"):
        return None  # "his home state", "the United States": the noun, unless "states that ..."
    if lemma in FAR_PARTICLES:  # "framed the vote as", "asked the court to"
        far = _particle_ahead(sent, nxt, FAR_PARTICLES[lemma])
        if far is not None:
            return f"{word} … {sent.toks[far].text}" if far > nxt else f"{word} {sent.toks[far].text}"
        if lemma in ("frame", "characterize"):
            return None
        if lemma == "ask":  # asked with an object but no question: "asked the price"
            return None if following not in COMPLEMENT_OK and sent.toks[nxt].kind not in ("p", "q") else word
    if lemma in CUE_PARTICLES:
        if following in CUE_PARTICLES[lemma]:
            return f"{word} {sent.toks[nxt].text}"
        if lemma == "call" and (any(t.kind == "q" for t in sent.toks[i + 1 : i + 8]) or _called_a(sent, nxt)):
            return word
        return None
    if lemma in NEEDS_COMPLEMENT:
        prev = sent.toks[i - 1] if i > 0 else None
        inverted = not word.endswith("ing") and (prev is None or prev.kind == "q" or prev.text == ",")
        if lemma == "add" and following == "to":
            return None  # "adding to her lead"
        at_end = nxt >= len(sent.toks)
        ok_next = at_end or sent.toks[nxt].kind in ("p", "q") or following in COMPLEMENT_OK
        ok_next = ok_next or (lemma in ("write", "post") and following == "to")  # "wrote to investors"
        if not (ok_next or inverted or _clause_follows(sent, nxt) or _speech_object(sent, nxt)):
            return None
    return word


def _skip_time(sent: Sentence, k: int) -> int:
    """Step over a time expression after a verb: "called Wednesday for", "said on Monday that"."""
    while k < len(sent.toks):
        low = sent.low(k)
        if low in TIME_WORDS:
            k += 1
        elif low in ("on", "last", "this") and sent.low(k + 1) in TIME_WORDS:
            k += 2
        else:
            return k
    return k


def _particle_ahead(sent: Sentence, k: int, particles: frozenset[str]) -> int | None:
    """The position of a particle within a short object phrase after the verb ("asked the board whether")."""
    for j in range(k, min(k + 7, len(sent.toks))):
        t = sent.toks[j]
        if t.low in particles:
            return j
        if t.kind in ("p", "q") or t.low in CUES or (t.low in FUNCTION_WORDS and t.low not in DETERMINERS):
            return None
    return None


def _called_a(sent: Sentence, k: int) -> bool:
    """ "called the plan a disaster", "called him a liar": an object, then what it was called."""
    for j in range(k + 1, min(k + 5, len(sent.toks))):
        if sent.toks[j].kind != "w":
            return False
        if sent.low(j) in ("a", "an") and sent.low(j - 1) not in DETERMINERS:
            return True
    return False


def _clause_follows(sent: Sentence, k: int) -> bool:
    """A reported clause without "that": "suggested he would run", "argues the plan will fail"."""
    if sent.low(k) in CUES:
        return False
    if sent.low(k).split("'")[0].split("’")[0] in (*SUBJECT_PRONOUNS, "i", "we", "you"):
        return k + 1 < len(sent.toks) and sent.toks[k + 1].kind == "w"
    for j in range(k, min(k + 7, len(sent.toks))):
        t = sent.toks[j]
        if t.kind in ("p", "q") or t.low in ("that", "which", "who", "whose", "for", "of", "with"):
            return False
        if j > k and t.low in AUX:
            return True
        if j > k + 1 and t.low.endswith("ed") and sent.low(j - 1) not in DETERMINERS and sent.low(j - 1) != "and":
            return True  # "claimed 400 people attended"
    return False


def _speech_object(sent: Sentence, k: int) -> bool:
    """ "repeated her claim", "wrote an op-ed": the object is something said or written."""
    if sent.low(k) not in DETERMINERS:
        return False
    return any(sent.low(j) in SPEECH_OBJECTS for j in range(k + 1, min(k + 4, len(sent.toks))))


def _reports_clause(sent: Sentence, i: int) -> bool:
    """The cue is followed by what was said: "that", a colon, a quotation, or a clause."""
    k = _skip_time(sent, skip_forward(sent, i + 1))
    if k >= len(sent.toks) or sent.toks[k].kind == "q" or sent.low(k) in ("that", ":", ","):
        return True
    return sent.toks[i - 1].kind == "q" or sent.low(i - 1) == "," or _clause_follows(sent, k)
