"""Topic ranking: the lexical query, context coverage, score fusion, and what they do on invented articles."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from index.ask import fusion
from index.ask.answer import answer
from index.ask.fusion import context_coverage, fuse, lexical_query
from index.ask.searcher import Searcher
from index.build.full import build_index

VARNHOLM = """---
title: Varnholm
---
Varnholm

Varnholm is a small port town on the northern coast. Its seal shows a grey heron standing on a rock. This imagery \
has been in use since at least 1350. The town hall was rebuilt in 1870 after a fire.

The council wants to rebuild the old stone bridge before winter. Critics said the plan was too expensive.
"""
HERONS = """---
title: Herons of the coast
---
Herons of the coast

The grey heron is a common wading bird along the northern coast. Herons nest in colonies near rivers and lakes. \
Birdwatchers have counted the herons every spring since 1990.
"""


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("What does the UN want to stabilize?", "the UN want to stabilize"),
        ("How many ships were built in 1920?", "many ships built in 1920"),
        ("Who is the mayor?", "the mayor"),
        ("Where did Doe give his speech?", "Doe give speech"),
        ("What was?", "What was?"),  # nothing but question words: the question as it is
    ],
)
def test_lexical_query_drops_question_words(question: str, words: str) -> None:
    assert lexical_query(question) == words


def test_context_coverage_counts_the_sentence_before() -> None:
    idf = np.array([2.0, 1.0])
    # columns: two candidates, then their previous sentences; word 0 only in candidate 1's previous sentence
    held = np.array([[False, False, False, True], [True, True, False, False]])
    assert context_coverage(idf, held, np.array([2, 3])).tolist() == [1.0, 3.0]
    assert context_coverage(idf, held, np.array([-1, -1])).tolist() == [1.0, 1.0]  # first sentences of articles
    assert context_coverage(np.zeros(0), np.zeros((0, 4), dtype=bool), np.array([2, 3])).tolist() == [0.0, 0.0]


def test_fuse_weighs_each_channel_relative_to_its_best() -> None:
    cosines = np.array([0.50, 0.45, 0.40])
    fused = fuse(cosines, np.array([0.0, 10.0, 0.0]), np.array([0.0, 0.0, 4.0]))
    assert fused[1] == pytest.approx(0.45 + fusion.LEXICAL_WEIGHT)
    assert fused[2] == pytest.approx(0.40 + fusion.CONTEXT_WEIGHT)
    assert fuse(cosines, np.zeros(3), np.zeros(3)).tolist() == cosines.tolist()  # no lexical evidence: cosine alone


@pytest.fixture(scope="module")
def town_searcher(tmp_path_factory: pytest.TempPathFactory, real_encoder) -> Iterator[Searcher]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("town")
    (root / "corpus").mkdir()
    (root / "corpus" / "varnholm.md").write_text(VARNHOLM)
    (root / "corpus" / "herons.md").write_text(HERONS)
    build_index(root / "corpus", root / "index", real_encoder)
    searcher = Searcher.open(root / "index", encoder=real_encoder)
    yield searcher
    searcher.close()


def test_sentence_found_by_its_neighbour(town_searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    question = "How old is the heron imagery of Varnholm?"
    result = answer(town_searcher, question)
    assert result.results[0].text == "This imagery has been in use since at least 1350."  # verbatim, not the window
    assert result.results[0].context_before == "Its seal shows a grey heron standing on a rock."
    monkeypatch.setattr(fusion, "CONTEXT_WEIGHT", 0.0)  # the sentence alone names neither the heron nor the town
    assert answer(town_searcher, question).results[0].text != "This imagery has been in use since at least 1350."


def test_want_to_question_is_a_topic_question(town_searcher: Searcher) -> None:
    result = answer(town_searcher, "What does the council want to rebuild?")
    assert result.answered
    assert result.kind == "topic"
    assert result.results[0].text.startswith("The council wants to rebuild the old stone bridge")
