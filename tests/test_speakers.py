"""The corpus-wide speaker directory and how question phrases are matched to speakers."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ask.speakers import SpeakerDirectory
from index.ingest.attribution import Speaker, attribute
from index.ingest.corpus import load_corpus
from index.ingest.segment import split_sentences

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"


@pytest.fixture(scope="module")
def directory() -> SpeakerDirectory:
    articles, _ = load_corpus(ARTICLES)
    speakers: list[Speaker] = []
    for article in articles:
        spans = split_sentences(article.text, article.body_start)
        speakers.extend(attribute(article.text, spans, article.title)[1])
    return SpeakerDirectory(speakers)


@pytest.mark.parametrize(
    ("phrase", "keys"),
    [
        ("Tom Reyes", ["tom reyes"]),
        ("Reyes", ["tom reyes"]),
        ("reyes", ["tom reyes"]),
        ("REYES", ["tom reyes"]),
        ("Mayor Reyes", ["tom reyes"]),
        ("the mayor", ["tom reyes"]),
        ("Mr. Grant", ["paul grant"]),
        ("Grant’s", ["paul grant"]),
        ("the chief executive", ["paul grant"]),
        ("the health minister", ["anna berg"]),
        ("the minister", ["anna berg", "karel novak"]),
        ("the foreign minister", ["karel novak"]),
        ("the top diplomat", ["karel novak"]),
        ("the spokeswoman", ["lena ortiz"]),
        ("the company spokeswoman", ["lena ortiz"]),
        ("a spokesman", ["spokesman"]),
        ("the analyst", ["sofia marin"]),
        ("critics", ["critics"]),
        ("the critics", ["critics"]),
        ("analysts", ["analysts"]),
        ("advocates", ["consumer advocates"]),
        ("consumer advocates", ["consumer advocates"]),
        ("lawmakers", ["opposition lawmakers"]),
        ("Northwind Foods", ["northwind foods"]),
        ("the company", ["northwind foods"]),
        ("the ministry", ["ministry"]),
        ("Reyes and the health minister", ["tom reyes", "anna berg"]),
    ],
)
def test_match(directory: SpeakerDirectory, phrase: str, keys: list[str]) -> None:
    assert directory.match(phrase) == keys


@pytest.mark.parametrize(
    "phrase",
    [
        "Smith",
        "Jane Reyes",
        "Mr. Smith",
        "the president",
        "the envoy",
        "officials",
        "Western officials",
        "Reyes and Smith",
        "",
        "the",
    ],
)
def test_match_nobody(directory: SpeakerDirectory, phrase: str) -> None:
    assert directory.match(phrase) == []


def test_get_iter_len(directory: SpeakerDirectory) -> None:
    keys = [s.key for s in directory]
    assert len(directory) == len(keys) == len(set(keys))
    assert directory.get("anna berg").name == "Anna Berg"
    assert "anna berg" in directory
    with pytest.raises(KeyError):
        directory.get("nobody")


def test_same_key_from_two_articles_is_merged() -> None:
    first = Speaker("jane doe", "Jane Doe", "person", ("Jane Doe", "Doe"), ("Foreign Minister",))
    second = Speaker("jane doe", "Doe", "person", ("Doe",), ("the diplomat", "foreign minister"))
    directory = SpeakerDirectory([first, second])
    assert len(directory) == 1
    merged = directory.get("jane doe")
    assert merged.name == "Jane Doe"
    assert merged.aliases == ("Jane Doe", "Doe")
    assert merged.descriptions == ("Foreign Minister", "the diplomat")
    assert directory.match("the diplomat") == ["jane doe"]


def test_full_name_also_finds_the_same_surname_known_alone() -> None:
    directory = SpeakerDirectory(
        [
            Speaker("jane doe", "Jane Doe", "person", ("Jane Doe", "Doe")),
            Speaker("doe", "Doe", "person", ("Doe",)),
            Speaker("john roe", "John Roe", "person", ("John Roe", "Roe")),
        ]
    )
    assert directory.match("Jane Doe") == ["jane doe", "doe"]
    assert directory.match("Doe") == ["jane doe", "doe"]
    assert directory.match("John Doe") == []


def test_groups_match_by_head_and_modifiers() -> None:
    directory = SpeakerDirectory(
        [
            Speaker("western officials", "Western officials", "group", ("Western officials",)),
            Speaker("health officials", "health officials", "group", ("health officials",)),
        ]
    )
    assert directory.match("officials") == ["western officials", "health officials"]
    assert directory.match("some Western officials") == ["western officials"]
    assert directory.match("finance officials") == []
