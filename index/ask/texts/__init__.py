"""Everything newsbot says besides quotes, one catalogue per language (en.py, ru.py, uk.py): a new language is one
more file with the same keys, and its code in index/ask/language.py's SUPPORTED."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from ..language import SUPPORTED
from .others import UNSUPPORTED

DEFAULT = "en"


def _catalogue(lang: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{lang if lang in SUPPORTED else DEFAULT}")


def say(lang: str | None, key: str, **values: Any) -> str:
    """Return a text of the catalogue of a language (English when the language has none), filled with values."""
    texts: dict[str, str] = _catalogue(lang or DEFAULT).TEXTS
    return texts.get(key, _catalogue(DEFAULT).TEXTS[key]).format(**values)


def count(lang: str | None, number: int, noun: str) -> str:
    """Return "3 statements" in a language: the number with the noun's plural form that goes with it."""
    module = _catalogue(lang or DEFAULT)
    return f"{number} {module.plural(number, module.NOUNS[noun])}"


def plural_of(lang: str | None, number: int, noun: str) -> str:
    """Return the form of a noun that goes with a number ("statements" for 3, "высказываний" for 5)."""
    module = _catalogue(lang or DEFAULT)
    return str(module.plural(number, module.NOUNS[noun]))


def supported_names(lang: str | None) -> str:
    """Return the names of the supported languages in a language ("English, Russian and Ukrainian")."""
    module = _catalogue(lang or DEFAULT)
    names = [module.LANGUAGES[code] for code in SUPPORTED]
    return module.TEXTS["and_list"].format(first=", ".join(names[:-1]), last=names[-1])


def unsupported(lang: str) -> str:
    """Return the reply to a question in a language the bot cannot answer: English, plus that language if known."""
    english = say(DEFAULT, "unsupported_language", languages=supported_names(DEFAULT))
    own = UNSUPPORTED.get(lang)
    return f"{english}\n{own}" if own else english
