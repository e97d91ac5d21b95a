"""Load articles from a corpus folder: Markdown/text files with front matter, and JSON Lines files."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .urls import url_problem

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
JSONL_SUFFIXES = {".jsonl"}
METADATA_FIELDS = ("source", "url", "published", "language")
# Lone UTF-16 surrogates come from escapes such as "\ud800" in JSON or YAML; they cannot be stored or printed.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Article:
    """One article: its verbatim text, where the body starts in it, and the metadata that is known."""

    doc_id: str
    title: str
    text: str
    body_start: int = 0
    source: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    path: str | None = None
    author: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the article as a plain dict."""
        return asdict(self)

    @property
    def fingerprint(self) -> str:
        """Return a hash of everything that affects how the article is indexed."""
        fields = [self.doc_id, self.title, self.text, self.body_start, *[getattr(self, f) for f in METADATA_FIELDS]]
        if self.author is not None:  # only then: articles without an author keep the fingerprints they had
            fields.append(self.author)
        payload = json.dumps(fields, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CorpusProblem:
    """A file (and line) that could not be loaded, and why."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def load_corpus(folder: Path) -> tuple[list[Article], list[CorpusProblem]]:
    """Load every article file below a folder; bad files are reported, never fatal for the others."""
    folder = Path(folder)
    articles: list[Article] = []
    files, problems = corpus_files(folder)
    for path in files:
        found, bad = load_file(path, doc_prefix=_relative_stem(path, folder))
        articles.extend(found)
        problems.extend(bad)
    return dedupe_ids(*drop_bad_urls(articles, problems))


def load_files(paths: Sequence[Path]) -> tuple[list[Article], list[CorpusProblem]]:
    """Load the articles in some files; an id seen twice keeps its first article and reports the others."""
    articles: list[Article] = []
    problems: list[CorpusProblem] = []
    for path in paths:
        found, bad = load_file(Path(path))
        articles.extend(found)
        problems.extend(bad)
    return dedupe_ids(*drop_bad_urls(articles, problems))


def article_files(folder: Path) -> list[Path]:
    """List the files below a folder that hold articles (hidden and underscore files are skipped)."""
    return corpus_files(folder)[0]


def corpus_files(folder: Path) -> tuple[list[Path], list[CorpusProblem]]:
    """List the article files below a folder, sorted; symlinks that lead out of the folder are reported, not followed.

    Files and folders starting with '.' or '_' are skipped silently. A symlink to a folder inside the corpus is not
    followed either (its files are loaded from where they are).
    """
    root = Path(folder).resolve()
    files: list[Path] = []
    skipped: list[CorpusProblem] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for name in list(dirnames):
            path = base / name
            if name.startswith((".", "_")) or path.is_symlink():
                dirnames.remove(name)
                if not name.startswith((".", "_")) and not path.resolve().is_relative_to(root):
                    skipped.append(
                        CorpusProblem(str(path), "a symlink to a folder outside the corpus folder (not followed)")
                    )
        for name in filenames:
            path = base / name
            if name.startswith((".", "_")) or path.suffix.lower() not in TEXT_SUFFIXES | JSONL_SUFFIXES:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                skipped.append(CorpusProblem(str(path), "a symlink to a file outside the corpus folder"))
            elif path.is_file():
                files.append(path)
    return sorted(files), skipped


def load_file(path: Path, doc_prefix: str | None = None) -> tuple[list[Article], list[CorpusProblem]]:
    """Load the articles in one file."""
    path = Path(path)
    prefix = doc_prefix or path.stem
    try:
        raw = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not part of the text
    except UnicodeDecodeError as exc:
        return [], [CorpusProblem(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return [], [CorpusProblem(str(path), f"cannot be read ({exc.strerror})")]
    if path.suffix.lower() in JSONL_SUFFIXES:
        return _load_jsonl(raw, path, prefix)
    try:
        return [parse_text_article(raw, doc_id=prefix, path=str(path))], []
    except ValueError as exc:
        line, message = exc.args if len(exc.args) == 2 else (None, str(exc))
        return [], [CorpusProblem(str(path), message, line)]


def parse_text_article(raw: str, doc_id: str, path: str | None = None) -> Article:
    """Parse a Markdown/plain-text article: optional front matter, then the text (first line is the title)."""
    meta: dict[str, Any] = {}
    text = raw
    if raw.startswith("---\n") or raw.startswith("---\r\n"):
        end = raw.find("\n---", 3)
        if end < 0:
            raise ValueError(1, "front matter opened with '---' is never closed")
        block = raw[raw.index("\n") + 1 : end + 1]
        try:
            loaded = yaml.safe_load(block) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            raise ValueError(line, f"front matter is not valid YAML ({getattr(exc, 'problem', exc)})") from None
        except RecursionError:
            raise ValueError(2, "front matter is nested too deeply") from None
        except (ValueError, OverflowError) as exc:  # e.g. a date that does not exist: 2024-02-30
            raise ValueError(2, f"front matter holds an impossible value ({exc})") from None
        if not isinstance(loaded, dict):
            raise ValueError(2, "front matter must be 'key: value' lines")
        meta = loaded
        after = raw.find("\n", end + 4)
        text = raw[after + 1 :] if after >= 0 else ""
    return _make_article(meta, text, doc_id=str(meta.get("id") or doc_id), path=path)


def make_article(meta: dict[str, Any], text: str, doc_id: str, path: str | None = None) -> Article:
    """Return an article from its metadata and verbatim text (ValueError when it has no title or no text)."""
    return _make_article(meta, text, doc_id=doc_id, path=path)


def _make_article(meta: dict[str, Any], text: str, doc_id: str, path: str | None) -> Article:
    fields = ("title", "author", *METADATA_FIELDS)
    unknown_type = [k for k in fields if meta.get(k) is not None and not _is_scalar(meta[k])]
    if unknown_type:
        raise ValueError(None, f"field '{unknown_type[0]}' must be a single value")
    title_line, body_start = _first_line(text)
    title = _clean(meta.get("title"))
    if title is None:
        title = title_line.lstrip("#").strip() if title_line else None
    elif _same_title(title_line, title):
        pass  # the text repeats the title on its first line: the body starts after it
    else:
        body_start = _skip_blank(text, 0)
    if not title:
        raise ValueError(None, "article has no title (no 'title' field and no first line)")
    if not text[body_start:].strip():
        raise ValueError(None, "article has no text after its title")
    return Article(
        doc_id=_valid_text(doc_id),
        title=_valid_text(title),
        text=_valid_text(text),
        body_start=body_start,
        source=_clean(meta.get("source") or meta.get("publisher")),
        url=_clean(meta.get("url")),
        published=_clean(meta.get("published") or meta.get("date")),
        language=_clean(meta.get("language")),
        path=path,
        author=_clean(meta.get("author")),
    )


def _load_jsonl(raw: str, path: Path, prefix: str) -> tuple[list[Article], list[CorpusProblem]]:
    articles: list[Article] = []
    problems: list[CorpusProblem] = []
    # Lines end at "\n" only: U+2028, U+0085 and friends are legal inside a JSON string (str.splitlines would cut).
    for number, line in enumerate(raw.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(CorpusProblem(str(path), f"not valid JSON ({exc.msg} at column {exc.colno})", number))
            continue
        except RecursionError:
            problems.append(CorpusProblem(str(path), "JSON nested too deeply", number))
            continue
        if not isinstance(record, dict):
            problems.append(CorpusProblem(str(path), "each line must be a JSON object", number))
            continue
        missing = [k for k in ("title", "text") if not isinstance(record.get(k), str) or not record[k].strip()]
        if missing:
            problems.append(CorpusProblem(str(path), f"missing or empty field '{missing[0]}'", number))
            continue
        text = record["text"]
        meta = {k: record.get(k) for k in ("title", "author", *METADATA_FIELDS, "publisher", "date")}
        try:
            articles.append(
                _make_article(meta, text, doc_id=str(record.get("id") or f"{prefix}:{number}"), path=str(path))
            )
        except ValueError as exc:
            problems.append(CorpusProblem(str(path), exc.args[-1], number))
    if not articles and not problems:
        problems.append(CorpusProblem(str(path), "holds no articles (the file is empty)"))
    return articles, problems


def dedupe_ids(articles: list[Article], problems: list[CorpusProblem]) -> tuple[list[Article], list[CorpusProblem]]:
    """Keep the first article of each doc_id and report the others."""
    seen: dict[str, Article] = {}
    for article in articles:
        if article.doc_id in seen:
            problems.append(
                CorpusProblem(
                    article.path or "?",
                    f"duplicate article id '{article.doc_id}' (first in {seen[article.doc_id].path}); skipped",
                )
            )
        else:
            seen[article.doc_id] = article
    return list(seen.values()), problems


def drop_bad_urls(
    articles: Sequence[Article], problems: Sequence[CorpusProblem]
) -> tuple[list[Article], list[CorpusProblem]]:
    """Keep every article, without a URL that fails urls.check_url; each dropped URL is reported as a problem."""
    kept: list[Article] = []
    reported = list(problems)
    for article in articles:
        why = url_problem(article.url) if article.url is not None else None
        kept.append(article if why is None else replace(article, url=None))
        if why is not None:
            where = article.path or article.doc_id
            reported.append(CorpusProblem(where, f"URL of article '{article.doc_id}' ({why}); the article is kept"))
    return kept, reported


def _relative_stem(path: Path, folder: Path) -> str:
    return path.relative_to(folder).with_suffix("").as_posix()


def _first_line(text: str) -> tuple[str | None, int]:
    """Return the first non-blank line and the offset where the text after it starts."""
    start = _skip_blank(text, 0)
    if start >= len(text):
        return None, len(text)
    end = text.find("\n", start)
    if end < 0:
        return text[start:].strip(), len(text)
    return text[start:end].strip(), _skip_blank(text, end + 1)


def _skip_blank(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _same_title(line: str | None, title: str) -> bool:
    return line is not None and line.lstrip("#").strip() == title.strip()


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, dt.date, dt.datetime))


def _valid_text(text: str) -> str:
    """Return text with lone surrogates (from escapes like "\\ud800") replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = _valid_text(str(value)).strip()
    return text or None
