"""The corpus loader against hostile files: symlinks out of the folder, byte-order marks, odd line breaks, any bytes."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.ingest.corpus import Article, CorpusProblem, load_corpus, load_file

ARTICLE = "Harbour reopens\n\nThe harbour reopened on Tuesday after repairs.\n"


def test_a_symlink_leaving_the_corpus_folder_is_not_followed_and_is_reported(tmp_path: Path) -> None:
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    (corpus / "harbour.md").write_text(ARTICLE)
    (outside / "secret.md").write_text("Private notes\n\nThe password is swordfish.\n")
    (outside / "nested").mkdir()
    (outside / "nested" / "more.md").write_text("More notes\n\nAnother private line.\n")
    (corpus / "leak.md").symlink_to(outside / "secret.md")
    (corpus / "folder").symlink_to(outside / "nested", target_is_directory=True)
    (corpus / "same.md").symlink_to(corpus / "harbour.md")  # stays inside: harmless, loaded under its own name
    articles, problems = load_corpus(corpus)
    texts = " ".join(a.text for a in articles)
    assert "swordfish" not in texts and "Another private line" not in texts
    assert sorted(a.doc_id for a in articles) == ["harbour", "same"]
    skipped = {Path(p.path).name: p.message for p in problems}
    assert set(skipped) == {"leak.md", "folder"}
    assert all("outside the corpus folder" in message for message in skipped.values())


def test_a_byte_order_mark_before_front_matter_is_not_part_of_the_title(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf---\ntitle: Rates rise\nsource: Daily Planet\n---\nThe bank raised rates today.\n")
    [article], problems = load_file(path)
    assert problems == []
    assert (article.title, article.source) == ("Rates rise", "Daily Planet")
    assert "---" not in article.text and "\ufeff" not in article.text


def test_a_byte_order_mark_in_a_jsonl_file_does_not_lose_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"title": "Rates rise", "text": "The bank raised rates."}).encode())
    [article], problems = load_file(path)
    assert problems == [] and article.title == "Rates rise"


def test_a_line_separator_inside_a_jsonl_string_keeps_the_article_and_the_line_numbers(tmp_path: Path) -> None:
    records = [
        {"title": "First", "text": "One sentence.\u2028Another after a line separator.\u2029And a paragraph one\x85."},
        {"title": "Second", "text": "The second article."},
        {"title": ""},  # line 3: reported with its own number
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\r\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\r\n", encoding="utf-8")
    articles, problems = load_file(path)
    assert [a.title for a in articles] == ["First", "Second"]
    assert articles[0].text == records[0]["text"]
    assert [a.doc_id for a in articles] == ["feed:1", "feed:2"]
    assert [(p.line, p.message) for p in problems] == [(3, "missing or empty field 'title'")]


def test_deeply_nested_json_and_lone_surrogates_are_handled(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"title": "Broken \ud800 escape", "text": "Text with a lone \udc00 surrogate."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, problems = load_file(path)
    assert [p.line for p in problems] == [1] and "nested too deeply" in problems[0].message
    [article] = articles  # kept, with the broken escapes replaced: it can be stored and printed
    assert article.title == "Broken \ufffd escape" and "lone \ufffd surrogate" in article.text
    article.text.encode("utf-8")


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.builds(
            lambda meta, body: f"---\n{meta}\n---\n{body}".encode("utf-8", "surrogatepass"),
            st.text(max_size=120),
            st.text(max_size=120),
        ),
        st.lists(
            st.dictionaries(
                st.sampled_from(["id", "title", "text", "url", "source", "published", "language", "x"]),
                st.one_of(st.text(max_size=40), st.integers(), st.none(), st.lists(st.integers(), max_size=2)),
            ),
            max_size=4,
        ).map(lambda rows: "\n".join(json.dumps(r) for r in rows).encode()),
    ),
    suffix=st.sampled_from([".md", ".txt", ".jsonl"]),
)
def test_any_bytes_give_articles_or_reported_skips_never_a_crash(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    articles, problems = load_file(path)
    assert all(isinstance(a, Article) for a in articles) and all(isinstance(p, CorpusProblem) for p in problems)
    assert articles or problems  # nothing vanishes silently, not even an empty file
    for article in articles:
        for value in (article.title, article.text, article.doc_id, article.url, article.source, article.published):
            (value or "").encode("utf-8")  # storable and printable: no lone surrogates
        assert article.title.strip() and article.text[article.body_start :].strip()
