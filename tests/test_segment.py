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


# --- bounded quotation merging (issue 15) and linear splitting (issue 12, defect 5) ---------------------------

FILLER = [
    "The council met on Monday.",
    "It approved the harbour budget.",
    "Ferries will run every hour.",
    "The mayor thanked the crews.",
    "Repairs begin in May.",
    "Tolls stay the same.",
    "A new pier is planned.",
    "Residents asked about parking.",
    "The answer comes next week.",
    "Nobody voted against.",
]


def test_inch_mark_opens_no_quotation() -> None:
    text = 'The new screen measures 58.23" across. ' + " ".join(FILLER)
    assert texts(text) == ['The new screen measures 58.23" across.', *FILLER]


def test_quote_that_never_closes_swallows_nothing() -> None:
    text = "The chairman said: “We will not stop here. " + " ".join(FILLER)
    assert texts(text) == ["The chairman said: “We will not stop here.", *FILLER]


def test_straight_quote_that_never_closes_swallows_nothing() -> None:
    text = 'The chairman said: "We will not stop here. ' + " ".join(FILLER)
    assert texts(text) == ['The chairman said: "We will not stop here.', *FILLER]


def test_quote_longer_than_the_limit_is_left_split() -> None:
    quoted = "“" + " ".join(FILLER[:8]) + "” he said."
    result = texts(quoted)
    assert len(result) > 1 and max(len(s) for s in result) < 60


def test_quote_stops_at_the_paragraph_end() -> None:
    text = "“We tried. We failed.\nWe will try again,” she said. The crowd cheered."
    assert texts(text) == ["“We tried.", "We failed.", "We will try again,” she said.", "The crowd cheered."]


def test_quote_that_spans_sentences_and_closes_is_one_result() -> None:
    text = 'He said: "The budget is balanced. Nobody expected it." Then he left.'
    assert texts(text) == ['He said: "The budget is balanced. Nobody expected it."', "Then he left."]


@pytest.mark.parametrize(
    "sentences",
    [
        ["“This is not over,” said Ms. Patel.", "Her lawyer agreed."],
        ["Gov. Lyle Ferris and Lt. Col. Omar Reyes spoke first.", "Ft. Ward was closed."],
        ["No. 5 on the list was a former mayor.", "No one else applied."],
        ["“Why now?” asked one resident.", "Nobody answered her."],
        ["‘Why would he say that?’ Ortiz mused, shaking her head.", "The room was quiet."],
        ["Inflation rose 3.5 percent to $2.5 billion.", "Wages rose 2.1 percent."],
        ["J. R. R. Tolkien's letters were sold in the U.S. capital.", "A buyer paid the most."],
    ],
)
def test_news_abbreviations_numbers_and_quotes(sentences: list[str]) -> None:
    assert texts(" ".join(sentences)) == sentences


def test_segmenter_sees_each_character_about_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from index.ingest import segment

    seen: list[int] = []
    real = segment.backend_segment

    def counting(chunk: str) -> list[str]:
        seen.append(len(chunk))
        return real(chunk)

    monkeypatch.setattr(segment, "backend_segment", counting)
    paragraph = " ".join(FILLER * 2000)  # one paragraph of ~580 KB
    result = split_sentences(paragraph)
    assert len(result) == 20_000
    assert max(seen) <= segment.WINDOW
    assert sum(seen) < 1.01 * len(paragraph)  # linear: no character is segmented twice over


def test_oversized_article_is_refused_with_a_message(tmp_path: Path) -> None:
    from index.build.full import build_index
    from index.ingest.segment import MAX_ARTICLE_CHARS
    from testkit.encoders import FakeEncoder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "small.md").write_text("Harbour news\n" + " ".join(FILLER), encoding="utf-8")
    (corpus / "huge.md").write_text("Huge\n" + "Word after word. " * (MAX_ARTICLE_CHARS // 17 + 10), encoding="utf-8")
    report = build_index(corpus, tmp_path / "index", FakeEncoder())
    assert report.manifest.documents == 1 and report.manifest.sentences == len(FILLER)
    assert any("huge.md" in str(p) and "over the limit" in str(p) for p in report.problems)
