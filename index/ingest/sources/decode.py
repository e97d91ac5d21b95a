"""Turn the bytes of a page into text: the declared charset when it fits, else a guess, never a crash."""

from __future__ import annotations

import codecs
import re

# A charset declared in the first bytes of the page: <meta charset="..."> or <meta http-equiv ... charset=...>,
# or an XML declaration's encoding.
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I
)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))  # fmt: skip
# Browsers read these labels as windows-1252 (the WHATWG encoding standard); so do we.
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}


def decode_html(data: bytes, header_charset: str | None = None) -> str:
    """Return the text of an HTML page: BOM, then the HTTP charset, then the page's own declaration, then a guess."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    candidates: list[str | None] = [header_charset, declared_charset(data), "utf-8"]
    for label in candidates:
        text = _try(data, label)
        if text is not None:
            return text
    return _guess(data)


def declared_charset(data: bytes) -> str | None:
    """Return the charset a page or XML document declares in its first 4 kB, if any."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", errors="replace")


def _try(data: bytes, name: str | None) -> str | None:
    if not name:
        return None
    label = _ALIASES.get(name.strip().lower(), name.strip())
    try:
        codecs.lookup(label)
        return data.decode(label)
    except (LookupError, UnicodeDecodeError):
        return None


def _guess(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is not None:
        text = _try(data, best.encoding)
        if text is not None:
            return text
    return data.decode("cp1252", errors="replace")
