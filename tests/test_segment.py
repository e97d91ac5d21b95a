"""Sentence splitting keeps verbatim offsets and never cuts a quotation in half."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from index.ingest.corpus import load_corpus
from index.ingest.segment import paragraphs, split_sentences

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def texts(text: str, start: int = 0) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, start)]


def test_offsets_are_verbatim_and_ordered() -> None:
    text = "First one here. Second, with Mr. Smith at 5 p.m. today.\n\nNew paragraph? Yes!"
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == [
        "First one here.",
        "Second, with Mr. Smith at 5 p.m. today.",
        "New paragraph?",
        "Yes!",
    ]
    assert [s.paragraph for s in spans] == [0, 0, 1, 1]
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_start_offset_skips_title() -> None:
    text = "The Title\nBody sentence one. Body two."
    assert texts(text, start=10) == ["Body sentence one.", "Body two."]


def test_quote_with_attribution_after_is_one_sentence() -> None:
    text = "“Anything could happen. Nothing is ruled out here,” the minister warned. Then she left."
    assert texts(text) == ["“Anything could happen. Nothing is ruled out here,” the minister warned.", "Then she left."]


def test_quote_ending_sentence_keeps_closing_mark() -> None:
    text = "She said the plan was “dead.” Officials disagreed."
    assert texts(text) == ["She said the plan was “dead.”", "Officials disagreed."]


def test_open_quote_is_joined_until_it_closes() -> None:
    text = "He said: “We tried. We failed. We will try again.” The crowd cheered."
    assert texts(text)[0] == "He said: “We tried. We failed. We will try again.”"


def test_paragraphs_single_and_blank_line_breaks() -> None:
    text = "One.\nTwo.\n\n\nThree."
    assert [text[a:b] for a, b in paragraphs(text)] == ["One.", "Two.", "Three."]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.md")), ids=lambda p: p.stem)
def test_real_corpus_round_trip(path: Path) -> None:
    articles, problems = load_corpus(path.parent)
    article = next(a for a in articles if a.doc_id == path.stem)
    spans = split_sentences(article.text, article.body_start)
    assert not problems and len(spans) > 5
    body = article.text[article.body_start :]
    rebuilt = "".join(ch for ch in body if not ch.isspace())
    joined = "".join(ch for s in spans for ch in article.text[s.start : s.end] if not ch.isspace())
    assert joined == rebuilt  # nothing lost, nothing duplicated
