"""Attribution on the kinds of sentence real news is full of, each written here (invented names and places)."""

from __future__ import annotations

import re

import pytest

from index.ask.speakers import SpeakerDirectory
from index.ingest.attribution import Attribution, Speaker, attribute
from index.ingest.segment import split_sentences

KEY = re.compile(r"^[a-z][a-z' -]*[a-z]$")


def _analyse(text: str, title: str = "Harbour news") -> tuple[list[str], list[Attribution], list[Speaker]]:
    spans = split_sentences(text)
    attributions, speakers = attribute(text, spans, title)
    return [text[s.start : s.end] for s in spans], attributions, speakers


def _speakers_of(text: str) -> list[tuple[str, ...]]:
    return [a.speakers for a in _analyse(text)[1]]


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Senator Joked “The Vote Is A Circus”", "senator"),
        ("Governor Asks Agency To Review The Dam", "governor"),
        ("Mayor Vera Lind Says Ferry Will Run All Winter", "vera lind"),
    ],
)
def test_title_case_headline_sentences(sentence: str, speaker: str) -> None:
    assert _speakers_of(sentence) == [(speaker,)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Jane Doe fumed that the inspection report was a lie.",
        "Jane Doe joked that she would need a bigger boat.",
        "Jane Doe asked whether the bridge was safe.",
        "Jane Doe asked the council to close the bridge.",
        "Jane Doe vowed to rebuild the pier by spring.",
        "Jane Doe pledged to cut the ferry fares.",
        "Jane Doe urged residents to stay indoors.",
        "Jane Doe told an interviewer that the pier would reopen.",
        "Jane Doe framed the vote as a test of trust.",
        "Jane Doe argued in an interview that the pier was unsafe.",
        "The Valley Ledger reported that the pier was unsafe.",
        "Jane Doe repeated her claim that the pier was sold.",
    ],
)
def test_reporting_cues(sentence: str) -> None:
    (attribution,) = _analyse(sentence)[1]
    assert attribution.statement
    assert attribution.speaker == ("valley ledger" if "Ledger" in sentence else "jane doe")


@pytest.mark.parametrize(
    "sentence",
    [
        "Jane Doe framed the new budget carefully.",  # "framed" without "as": no statement
        "The storm claimed 12 lives.",
        "She won the primary, adding to her lead over the mayor.",
        "Take a look at the things Jane Doe said about the harbour.",  # a reference, not a report
    ],
)
def test_not_statements(sentence: str) -> None:
    assert not any(a.statement for a in _analyse(sentence)[1])


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Mr. Pellow said the ferry would run again.", "pellow"),
        ("Mrs. Ashly said she considered the leak a deliberate attempt to embarrass her.", "ashly"),
        ("Ms. Kelly said the vote was fair.", "kelly"),
    ],
)
def test_plain_mr_x_said_clause(sentence: str, speaker: str) -> None:
    assert _speakers_of(sentence) == [(speaker,)]


@pytest.mark.parametrize(
    ("sentence", "speakers"),
    [
        ("While Jane Doe has vowed to rebuild the pier, Bo Roe has pledged to sell it.", ("jane doe", "bo roe")),
        ("Jane Doe accuses the council of neglect and Bo Roe says the council is broke.", ("jane doe", "bo roe")),
        ("Jane Doe said Bo Roe had told her the pier was sold.", ("jane doe",)),  # Roe only inside Doe's report
    ],
)
def test_one_speaker_per_clause(sentence: str, speakers: tuple[str, ...]) -> None:
    assert _speakers_of(sentence) == [speakers]


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Sen. Jane Doe (D-Maine) said the ferry would run.", "jane doe"),
        ("Rep. Bo Roe, R-Texas, said the dam would hold.", "bo roe"),
        ("Even Jane Doe said the plan was late.", "jane doe"),
        ("Mr. Doe's party said it would appeal.", "doe party"),
        ("Others argue that the fares are too high.", None),
        ("Two in three said they would vote.", None),
        ("Those surveyed said the harbour was dirty.", None),
        ("Democratic nominee Jane Doe called on the council to act and said the vote was fair.", "jane doe"),
    ],
)
def test_speaker_keys_are_names_roles_or_organisations(sentence: str, speaker: str | None) -> None:
    _, attributions, speakers = _analyse(sentence)
    assert [a.speaker for a in attributions if a.statement] in ([speaker], [] if speaker is None else [speaker])
    for sp in speakers:
        assert KEY.match(sp.key), sp.key
        assert sp.key.split()[0] not in {"mr", "mrs", "ms", "even", "others", "two", "d-maine", "r-texas"}


def test_a_heading_in_capitals_names_nobody() -> None:
    _, attributions, _ = _analyse("FULL TEXT.\n\nThe harbour reopened. It also said the fees would rise.")
    assert attributions[-1].speaker is None


@pytest.mark.parametrize(
    ("sentence", "speaker", "question"),
    [
        ("The library will stay open until nine, the librarian said.", "librarian", "the librarian"),
        ("The trail is closed for repairs, the ranger said.", "ranger", "the ranger"),
        ("The weir will be rebuilt next spring, the river trust said.", "river trust", "the river trust"),
        ("Some harbour strategists predict that fares will fall.", "harbour strategists", "the strategists"),
        ("Organizers claimed nearly 400 people attended.", "organizers", "organizers"),
        ("“It was a great night,” another supporter wrote on a forum.", "supporter", "the supporter"),
    ],
)
def test_unknown_role_nouns(sentence: str, speaker: str, question: str) -> None:
    _, attributions, speakers = _analyse(sentence)
    assert [a.speaker for a in attributions] == [speaker]
    assert SpeakerDirectory(speakers).match(question) == [speaker]


def test_asides_between_speaker_and_cue() -> None:
    text = (
        "Jane Doe, in a statement released by the club on Thursday, said she was grateful. "
        "Bo Roe, whose hometown, Brill, is flooding, argues that the council will fail. "
        "Ora Pike, in releasing the letter, noted testimony by Ben Hollis. "
        "Mayor Lia Vent met survivors on Thursday and said the city must act. "
        "Ada Quill flipped her choice on the spot – saying she was rooting for the home team."
    )
    assert _speakers_of(text) == [("jane doe",), ("bo roe",), ("ora pike",), ("lia vent",), ("ada quill",)]


def test_double_apostrophe_quotations() -> None:
    text = "''We met as the 'core four' today,'' Ms. Tarn added. ''Why would we stop?'' Mr. Vell asked."
    sentences, attributions, _ = _analyse(text)
    assert [a.speakers for a in attributions if a.statement][:2] == [("tarn",), ("vell",)]
    assert all(a.speakers for s, a in zip(sentences, attributions, strict=True) if s.startswith("''"))


def test_a_cue_alone_hands_its_speaker_to_the_quotation() -> None:
    text = "“Why would anyone sell the pier?”\nHe paused.\n\n“Who would buy it?” Jane Doe said."
    sentences, attributions, _ = _analyse(text)
    quoted = [a for s, a in zip(sentences, attributions, strict=True) if "Who would buy it" in s]
    assert quoted and quoted[0].speaker == "jane doe"
