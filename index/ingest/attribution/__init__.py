"""Find the sentences of an article that report a statement, and who made it: rules over tokens, no model.

The approach: quotations are masked, then each reporting cue (said, warned, according to, ...) looks for its
subject next to it (before it, after it when inverted, or through an apposition). The subject noun phrase is
resolved to an article-level entity: a full name, a surname seen before, a pronoun (most salient person or
organisation), a role noun matched against the descriptions the article gave ("the diplomat" -> "deputy
envoy"), a generic group ("critics") or an organisation. Sentences inside a quotation take the speaker of
the sentence that attributes it.

Modules: lexicon (word lists), tokens, sentence, names and phrases (noun phrases), subjects and cues (finding a
statement), resolve (entities of the article), quotes (masking and propagation), article (the whole pass).
"""

from .article import attribute
from .lexicon import (
    DESCRIPTION_END,
    GROUP_NOUNS,
    HONORIFICS,
    LEADING_WORDS,
    NAME_SUFFIXES,
    ORG_NOUNS,
    ORG_SUFFIXES,
    PERSON_ROLES,
    QUESTION_VERBS,
    REPORTING_LEMMAS,
)
from .model import Attribution, Speaker
from .names import same_first_name
from .places import SHARED_SEATS, place_of, same_place
from .roles import role_head, role_matches, same_word
from .tokens import normalize_key

__all__ = [
    "DESCRIPTION_END",
    "GROUP_NOUNS",
    "HONORIFICS",
    "LEADING_WORDS",
    "NAME_SUFFIXES",
    "ORG_NOUNS",
    "ORG_SUFFIXES",
    "PERSON_ROLES",
    "QUESTION_VERBS",
    "REPORTING_LEMMAS",
    "SHARED_SEATS",
    "Attribution",
    "Speaker",
    "attribute",
    "normalize_key",
    "place_of",
    "role_head",
    "role_matches",
    "same_first_name",
    "same_place",
    "same_word",
]
