"""Countries and the seats of government news uses for them ("Moscow said" = Russia, "Berlin's envoy" = Germany's).

Country names come from pycountry (ISO 3166: short, official and common names). News also names a state by its
capital or by the building its government sits in; those are the short list below. Brussels stands for the European
Union or for NATO, whichever the article is about.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

# Seats of government that news uses for the state (capital cities and government buildings), by ISO 3166 alpha-3.
SEATS: dict[str, str] = {
    "moscow": "RUS", "kremlin": "RUS", "washington": "USA", "white house": "USA", "kyiv": "UKR", "kiev": "UKR",
    "beijing": "CHN", "zhongnanhai": "CHN", "london": "GBR", "downing street": "GBR", "whitehall": "GBR",
    "paris": "FRA", "elysee": "FRA", "elysee palace": "FRA", "berlin": "DEU", "tokyo": "JPN", "tehran": "IRN",
    "damascus": "SYR", "ankara": "TUR", "pyongyang": "PRK", "seoul": "KOR", "new delhi": "IND", "ottawa": "CAN",
    "canberra": "AUS", "rome": "ITA", "madrid": "ESP", "warsaw": "POL", "minsk": "BLR", "riyadh": "SAU",
    "cairo": "EGY", "taipei": "TWN", "havana": "CUB", "caracas": "VEN", "mexico city": "MEX", "brasilia": "BRA",
}  # fmt: skip
# Short names news uses that ISO 3166 does not list, and demonyms not built on the country's name.
ALIASES: dict[str, str] = {
    "russia": "RUS", "america": "USA", "us": "USA", "u s": "USA", "usa": "USA", "britain": "GBR",
    "great britain": "GBR", "uk": "GBR", "u k": "GBR", "holland": "NLD", "french": "FRA", "british": "GBR",
    "dutch": "NLD", "swiss": "CHE", "greek": "GRC", "polish": "POL", "spanish": "ESP", "danish": "DNK",
    "finnish": "FIN", "irish": "IRL", "welsh": "GBR", "scottish": "GBR", "english": "GBR", "thai": "THA",
    "filipino": "PHL", "american": "USA", "russian": "RUS",
}  # fmt: skip
# Blocs: their names, and the seat they share.
BLOCS: dict[str, str] = {
    "eu": "EU", "european union": "EU", "european commission": "EU", "nato": "NATO",
    "north atlantic treaty organization": "NATO",
}  # fmt: skip
SHARED_SEATS = {"brussels": ("EU", "NATO")}
BLOC_KEYS = {"EU": "european union", "NATO": "nato"}  # the speaker key of a bloc named by its seat
_BLOC_MENTIONS = {"EU": re.compile(r"\bEU\b|European (?:Union|Commission)"), "NATO": re.compile(r"\bNATO\b")}
_DEMONYM_ENDINGS = ("ian", "an", "ese", "ish", "i", "ic")


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Every ISO 3166 country name (short, official, common), lowercased without punctuation, to its alpha-3 code."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name and "," not in name:
                names[_plain(name)] = country.alpha_3
    return names


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("’s", "").replace("'s", "")).split())


def place_of(phrase: str, context: str | None = None) -> str | None:
    """The state or bloc a phrase names ("the Kremlin" -> RUS, "German" -> DEU, "Brussels" -> EU or NATO).

    context: the article's text, to tell what a shared seat such as Brussels stands for.
    """
    key = _plain(phrase)
    if key.startswith("the "):
        key = key[4:]
    if key in SHARED_SEATS:
        return seat_context(key, context) if context else None
    return _place(key)


@lru_cache(maxsize=65536)
def _place(key: str) -> str | None:
    if not key:
        return None
    found = SEATS.get(key) or ALIASES.get(key) or BLOCS.get(key) or _countries().get(key)
    return found or _demonym(key)


def seat_context(seat: str, text: str) -> str | None:
    """What a shared seat stands for in an article: the bloc the article names most often (None when neither)."""
    counts = {bloc: len(_BLOC_MENTIONS[bloc].findall(text)) for bloc in SHARED_SEATS.get(seat, ())}
    best = max(counts, key=lambda bloc: counts[bloc], default=None)
    return best if best is not None and counts[best] > 0 else None


def _demonym(word: str) -> str | None:
    """ "german" -> DEU, "ukrainian" -> UKR: an adjective built on a one-word country name."""
    if " " in word or len(word) < 5 or not word.endswith(_DEMONYM_ENDINGS):
        return None
    for name, code in _countries().items():
        if " " in name:
            continue
        common = 0
        for a, b in zip(word, name, strict=False):
            if a != b:
                break
            common += 1
        if common >= 4 and common >= len(name) - 2:
            return code
    return None


def same_place(a: str, b: str) -> bool:
    """Whether two words or phrases name the same state ("berlin" and "germany", "kremlin" and "russian")."""
    first = place_of(a)
    return first is not None and first == place_of(b)
