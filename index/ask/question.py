"""Understand a question: is it about what someone said (and who, about what), or about a topic."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ingest.attribution import QUESTION_VERBS
from .speakers import speaker_phrase_kind


@dataclass(frozen=True)
class Question:
    """A parsed question: the speaker phrase as written, what it asks about, and its reporting verb."""

    text: str
    speaker: str | None
    topic: str | None
    verb: str | None


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Reporting verbs by form (one table, shared with attribution: index/ingest/attribution/lexicon.py), less those that
# ask what someone wants or does rather than says ("What does the UN want to stabilize?" is a topic question).
_NOT_SPEECH = frozenset({"want"})
_DETERMINERS = _words("the a an this that these those")
_VERBS = {form: lemma for form, lemma in QUESTION_VERBS.items() if lemma not in _NOT_SPEECH}
_ING_VERBS = {form: lemma for form, lemma in _VERBS.items() if form.endswith("ing")}
_HOW_VERBS = {
    form: lemma
    for form, lemma in _VERBS.items()
    if lemma in {"describe", "characterize", "respond", "react", "reply", "explain", "call", "label"}
} | {"view": "view", "see": "view", "portray": "portray", "frame": "frame", "justify": "justify", "defend": "defend"}
# Verbs that only mean "say": without an object the question has no topic.
_SAY_LIKE = _words(
    "say tell think believe feel mean state comment add argue claim insist note write respond react reply assert "
    "declare explain mention"
)
_NOUNS = {
    "reaction": "react", "response": "respond", "position": None, "stance": None, "view": None, "views": None,
    "opinion": None, "take": None, "attitude": None, "message": None, "argument": "argue", "arguments": "argue",
    "claim": "claim", "claims": "claim", "warning": "warn", "warnings": "warn", "proposal": "propose",
    "proposals": "propose", "criticism": "criticize", "assessment": None, "comment": "say", "comments": "say",
    "remarks": "say", "statement": "say", "statements": "say", "words": "say", "answer": "reply", "reply": "reply",
    "explanation": "explain", "accusation": "accuse", "accusations": "accuse", "demand": "demand",
    "demands": "demand", "prediction": "predict", "promise": "promise", "verdict": None, "plan": "propose",
}  # fmt: skip
_CONTENT_NOUNS = _words(
    "claim claims warning warnings proposal proposals criticism accusation accusations demand demands prediction "
    "promise plan"
)

_TRAILING_ADVERBS = _words("ever also actually really publicly recently just exactly first later once then previously")
_PREFIXES = re.compile(
    r"^(?:(?:can|could|would)\s+you\s+(?:please\s+)?(?:tell\s+me|say|explain)|please\s+tell\s+me|tell\s+me|"
    r"do\s+you\s+know|i\s+(?:want|would\s+like|'d\s+like)\s+to\s+know|show\s+me|find\s+out|explain)\s+",
    re.IGNORECASE,
)
_WHAT_AUX = re.compile(r"^what\s+(?:exactly\s+|else\s+)?(?:did|does|do|has|have|had|would|will)\s+(?P<body>.+)$", re.I)
_WHAT_BE = re.compile(r"^what\s+(?:is|are|was|were|has\s+been|had\s+been)\s+(?P<body>.+)$", re.I)
_HOW_AUX = re.compile(r"^how\s+(?:did|does|do|has|have|had|would|will)\s+(?P<body>.+)$", re.I)
_YES_NO = re.compile(r"^(?:did|does|do|has|have|had)\s+(?P<body>.+)$", re.I)
_EMBEDDED = re.compile(r"^what\s+(?P<body>.+)$", re.I)
# "Doe said what?", "Doe said what about taxes?": an echo question, the verb right before "what"
_ECHO = re.compile(r"^(?P<body>.+?\s+\w+)\s+what(?:\s+(?P<rest>(?:about|on|regarding)\s+.+))?$", re.I)
_ACCORDING_FIRST = re.compile(r"^according\s+to\s+(?P<sp>[^,]+?)\s*,\s*(?P<rest>.+)$", re.I)
_ACCORDING_FIRST_NO_COMMA = re.compile(
    r"^according\s+to\s+(?P<sp>.+?)\s+(?P<rest>(?:what|how|why|who|when|where|which|is|are|was|were|did|does|do|"
    r"has|have|will|would|can|could|should)\b.*)$",
    re.I,
)
_ACCORDING_LAST = re.compile(r"^(?P<rest>.+?),?\s+according\s+to\s+(?P<sp>.+)$", re.I)
_QUOTE = re.compile(
    r"^(?:(?:give|show|find)\s+(?:me\s+)?(?:a\s+|some\s+|any\s+)?quotes?\s+(?:from|by)|(?:any\s+|some\s+)?quotes?\s+"
    r"(?:from|by)|quote|cite)\s+(?P<sp>.+?)(?:\s+(?:on|about|regarding|concerning)\s+(?P<rest>.+))?$",
    re.I,
)
_POSSESSIVE_NOUN = re.compile(r"^(?P<sp>.+?)(?:'s|s')\s+(?P<noun>[a-z]+)(?:\s+(?P<rest>.*))?$", re.I)
_PASSIVE = re.compile(
    r"^(?P<verb>said|claimed|stated|proposed|announced|written|suggested)\s+by\s+(?P<sp>.+?)"
    r"(?:\s+(?:about|on|regarding|concerning)\s+(?P<rest>.+))?$",
    re.I,
)
_TOPIC_LEAD = re.compile(
    r"^(?:anything\s+|something\s+)?(?:about|regarding|concerning|on\s+the\s+subject\s+of|in\s+relation\s+to|"
    r"with\s+regard\s+to|on|of|that|to)\s+",
    re.I,
)
_BARE_PREPOSITIONS = _words("about regarding concerning on of that to for")
_TOPIC_TAIL = re.compile(r"\s+(?:of|for|about|on|to)$", re.I)


def parse_question(text: str) -> Question:
    """Recognise speaker questions; everything else is a topic question (speaker None, topic = the text)."""
    clean = _normalize(text)
    parsed = _parse(clean)
    if parsed is None:
        return Question(text=text, speaker=None, topic=clean or None, verb=None)
    speaker, topic, verb = parsed
    return Question(text=text, speaker=speaker, topic=topic, verb=verb)


def _normalize(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("ʼ", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"([?!])[\W\d_]*$", r"\1", text)  # "What did Doe say? (3)": noise after the question mark
    return " ".join(text.split()).strip(" ?!.")


def _parse(q: str) -> tuple[str, str | None, str | None] | None:
    q = _PREFIXES.sub("", q, count=1)
    parsers = (_parse_according, _parse_quote, _parse_what, _parse_how, _parse_yes_no, _parse_embedded, _parse_echo)
    for parser in parsers:
        parsed = parser(q)
        if parsed is not None:
            return parsed
    return None


def _parse_what(q: str) -> tuple[str, str | None, str | None] | None:
    m = _WHAT_AUX.match(q)
    if m:
        found = _speaker_verb(m["body"], _VERBS)
        return _result(*found) if found else None
    m = _WHAT_BE.match(q)
    if not m:
        return None
    body = m["body"]
    passive = _PASSIVE.match(body)
    if passive and _speakerish(passive["sp"]):
        return _result(passive["sp"], _VERBS[passive["verb"].lower()], passive["rest"] or "")
    noun = _POSSESSIVE_NOUN.match(body)
    if noun and noun["noun"].lower() in _NOUNS and _speakerish(noun["sp"]):
        return _noun_result(noun["sp"], noun["noun"].lower(), noun["rest"] or "")
    found = _speaker_verb(re.sub(r"\bbeen\s+", "", body, flags=re.I), _ING_VERBS)
    return _result(*found) if found else None


def _parse_how(q: str) -> tuple[str, str | None, str | None] | None:
    m = _HOW_AUX.match(q)
    found = _speaker_verb(m["body"], _HOW_VERBS) if m else None
    return _result(*found) if found else None


def _parse_yes_no(q: str) -> tuple[str, str | None, str | None] | None:
    m = _YES_NO.match(q)
    found = _speaker_verb(m["body"], _VERBS) if m else None
    return _result(*found) if found else None


def _parse_embedded(q: str) -> tuple[str, str | None, str | None] | None:
    """ "what Jane Doe said about the budget" (after "tell me" and the like)."""
    m = _EMBEDDED.match(q)
    if not m:
        return None
    found = _speaker_verb(m["body"], _VERBS, past_only=True)
    if found is None or _wh_determiner(found[0]):
        return None
    return _result(*found)


def _wh_determiner(phrase: str) -> bool:
    """Whether "what" asks which one ("What famous leader called Harvard home?"): a bare role or lowercase words."""
    words = phrase.split()
    return speaker_phrase_kind(phrase) in ("role", "words") and words[0].lower() not in _DETERMINERS


def _parse_echo(q: str) -> tuple[str, str | None, str | None] | None:
    m = _ECHO.match(q)
    if not m:
        return None
    *before, verb = m["body"].split(" ")
    if verb.lower() not in _VERBS or not _speakerish(" ".join(before)):
        return None
    return _result(" ".join(before), _VERBS[verb.lower()], m["rest"] or "")


def _parse_according(q: str) -> tuple[str, str | None, str | None] | None:
    for pattern in (_ACCORDING_FIRST, _ACCORDING_FIRST_NO_COMMA, _ACCORDING_LAST):
        m = pattern.match(q)
        if m and _speakerish(m["sp"]):
            return m["sp"].strip(" ,"), m["rest"].strip(" ,") or None, None
    return None


def _parse_quote(q: str) -> tuple[str, str | None, str | None] | None:
    m = _QUOTE.match(q)
    if m and _speakerish(m["sp"]):
        return m["sp"], _clean_topic(m["rest"] or ""), "say"
    return None


def _speaker_verb(body: str, forms: dict[str, str], past_only: bool = False) -> tuple[str, str, str] | None:
    """Split "<speaker> <verb> <rest>" at the first reporting verb that leaves a plausible speaker before it."""
    words = body.split(" ")
    for i in range(1, len(words)):
        form = words[i].lower()
        if form not in forms or (past_only and form == forms[form]):
            continue
        before = words[:i]
        while before and before[-1].lower() in _TRAILING_ADVERBS | {"has", "had", "have", "to"}:
            before = before[:-1]
        speaker = " ".join(before)
        if _speakerish(speaker):
            return speaker, forms[form], " ".join(words[i + 1 :])
    return None


def _speakerish(phrase: str) -> bool:
    """Whether a phrase can name a speaker (index/ask/speakers.py decides, for questions and answers alike)."""
    return speaker_phrase_kind(phrase) is not None


def _result(speaker: str, verb: str, rest: str) -> tuple[str, str | None, str | None]:
    if verb == "tell" and not _TOPIC_LEAD.match(rest):
        # "tell reporters about X": the object is the audience, the topic follows "about"
        parts = re.split(r"\b(?:about|regarding|concerning)\s+", rest, maxsplit=1)
        rest = parts[1] if len(parts) == 2 else ""
    topic = _clean_topic(rest)
    if topic is None and verb not in _SAY_LIKE:
        topic = verb
    return speaker.strip(" ,"), topic, verb


def _noun_result(speaker: str, noun: str, rest: str) -> tuple[str, str | None, str | None]:
    topic = _clean_topic(rest)
    if topic is None and noun in _CONTENT_NOUNS:
        topic = noun
    return speaker.strip(" ,"), topic, _NOUNS[noun]


def _clean_topic(rest: str) -> str | None:
    topic = rest.strip(" ,?.!")
    topic = _TOPIC_LEAD.sub("", topic, count=1)
    topic = _TOPIC_TAIL.sub("", topic).strip(" ,?.!")
    if topic.lower() in _BARE_PREPOSITIONS:
        return None
    return topic or None
