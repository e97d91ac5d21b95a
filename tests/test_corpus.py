"""Loading articles: front matter, plain text, JSON Lines, and clear messages for malformed files."""

from __future__ import annotations

import json
from pathlib import Path

from index.ingest.corpus import load_corpus, load_file

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_real_corpus_keeps_seed_text_exactly() -> None:
    articles, problems = load_corpus(REPO / "corpus")
    assert problems == []
    assert len(articles) == 2
    for article in articles:
        first_line = article.text.split("\n", 1)[0]
        assert article.title == first_line
        assert article.source is None and article.url is None and article.published is None
        seed = SEEDS / f"{article.doc_id}.txt"
        if seed.exists():  # shared/ sits beside the repo in development and CI
            assert article.text == seed.read_text(encoding="utf-8")


def test_front_matter_metadata(tmp_path: Path) -> None:
    write(
        tmp_path / "a.md",
        "---\ntitle: Rates rise\nsource: Daily Planet\nurl: https://example.org/a\npublished: 2024-03-01\n---\n"
        "Rates rise\nThe bank raised rates. It said so.\n",
    )
    [article], problems = load_file(tmp_path / "a.md")
    assert problems == []
    assert (article.title, article.source, article.url, article.published) == (
        "Rates rise",
        "Daily Planet",
        "https://example.org/a",
        "2024-03-01",
    )
    assert article.text[article.body_start :].startswith("The bank raised rates.")


def test_front_matter_title_not_repeated_in_text(tmp_path: Path) -> None:
    write(tmp_path / "b.md", "---\ntitle: Storm hits coast\n---\nThe storm hit the coast on Monday.\n")
    [article], _ = load_file(tmp_path / "b.md")
    assert article.title == "Storm hits coast"
    assert article.text[article.body_start :].startswith("The storm hit")


def test_plain_text_first_line_is_title(tmp_path: Path) -> None:
    write(tmp_path / "c.txt", "# Markdown heading title\n\nBody text here.")
    [article], _ = load_file(tmp_path / "c.txt")
    assert article.title == "Markdown heading title"
    assert article.doc_id == "c"


def test_jsonl_articles_and_bad_lines_named(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "One", "text": "First article text.", "source": "Wire", "url": "https://x.test/1"}),
        "{not json",
        json.dumps({"title": "No text"}),
        json.dumps(["a list"]),
        "",
        json.dumps({"id": "custom", "title": "Two", "text": "Second article text.", "published": "2025-01-02"}),
    ]
    write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    articles, problems = load_file(tmp_path / "feed.jsonl")
    assert [a.doc_id for a in articles] == ["feed:1", "custom"]
    assert articles[0].source == "Wire" and articles[1].published == "2025-01-02"
    assert [p.line for p in problems] == [2, 3, 4]
    assert "not valid JSON" in str(problems[0]) and "feed.jsonl:2" in str(problems[0])
    assert "'text'" in problems[1].message


def test_malformed_file_does_not_lose_others(tmp_path: Path) -> None:
    write(tmp_path / "good.md", "Good title\nGood body sentence.")
    write(tmp_path / "bad.md", "---\ntitle: [unclosed\n---\nBody.")
    write(tmp_path / "open.md", "---\ntitle: never closed\nBody.")
    write(tmp_path / "empty.md", "Only a title\n")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00bad")
    write(tmp_path / ".hidden.md", "Hidden\nNot loaded.")
    write(tmp_path / "notes.csv", "not,an,article")
    articles, problems = load_corpus(tmp_path)
    assert [a.doc_id for a in articles] == ["good"]
    messages = {Path(p.path).name: p.message for p in problems}
    assert set(messages) == {"bad.md", "open.md", "empty.md", "binary.txt"}
    assert "YAML" in messages["bad.md"]
    assert "never closed" in messages["open.md"]
    assert "no text" in messages["empty.md"]
    assert "UTF-8" in messages["binary.txt"]


def test_duplicate_ids_reported(tmp_path: Path) -> None:
    write(tmp_path / "a.md", "---\nid: same\ntitle: A\n---\nText A.")
    write(tmp_path / "b.md", "---\nid: same\ntitle: B\n---\nText B.")
    articles, problems = load_corpus(tmp_path)
    assert len(articles) == 1 and "duplicate article id 'same'" in problems[0].message


def test_fingerprint_changes_with_text() -> None:
    from index.ingest.corpus import Article

    a = Article("x", "T", "T\nbody", 2)
    b = Article("x", "T", "T\nbody!", 2)
    assert a.fingerprint != b.fingerprint and a.fingerprint == Article("x", "T", "T\nbody", 2).fingerprint
