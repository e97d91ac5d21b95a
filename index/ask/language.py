"""Which language a question is written in: py3langid over a set of likely languages, plus three rules.

Measured on short questions (scripts/bench_languages.py): py3langid restricted to these languages, with the rules,
recognised 20/20 English, 44/44 Russian and 42/44 Ukrainian questions and every one of 731 English evaluation
questions in 0.05 ms each; lingua (high accuracy) took 15 s and 800 MB to load and mistook Ukrainian "Що ..." for
Kazakh. The rules:

1. a question mixing Latin and Cyrillic words is judged on its other words: capitalised words after the first are
   names ("What did Полянский say?" is English, "Что сказал Polyansky?" Russian);
2. a supported language wins when it is at least half as likely as the best one (refusing a question costs more
   than answering it in a neighbouring language);
3. letters only one of Russian and Ukrainian has decide between them (і ї є ґ: Ukrainian; ы э ъ ё: Russian);
4. an unsupported language must be likely (probability >= 0.7): a few words of markup, a name or "ok" go to the
   supported language of their script (English for Latin letters), not to a refusal.
"""

from __future__ import annotations

import functools
import re
from typing import Any

SUPPORTED = ("en", "ru", "uk")
DEFAULT = "en"
# Languages the detector chooses among: the supported ones, their neighbours, and the languages of the largest
# groups of Telegram users, so that an unsupported question is named rather than mistaken for a supported one.
CANDIDATES = tuple(
    re.findall(r"\w+", "en ru uk be bg sr mk kk de fr es it pt pl nl tr cs sk ro hu sv da nb fi ar zh ja ko he el hy")
)
SUPPORTED_SHARE = 0.5  # rule 2
UNSUPPORTED_MIN = 0.7  # rule 4
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(_model_path(MODEL_FILE), norm_probs=True)
    identifier.set_languages([code for code in CANDIDATES if code in identifier.nb_classes])
    return identifier


def _model_path(name: str) -> Any:
    from py3langid.langid import MODEL_DIR

    return MODEL_DIR / name


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the language a question is written in (English when nothing tells)."""
    words = _WORD.findall(text)
    if not words:
        return DEFAULT
    ranked: list[tuple[str, float]] = _identifier().rank(_without_names(words))
    best, top = ranked[0]
    if best not in SUPPORTED:
        cyrillic = _CYRILLIC.search(text) is not None
        supported = [(code, p) for code, p in ranked if code in SUPPORTED and (code != "en") == cyrillic]
        if supported and (supported[0][1] >= SUPPORTED_SHARE * top or top < UNSUPPORTED_MIN):
            best = supported[0][0]
    return _by_letters(text.lower(), best)


def _without_names(words: list[str]) -> str:
    """Rule 1: in a question mixing scripts, drop the capitalised words after the first."""
    scripts = {bool(_CYRILLIC.match(w)) for w in words}
    if len(scripts) < 2:
        return " ".join(words)
    kept = [w for i, w in enumerate(words) if i == 0 or not w[0].isupper()]
    return " ".join(kept or words)


def _by_letters(text: str, lang: str) -> str:
    """Rule 3: letters only Ukrainian or only Russian has."""
    ukrainian, russian = bool(re.search("[іїєґ]", text)), bool(re.search("[ыэъё]", text))
    if lang == "ru" and ukrainian and not russian:
        return "uk"
    if lang == "uk" and russian and not ukrainian:
        return "ru"
    return lang


def is_supported(lang: str) -> bool:
    """Tell whether questions in this language are answered."""
    return lang in SUPPORTED
