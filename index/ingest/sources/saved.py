"""Keep what was extracted from pages and feeds as Markdown files in the corpus folder, so a full build includes it.

Each file holds front matter (id, title, source, url, published, author, language) and then the text exactly as
extracted, so that loading it gives back the same article (same id, same fingerprint). The file's place depends on
the article id only: the same article always lands in the same file, and removing it knows where to look.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..corpus import Article

FETCHED = "fetched"  # the corpus sub-folder for extracted articles
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def saved_path(corpus: Path, doc_id: str) -> Path:
    """Return the file that holds (or would hold) the article doc_id below a corpus folder."""
    digest = hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:12]
    parts = urlsplit(doc_id) if "://" in doc_id else None
    folder = _safe(parts.hostname or "") if parts else ""
    tail = [p for p in (parts.path if parts else doc_id).split("/") if p]
    stem = _safe(tail[-1] if tail else "")[:60].strip("._-")
    name = f"{stem}-{digest}.md" if stem else f"{digest}.md"
    return Path(corpus) / FETCHED / (folder or "other") / name


def save_article(article: Article, corpus: Path) -> Path:
    """Write an article as a Markdown file below corpus/fetched (atomically) and return its path."""
    path = saved_path(corpus, article.doc_id)
    meta = {"id": article.doc_id, "title": article.title}
    for key in ("source", "url", "published", "author", "language"):
        value = getattr(article, key)
        if value is not None:
            meta[key] = value
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".saving-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(f"---\n{front}---\n{article.text}")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def delete_saved(corpus: Path, doc_id: str) -> Path | None:
    """Delete the saved file of an article, if there is one; return its path when it was deleted."""
    path = saved_path(corpus, doc_id)
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    return path


def _safe(value: str) -> str:
    return _UNSAFE.sub("-", value)
