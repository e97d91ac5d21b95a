"""Cyrillic names matched to Latin-script names: transliteration plus the skeleton rule (index/ask/translit.py)."""

from __future__ import annotations

import pytest

from index.ask.translit import has_cyrillic, same_name, skeleton


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Окафор", "Okafor"),
        ("Пруитт", "Pruitt"),
        ("Альберс", "Albers"),
        ("Раман", "Raman"),
        ("Бенетти", "Benetti"),
        ("Марш", "Marsh"),
        ("Холлис", "Hollis"),
        ("Велинский", "Velinsky"),
        ("Велінський", "Velinskyy"),
        ("Велинский", "Velinskiy"),
    ],
)
def test_names_match_across_scripts(cyrillic: str, latin: str) -> None:
    assert same_name(cyrillic, latin)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Окафор", "Albers"), ("Раман", "Rasmussen"), ("Марш", "Mars"), ("Пруитт", "Prat"), ("Ли", "Le"), ("", "Okafor")],
)
def test_different_names_do_not_match(a: str, b: str) -> None:
    assert not same_name(a, b)


def test_romanisations_share_a_skeleton() -> None:
    assert skeleton("Polyanskiy") == skeleton("Polianskyi") == skeleton("Polyansky") == skeleton("Полянский")
    assert has_cyrillic("What did Окафор say?") and not has_cyrillic("What did Okafor say?")


def test_one_edit_apart_matches_only_long_names() -> None:
    assert same_name("Раман", "Roman")  # the rule's cost: five letters, one edit (an exact skeleton is tried first)
    assert not same_name("Марш", "Mars")  # four letters: exact skeletons only
