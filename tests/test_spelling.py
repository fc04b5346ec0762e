"""Misspelt question words are searched as the index terms they stand for."""

from __future__ import annotations

import pytest

from assistant.spelling import SpellingTable, within_one_edit

TERMS = ["solsystem", "storbritanni", "foreldr", "nortraship", "tretorget", "behandling", "smell", "muell"]


@pytest.mark.parametrize(
    ("a", "b", "one"),
    [
        ("solystem", "solsystem", True),  # a letter dropped
        ("nortraship", "nortaship", True),
        ("behandling", "nehandling", True),  # a letter changed
        ("foreledr", "foreldre", False),  # a letter moved two places: two edits
        ("elvehøi", "elvehøy", True),
        ("objetk", "objekt", True),  # neighbours swapped
        ("kolstad", "kosltad", True),
        ("abcd", "xbcy", False),
        ("same", "same", False),
    ],
)
def test_one_edit(a: str, b: str, one: bool) -> None:
    assert within_one_edit(a, b) is one
    assert within_one_edit(b, a) is one


def test_an_unknown_word_finds_the_term_it_misspells() -> None:
    table = SpellingTable(TERMS, ["nb"])
    assert table.corrections("Hvor ligger solystemet?") == ["solsystem"]
    assert table.corrections("Hva står Nortaship for?") == ["nortraship"]
    assert table.corrections("Når stemte underhuset i Stobritannia?") == ["storbritanni"]


def test_known_short_and_function_words_are_left_alone() -> None:
    table = SpellingTable([*TERMS, "tretorg"], ["nb"])
    assert table.corrections("Hva er Tretorget?") == []  # known to the index
    assert table.corrections("Hva skjer mellm landene?") == []  # "mellom" misspelt: no look-alikes
    assert table.corrections("Hvem er Siv?") == []  # under six letters
    # Six letters, but its stem "ligg" is short: "legg" is another word, not its spelling.
    assert SpellingTable(["legg", "elev"], ["nb"]).corrections("Hvor ligger det som er blevet?") == []


def test_a_word_with_many_look_alikes_is_not_guessed() -> None:
    table = SpellingTable(["kampen", "kamper", "kampet", "kampes"], ["nb"])
    assert table.corrections("Hvem vant kampex?") == []
