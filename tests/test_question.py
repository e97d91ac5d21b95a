"""Question understanding: speaker questions (who, about what, which verb) versus topic questions."""

from __future__ import annotations

import pytest

from index.ask.question import Question, parse_question


@pytest.mark.parametrize(
    ("text", "speaker", "topic", "verb"),
    [
        ("What did Jane Doe say?", "Jane Doe", None, "say"),
        ("What did Doe say about the budget?", "Doe", "the budget", "say"),
        ("What has the mayor said about the bridges?", "the mayor", "the bridges", "say"),
        ("What did the deputy envoy say about flood relief?", "the deputy envoy", "flood relief", "say"),
        ("What did the Velandian president say", "the Velandian president", None, "say"),
        ("What did Doe propose?", "Doe", "propose", "propose"),
        ("What did the minister warn?", "the minister", "warn", "warn"),
        ("What did the minister warn about?", "the minister", "warn", "warn"),
        ("What did the minister warn about floods?", "the minister", "floods", "warn"),
        (
            "What does Lakeport accuse the company and its suppliers of?",
            "Lakeport",
            "the company and its suppliers",
            "accuse",
        ),
        ("What do critics argue?", "critics", None, "argue"),
        ("What does the mayor think about the levees", "the mayor", "the levees", "think"),
        ("Did the mayor say the bridge would reopen?", "the mayor", "the bridge would reopen", "say"),
        ("Did Doe say anything about taxes?", "Doe", "taxes", "say"),
        ("How did the minister describe the shelters?", "the minister", "the shelters", "describe"),
        ("How did Doe respond to the criticism?", "Doe", "the criticism", "respond"),
        ("What was Doe's reaction to the report?", "Doe", "the report", "react"),
        ("What was the mayor’s reaction to the report?", "the mayor", "the report", "react"),
        ("What is Lakeport's position on the levees?", "Lakeport", "the levees", None),
        ("What is Doe’s proposal?", "Doe", "proposal", "propose"),
        ("According to the ministry, how many people were hurt?", "the ministry", "how many people were hurt", None),
        ("How many people were hurt, according to the ministry?", "the ministry", "How many people were hurt", None),
        ("Quote Jane Doe on the budget", "Jane Doe", "the budget", "say"),
        ("Give me quotes from the spokeswoman about the recall", "the spokeswoman", "the recall", "say"),
        ("What did Doe tell reporters about the vote?", "Doe", "the vote", "tell"),
        ("What did Doe tell reporters?", "Doe", None, "tell"),
        ("What are critics saying about the plan?", "critics", "the plan", "say"),
        ("What was said by the spokesman about the delay?", "the spokesman", "the delay", "say"),
        ("Has the company commented on the recall?", "the company", "the recall", "comment"),
        ("Tell me what Jane Doe said about taxes", "Jane Doe", "taxes", "say"),
        ("What did the minister of state say about taxes?", "the minister of state", "taxes", "say"),
        ("what did doe say about the levees", "doe", "the levees", "say"),
        ("  What   did   Doe    say  ", "Doe", None, "say"),
        ("WHAT DID DOE SAY?", "DOE", None, "say"),
        ("What did Scholz say?", "Scholz", None, "say"),
        ("What did Doe say? (3)", "Doe", None, "say"),
        ("What did the mayor say about the levees?!! :)", "the mayor", "the levees", "say"),
        ("Doe said what?", "Doe", None, "say"),
        ("The deputy envoy said what about flood relief?", "The deputy envoy", "flood relief", "say"),
    ],
)
def test_speaker_questions(text: str, speaker: str, topic: str | None, verb: str) -> None:
    assert parse_question(text) == Question(text=text, speaker=speaker, topic=topic, verb=verb)


@pytest.mark.parametrize(
    "text",
    [
        "What is the human toll of the flood?",
        "Where did Doe give his speech?",
        "How long has the strike lasted?",
        "Did Doe answer questions on social media?",
        "What is the capital of Veland?",
        "What does the report say about the economy?",
        "What does the war mean for farmers?",
        "Did the storm claim many lives?",
        "Who said the bridge would reopen?",
        "What happened after Doe spoke?",
        "What did it say?",
        "flood damage",
        "So what?",
        "The storm did what?",
        "How many were hurt in 2024?",
        "What does the UN want to stabilize?",
        "What does Doe want?",
        "What did the council want to rebuild?",
        "What did the UN do?",
        "What did Doe do about taxes?",
        "What famous civil rights leader called Lakeport home?",
    ],
)
def test_topic_questions(text: str) -> None:
    parsed = parse_question(text)
    assert parsed.speaker is None
    assert parsed.verb is None
    assert parsed.topic == " ".join(text.split()).strip(" ?")
    assert parsed.text == text


def test_blank_question_has_no_topic() -> None:
    assert parse_question("  ?  ") == Question(text="  ?  ", speaker=None, topic=None, verb=None)
