"""Speaker questions over invented articles: metonymy, states named differently, nicknames, titles, answer order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.ask.answer import answer
from index.ask.searcher import Searcher
from index.ask.speakers import SpeakerDirectory
from index.build.full import build_index
from index.ingest.attribution import Speaker, attribute, place_of
from index.ingest.segment import split_sentences
from testkit.encoders import FakeEncoder

ARTICLES = {
    "treaty": (
        "2031-03-02",
        "River treaty talks stall\n\n"
        "Moscow said on Monday that the river treaty was dead. "
        "The Kremlin warned that it would not return to the table.\n\n"
        "Berlin's ambassador to the UN, Anna Vogt, said the vote must go ahead. "
        "Kyiv said it welcomed the vote.\n",
    ),
    "alliance": (
        "2031-03-05",
        "Alliance ministers meet\n\n"
        "NATO ministers met in Brussels on Tuesday. Brussels said the alliance would send more planes. "
        "NATO is expanding its northern patrols.\n",
    ),
    "trade": (
        "2031-02-20",
        "Trade rules change\n\n"
        "The European Union agreed new fishing rules. Brussels said the rules would start in May. "
        "Washington said it would study them. Joseph R. Tamm Jr., a trade adviser, said the rules were fair.\n",
    ),
    "ferry": (
        None,
        "Ferry fares frozen\n\n"
        "Joe Tamm said the ferry fares would stay frozen. Texas Sen. Mara Quist said the fares were too high.\n",
    ),
}


def _directory() -> SpeakerDirectory:
    speakers: list[Speaker] = []
    for _, text in ARTICLES.values():
        body = text.index("\n") + 1
        speakers.extend(attribute(text, split_sentences(text, body), text[: body - 1])[1])
    return SpeakerDirectory(speakers)


@pytest.mark.parametrize(
    ("phrase", "names"),
    [
        ("Moscow", {"Moscow", "Kremlin"}),
        ("the Kremlin", {"Moscow", "Kremlin"}),
        ("Russia", {"Moscow", "Kremlin"}),
        ("Kiev", {"Kyiv"}),
        ("Ukraine", {"Kyiv"}),
        ("the United States", {"Washington"}),
        ("the White House", {"Washington"}),
        ("NATO", {"Brussels"}),
        ("the European Union", {"European Union"}),  # the article names the bloc too: "Brussels" is its alias
        ("Germany's ambassador to the UN", {"Anna Vogt"}),
        ("the German ambassador", {"Anna Vogt"}),
        ("the ambassador of Germany", {"Anna Vogt"}),
        ("Joe Tamm", {"Joe Tamm", "Joseph R. Tamm Jr."}),
        ("Joseph Tamm", {"Joe Tamm", "Joseph R. Tamm Jr."}),
        ("Mara Quist", {"Mara Quist"}),
        ("Texas Sen. Mara Quist", {"Mara Quist"}),
    ],
)
def test_match_names_the_speaker_as_the_article_wrote_it(phrase: str, names: set[str]) -> None:
    directory = _directory()
    assert {directory.get(k).name for k in directory.match(phrase)} == names


@pytest.mark.parametrize("phrase", ["Germany's ambassador to France", "Poland", "the French ambassador", "Berlin"])
def test_no_match_for_another_state(phrase: str) -> None:
    assert _directory().match(phrase) == []


def test_brussels_is_the_bloc_its_article_is_about() -> None:
    directory = _directory()
    assert place_of("Brussels") is None  # no article: no way to tell
    nato, eu = directory.match("NATO"), directory.match("the EU")
    assert nato and eu and not set(nato) & set(eu)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    corpus = tmp_path_factory.mktemp("news-corpus")
    for name, (published, text) in ARTICLES.items():
        front = f"published: {published}\n" if published else ""
        (corpus / f"{name}.md").write_text(f"---\n{front}---\n{text}", encoding="utf-8")
    root = tmp_path_factory.mktemp("news-index")
    encoder = FakeEncoder()
    build_index(corpus, root, encoder)
    opened = Searcher.open(root, encoder=encoder)
    yield opened
    opened.close()


def test_answer_groups_by_article_newest_first_and_shows_the_written_name(searcher: Searcher) -> None:
    result = answer(searcher, "What did Russia say?", limit=10)
    assert result.answered
    assert [r.speaker for r in result.results] == ["Moscow", "Kremlin"]
    assert [r.position for r in result.results] == sorted(r.position for r in result.results)
    both = answer(searcher, "What did Joe Tamm say?", limit=10)
    # the dated article first, the undated one last; each result carries its article's date
    assert [r.doc_id for r in both.results] == ["trade", "ferry"]
    assert [r.published for r in both.results] == ["2031-02-20", None]
    for r in both.results:
        assert searcher.article(r.doc_id).text[r.start : r.end] == r.text


def test_every_page_is_reachable_with_an_offset(searcher: Searcher) -> None:
    first = answer(searcher, "What did the European Union say?", limit=1)
    pages = [first.results]
    while sum(len(p) for p in pages) < first.total:
        pages.append(answer(searcher, "What did the European Union say?", limit=1, offset=sum(map(len, pages))).results)
    texts = [r.text for page in pages for r in page]
    assert len(texts) == first.total == len(set(texts))
