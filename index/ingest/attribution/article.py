"""Attribute every sentence of an article: mask quotations, find cues, resolve speakers, propagate quotes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..segment import Span
from .cues import Candidate, find_statements
from .lexicon import ADVERBS, TIME_WORDS
from .model import Attribution, Speaker
from .phrases import appositions, np_ending_at
from .places import BLOC_KEYS, SHARED_SEATS, seat_context
from .quotes import Analysis, QuoteInfo, mask_quotes, propagate_quotes
from .recase import Casing
from .resolve import Entity, Registry
from .sentence import Sentence
from .tokens import is_name_token, joins_name


def attribute(text: str, spans: Sequence[Span], title: str | None = None) -> tuple[list[Attribution], list[Speaker]]:
    """Attribute every sentence (one Attribution per span, same order) and list the article's speakers."""
    registry = Registry()
    casing = Casing(text)
    if title and _is_sentence_case(title):
        masked, _, _ = mask_quotes(title, None)
        _register_mentions(registry, Sentence(masked))
    analyses: list[Analysis] = []
    carried: str | None = None
    for index, span in enumerate(spans):
        if index and span.paragraph != spans[index - 1].paragraph:
            carried = None
        masked, carried, quotes = mask_quotes(text[span.start : span.end], carried)
        registry.sentence = index
        analyses.append(_analyse(registry, Sentence(casing.recase(masked)), quotes, span.paragraph))
    propagate_quotes(analyses)
    for a in analyses:
        if a.attribution.speaker:
            registry.entities[a.attribution.speaker].speaks = True
    renamed = _shared_seats(registry, text)
    attributions = [_rename(a.attribution, renamed) if renamed else a.attribution for a in analyses]
    for index, span in enumerate(spans):  # a stray closing quotation mark says nothing
        if attributions[index].statement and not any(c.isalnum() for c in text[span.start : span.end]):
            attributions[index] = Attribution(False)
    return attributions, registry.speakers()


def _shared_seats(registry: Registry, text: str) -> dict[str, str]:
    """ "Brussels said": the EU or NATO, whichever the article is about, keeps the name the article used."""
    renamed = {}
    for ent in list(registry.entities.values()):
        bloc = seat_context(ent.key, text) if ent.key in SHARED_SEATS else None
        if not bloc:
            continue
        seat = registry.entities.pop(ent.key).key
        target = registry.entities.get(BLOC_KEYS[bloc])
        if target is None:  # the bloc speaks only as "Brussels": its record keeps that name
            target = ent
            target.key = BLOC_KEYS[bloc]
            registry.entities[target.key] = target
        target.add_alias(ent.name)
        target.add_descriptions([bloc])
        target.speaks = target.speaks or ent.speaks
        renamed[seat] = target.key
    return renamed


def _rename(attribution: Attribution, renamed: dict[str, str]) -> Attribution:
    speaker = renamed.get(attribution.speaker or "", attribution.speaker)
    return replace(attribution, speaker=speaker, others=tuple(renamed.get(k, k) for k in attribution.others))


def _analyse(registry: Registry, sent: Sentence, quotes: QuoteInfo, paragraph: int) -> Analysis:
    mentioned = _register_mentions(registry, sent)
    candidates = find_statements(sent)
    resolved = [registry.resolve(c.np) for c in candidates]
    speaker = resolved[0] if resolved else None
    _update_salience(registry, mentioned, speaker)
    if candidates:
        others = tuple(dict.fromkeys(e.key for e in resolved[1:] if e is not None and e is not speaker))
        attribution = Attribution(True, speaker.key if speaker else None, candidates[0].cue, others)
        for ent in resolved[1:]:
            if ent is not None:
                ent.speaks = True
    else:
        attribution = Attribution(False)
    pure = quotes.has_quote and not any(t.kind in ("w", "a") for t in sent.toks)
    cue_only = len(candidates) == 1 and not quotes.has_quote and _cue_only(sent, candidates[0])
    return Analysis(attribution, quotes, pure, paragraph, cue_only)


def _cue_only(sent: Sentence, candidate: Candidate) -> bool:
    """A sentence that is a speaker and a cue and nothing else: "Doe said.", "said the minister"."""
    np = candidate.np
    for k, tok in enumerate(sent.toks):
        if np.start <= k < np.end or k == candidate.at or tok.kind not in ("w", "a"):
            continue
        if tok.low not in ADVERBS and tok.low not in TIME_WORDS and tok.low not in ("on", "in", "at"):
            return False
    return True


def _register_mentions(registry: Registry, sent: Sentence) -> list[Entity]:
    """Register the people and organisations a sentence names, with their descriptions, in order."""
    toks = sent.toks
    seen: list[Entity] = []
    if not any(c.islower() for c in sent.masked):
        return seen  # a heading in capitals ("FULL TEXT.") names nobody
    i = 0
    while i < len(toks):
        if not is_name_token(toks[i]):
            i += 1
            continue
        j = i + 1
        while j < len(toks) and (
            is_name_token(toks[j]) or (joins_name(toks, j) and j + 1 < len(toks) and is_name_token(toks[j + 1]))
        ):
            j += 1
        np = np_ending_at(sent, j)
        if np is not None and np.kind == "name":
            np.descriptions.extend(appositions(sent, np))
            ent = registry.observe(np)
            if ent is not None and ent not in seen:
                seen.append(ent)
        i = j
    return seen


def _update_salience(registry: Registry, seen: list[Entity], speaker: Entity | None) -> None:
    """The speaker, else the first person or organisation named, becomes the most salient entity."""
    subject = speaker or (seen[0] if seen else None)
    for ent in reversed(seen):
        if ent is not subject:
            registry.bump(ent)
    if subject is not None:
        registry.bump(subject)


def _is_sentence_case(title: str) -> bool:
    """A headline in sentence case names people with capitals; one in title case capitalizes every word."""
    words = [w for w in title.split() if w[:1].isalpha()]
    capitalized = sum(1 for w in words if w[0].isupper())
    return bool(words) and capitalized <= len(words) / 2
