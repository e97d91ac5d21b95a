"""Find the reporting cue of a sentence (said, warned, according to, ...) that has a speaker-like subject."""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import COMPLEMENT_OK, CUE_PARTICLES, CUES, NEEDS_COMPLEMENT, SPEECH_SUBJECT_ONLY
from .phrases import np_starting_at
from .sentence import NP, Sentence
from .subjects import finite_subject, ing_subject, main_subject, skip_forward, speakerlike


@dataclass
class Candidate:
    """A reporting cue as written and the phrase that names its speaker."""

    cue: str
    np: NP


def find_statement(sent: Sentence) -> Candidate | None:
    """Return the first reporting cue of the sentence that has a speaker-like subject."""
    participle_cue = None  # ", adding that ...": used only when no cue has its own subject
    for i, tok in enumerate(sent.toks):
        if tok.kind != "w":
            continue
        if tok.low == "according" and sent.low(i + 1) == "to":
            np = np_starting_at(sent, i + 2)
            if np is not None and speakerlike(np):
                return Candidate("according to", np)
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
        if np is not None and speakerlike(np):
            return Candidate(cue, np)
    if participle_cue is not None:
        np = main_subject(sent)
        if np is not None and speakerlike(np):
            return Candidate(participle_cue, np)
    return None


def _cue_text(sent: Sentence, i: int, lemma: str) -> str | None:
    """The cue as written ("pointed to"), or None when its complement shows a non-reporting sense."""
    word = sent.toks[i].text
    nxt = skip_forward(sent, i + 1)
    following = sent.low(nxt)
    if lemma in CUE_PARTICLES:
        if following in CUE_PARTICLES[lemma]:
            return f"{word} {sent.toks[nxt].text}"
        if lemma == "call" and any(t.kind == "q" for t in sent.toks[i + 1 : i + 8]):
            return word
        return None
    if lemma in NEEDS_COMPLEMENT:
        prev = sent.toks[i - 1] if i > 0 else None
        inverted = prev is None or prev.kind == "q" or prev.text == ","
        at_end = nxt >= len(sent.toks)
        ok_next = at_end or sent.toks[nxt].kind in ("p", "q") or following in COMPLEMENT_OK
        if not (ok_next or inverted):
            return None
    return word
