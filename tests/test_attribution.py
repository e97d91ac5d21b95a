"""Attribution of sentences to speakers, checked sentence by sentence on invented news articles."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from index.ingest.attribution import Attribution, Speaker, attribute, normalize_key, role_matches
from index.ingest.corpus import Article, load_corpus, parse_text_article
from index.ingest.segment import split_sentences

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"

# (start of the sentence, statement?, speaker key) for every sentence of each test article.
EXPECTED: dict[str, list[tuple[str, bool, str | None]]] = {
    "flood": [
        ("Lakeport Mayor Tom Reyes said on Monday", True, "tom reyes"),  # title + name
        ("The river rose nearly four metres", False, None),
        ("“We are not going to leave anyone behind,” Reyes told", True, "tom reyes"),  # surname
        ("“Every street will be cleared by Friday.”", True, "tom reyes"),  # lone quote continues the paragraph
        ("The mayor added that emergency crews", True, "tom reyes"),  # role noun from the title word
        ("Anna Berg, the country’s health minister, warned", True, "anna berg"),  # apposition
        ("She urged residents", True, "anna berg"),  # pronoun
        ("‘The next two weeks are critical.", True, "anna berg"),  # quote attributed in the next sentence
        ("We have sent extra doctors and medicine,’ the minister said.", True, "anna berg"),
        ("Ms. Berg’s visit to the main shelter", False, None),  # possessive narration
        ("Critics say the city ignored", True, "critics"),  # group
        ("“This disaster was predictable,” said Margaret Ellison", True, "margaret ellison"),  # inverted
        ("Reyes responded to the criticism with a promise", False, None),  # narration about a speaker
        ("His remarks did little to calm", False, None),
        ("Heavy rain is expected to return", True, "national weather service"),  # according to an organisation
    ],
    "recall": [
        ("Northwind Foods is recalling", True, "northwind foods"),  # "the company said" -> organisation named
        ("The recall covers products", True, "spokesman"),  # according to a description-only speaker
        ("Company spokeswoman Lena Ortiz said", True, "lena ortiz"),
        ("“We are acting out of an abundance of caution,” she said.", True, "lena ortiz"),
        ("The firm has faced problems before.", False, None),
        ("It also said it would offer full refunds", True, "northwind foods"),  # "it" -> organisation
        ("Consumer advocates warned that", True, "consumer advocates"),
        ("“Parents deserve answers, not press releases,” said Mrs. Diane Kowalski", True, "diane kowalski"),
        ("Paul Grant, the chief executive of Northwind, said in a statement", True, "paul grant"),
        ("Mr. Grant also apologised to families", True, "paul grant"),
        ("Grant’s statement did not say when", False, None),  # negated
        ("Analysts say the recall could cost", True, "analysts"),
        ("Shares in the company fell", False, None),
    ],
    "summit": [
        ("Veland’s foreign minister, Karel Novak, said on Thursday", True, "karel novak"),
        ("The top diplomat made the remarks", False, None),
        ("Novak, who took office last year, insisted", True, "karel novak"),  # relative clause
        ("Novak’s speech also touched on a proposal", True, "karel novak"),  # possessive statement
        ("Officials in the neighbouring country have rejected", False, None),
        ("“We have waited long enough. Our patience is not unlimited,” the minister said.", True, "karel novak"),
        ("He did not set a deadline.", False, None),
        ("The ministry has repeatedly argued", True, "ministry"),
        ("The talks have dragged on", False, None),
        ("Sofia Marin, a security analyst at the Eastbridge Institute, said", True, "sofia marin"),
        ("“Nobody expects a breakthrough this year,” Marin said.", True, "sofia marin"),
        ("Novak’s remarks highlight a growing frustration", False, None),
        ("Several opposition lawmakers accused", True, "opposition lawmakers"),
        ("They called for a parliamentary vote", True, "opposition lawmakers"),  # "they" -> group
        ("The next round of talks", False, None),
    ],
}


@pytest.fixture(scope="module")
def analysed() -> dict[str, tuple[Article, list[str], list[Attribution], dict[str, Speaker]]]:
    articles, problems = load_corpus(ARTICLES)
    assert not problems
    result = {}
    for article in articles:
        spans = split_sentences(article.text, article.body_start)
        attributions, speakers = attribute(article.text, spans, article.title)
        sentences = [article.text[s.start : s.end] for s in spans]
        result[article.doc_id] = (article, sentences, attributions, {s.key: s for s in speakers})
    return result


def _analyse(body: str) -> tuple[list[str], list[Attribution], dict[str, Speaker]]:
    article = parse_text_article(f"---\ntitle: Test\n---\n{body}", doc_id="inline")
    spans = split_sentences(article.text, article.body_start)
    attributions, speakers = attribute(article.text, spans, article.title)
    return [article.text[s.start : s.end] for s in spans], attributions, {s.key: s for s in speakers}


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_every_sentence_of_the_test_articles(analysed, doc_id: str) -> None:
    _, sentences, attributions, _ = analysed[doc_id]
    expected = EXPECTED[doc_id]
    assert len(sentences) == len(attributions) == len(expected)
    for sentence, attribution, (start, statement, speaker) in zip(sentences, attributions, expected, strict=True):
        assert sentence.startswith(start)
        assert (attribution.statement, attribution.speaker) == (statement, speaker), sentence


def test_statements_carry_their_cue(analysed) -> None:
    _, sentences, attributions, _ = analysed["summit"]
    cues = {s[:20]: a.cue for s, a in zip(sentences, attributions, strict=True) if a.statement}
    assert cues["Novak’s speech also "] == "touched on"
    assert cues["They called for a pa"] == "called for"
    assert all(a.cue is None for a in attributions if not a.statement)


def test_speakers_keep_names_aliases_kinds_and_descriptions(analysed) -> None:
    speakers = {k: v for _, _, _, found in analysed.values() for k, v in found.items()}
    reyes = speakers["tom reyes"]
    assert (reyes.name, reyes.kind) == ("Tom Reyes", "person")
    assert {"Reyes", "Tom Reyes"} <= set(reyes.aliases)
    assert "Mayor" in reyes.descriptions
    assert "health minister" in speakers["anna berg"].descriptions
    assert "foreign minister" in speakers["karel novak"].descriptions
    assert "chief executive" in speakers["paul grant"].descriptions
    assert "Company spokeswoman" in speakers["lena ortiz"].descriptions
    assert speakers["northwind foods"].kind == "organization"
    assert speakers["critics"].kind == "group"
    assert speakers["opposition lawmakers"].kind == "group"
    assert speakers["spokesman"].kind == "person"
    assert any("food safety agency" in d for d in speakers["spokesman"].descriptions)


def test_only_people_who_made_statements_are_speakers(analysed) -> None:
    for _, _, attributions, speakers in analysed.values():
        assert set(speakers) == {a.speaker for a in attributions if a.speaker}


def test_role_nouns_resolve_through_title_words_before_the_name() -> None:
    _, atts, speakers = _analyse(
        "Tensions rose on Monday, with NORDA Secretary General Petra Lind warning that the treaty was at risk.\n\n"
        "The NORDA leader outlined a plan, emphasizing that members would share the costs.\n\n"
        "Veland President Ivo Sand responded to the plan with open scorn.\n\n"
        "The Veland president pointed to the budget as proof that the plan would fail.\n\n"
        "The envoy was not available for comment."
    )
    assert [(a.statement, a.speaker) for a in atts] == [
        (True, "petra lind"),
        (True, "petra lind"),
        (False, None),
        (True, "ivo sand"),
        (False, None),
    ]
    assert {"NORDA Secretary General", "Secretary General", "NORDA leader"} <= set(speakers["petra lind"].descriptions)
    assert "Veland President" in speakers["ivo sand"].descriptions


def test_role_noun_resolves_to_an_apposition_given_before_the_name() -> None:
    _, atts, speakers = _analyse(
        "The talks could collapse within days, Veland’s deputy envoy to the council, Rui Mota, said on Friday. "
        "The diplomat blamed the other side for the delay.\n\n"
        "Progress was slow, the deputy envoy stated."
    )
    assert [a.speaker for a in atts] == ["rui mota"] * 3
    assert {"deputy envoy", "Veland’s deputy envoy to the council", "diplomat"} <= set(
        speakers["rui mota"].descriptions
    )


def test_pronouns_follow_gender_and_salience() -> None:
    _, atts, _ = _analyse(
        "Mrs. Ana Ruiz said the school would close. Mr. Leo Park said it would stay open.\n\n"
        "She added that parents had been informed. He said nobody had told him."
    )
    assert [a.speaker for a in atts] == ["ana ruiz", "leo park", "ana ruiz", "leo park"]


def test_pronoun_it_refers_to_the_organisation_that_spoke() -> None:
    _, atts, speakers = _analyse(
        "The Harbour Authority has repeatedly said that the port is safe. "
        "It has also blasted local critics, accusing them of spreading fear."
    )
    assert [a.speaker for a in atts] == ["harbour authority", "harbour authority"]
    assert speakers["harbour authority"].kind == "organization"


def test_a_quote_over_several_sentences_goes_to_its_speaker() -> None:
    _, atts, _ = _analyse(
        "Nurse Kim Olsen spoke to reporters.\n\n"
        "‘We are exhausted. Nobody has slept for days. We need help,’ Olsen said.\n\n"
        "The hospital is the largest in the region."
    )
    assert [(a.statement, a.speaker) for a in atts] == [
        (False, None),
        (True, "kim olsen"),
        (True, "kim olsen"),
        (True, "kim olsen"),
        (False, None),
    ]


def test_quote_after_which_the_speaker_continues_in_the_same_paragraph() -> None:
    _, atts, _ = _analyse(
        "Finance Minister Olga Brandt presented the budget on Tuesday.\n\n"
        "“Every cent counts.” The minister added that taxes would not rise."
    )
    assert [(a.statement, a.speaker) for a in atts] == [(False, None), (True, "olga brandt"), (True, "olga brandt")]


@pytest.mark.parametrize(
    "sentence",
    [
        "The company added 500 jobs last year.",
        "The storm claimed 12 lives.",
        "He was accused of fraud last year.",
        "The senator declined to comment.",
        "Mrs. Hale is said to be furious.",
        "Reports suggest that the deal is close.",
        "The talks lasted late into the night, with each side accusing the other of bad faith.",
        "His comments underscore the mood in the capital.",
    ],
)
def test_non_statements(sentence: str) -> None:
    _, atts, speakers = _analyse(sentence)
    assert atts == [Attribution(False)]
    assert speakers == {}


@pytest.mark.parametrize(
    ("sentence", "speaker", "cue"),
    [
        ("A spokesman for the ministry said the plan was on track.", "spokesman", "said"),
        ("Officials who spoke on condition of anonymity said the talks had stalled.", "officials", "said"),
        ("Health officials in the region warned of shortages.", "health officials", "warned"),
        ("Asked about the deal, Jo Hale said it was “a good start.”", "jo hale", "said"),
        ("Jo Hale, 54, said she would run again.", "jo hale", "said"),
        ("According to Jo Hale, the deal will create jobs.", "jo hale", "according to"),
        ("“It is over,” Jo Hale wrote on social media.", "jo hale", "wrote"),
        ("The European Commission said it was studying the proposal.", "european commission", "said"),
        ("Police said the suspect had fled.", "police", "said"),
        ("The decision was criticized by opposition parties.", "opposition parties", "criticized"),
        ("Jo Hale visited the flooded district on Monday, saying that help was coming.", "jo hale", "saying"),
        ("Dr. Ines Alba, a hydrologist at the national university, said the crisis was man-made.", "ines alba", "said"),
        ("The port operator, which runs four terminals, said it had made a fair offer.", "port operator", "said"),
        (
            "A report by the Harlow Chamber of Commerce said firms had lost orders.",
            "harlow chamber of commerce",
            "said",
        ),
        ("“No,” Martin Cole replied when asked whether he would raise the offer.", "martin cole", "replied"),
    ],
)
def test_statement_patterns(sentence: str, speaker: str, cue: str) -> None:
    _, atts, _ = _analyse(sentence)
    assert atts == [Attribution(True, speaker, cue)]


def test_unresolvable_pronoun_is_a_statement_without_speaker() -> None:
    _, atts, speakers = _analyse("“We will not give up,” she said.")
    assert atts == [Attribution(True, None, "said")]
    assert speakers == {}


def test_same_person_in_two_articles_gets_the_same_key() -> None:
    _, _, first = _analyse("Foreign Minister José Núñez said the border would reopen.")
    _, _, second = _analyse("“The border will reopen,” said Jose Nunez, the foreign minister.")
    assert set(first) == set(second) == {"jose nunez"}
    assert normalize_key("José Núñez’s") == "jose nunez"


def test_one_attribution_per_span_and_empty_input() -> None:
    assert attribute("", []) == ([], [])
    sentences, atts, _ = _analyse("One. Two. Three.")
    assert len(atts) == len(sentences) == 3


def test_role_matching_uses_head_families_and_modifiers() -> None:
    assert role_matches("diplomat", (), "deputy envoy")
    assert role_matches("leader", ("norda",), "NORDA Secretary General")
    assert role_matches("president", ("velandian",), "Veland’s president")
    assert not role_matches("president", (), "vice president")
    assert not role_matches("minister", ("finance",), "health minister")
    assert not role_matches("envoy", (), "health minister")


def test_attribution_is_fast(analysed) -> None:
    text = "\n\n".join(article.text[article.body_start :] for article, *_ in analysed.values()) * 10
    spans = split_sentences(text)
    start = time.perf_counter()
    attributions, _ = attribute(text, spans)
    elapsed = time.perf_counter() - start
    assert len(attributions) == len(spans) > 300
    assert elapsed < 1.0  # about 10k sentences/s expected; generous for slow machines


def test_title_words_make_a_person_even_after_an_article() -> None:
    _, atts, speakers = _analyse("The Velandian President Ivo Sand said the vote would go ahead.")
    assert atts == [Attribution(True, "ivo sand", "said")]
    assert speakers["ivo sand"].kind == "person"
