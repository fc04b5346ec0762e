"""Cognates: an English, German, Swedish or Danish word found in a Norwegian text through its spelling."""

from __future__ import annotations

import pytest

from assistant.cognates import CognateTable, KinTable, cognates_in, is_cognate, is_kin


@pytest.mark.parametrize(
    ("word", "counterpart"),
    [
        ("coordinators", "koordinatorer"),
        ("thematic", "tematisk"),
        ("project", "prosjekt"),
        ("national", "nasjonal"),
        ("innovation", "innovasjon"),
        ("industry", "industri"),
        ("technology", "teknologi"),
        ("Pilotprojekt", "pilotprosjekt"),
        ("process", "prosess"),
    ],
)
def test_a_word_spelt_the_scandinavian_way_is_its_cognate(word: str, counterpart: str) -> None:
    assert is_cognate(word, counterpart)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("national", "nasjonalbank"),  # a compound that starts with the word is another word
        ("project", "prosjektleder"),
        ("communication", "kommune"),
        ("offer", "offentlig"),
        ("areas", "arealer"),
        ("plan", "planlegging"),  # under five letters: too short to tell
    ],
)
def test_a_longer_compound_or_a_shared_opening_is_not_a_cognate(word: str, other: str) -> None:
    assert not cognates_in(word, [other])


def test_the_table_finds_what_a_full_comparison_finds() -> None:
    terms = ["koordinator", "koordinering", "tematisk", "prosjekt", "prosjektleder", "kommune", "nasjonal"]
    table = CognateTable(terms)
    for word in ("coordinator", "thematic", "project", "national", "municipality"):
        assert table.cognates(word) == cognates_in(word, terms)


@pytest.mark.parametrize(
    ("word", "norwegian"),
    [
        ("mångfald", "mangfold"),
        ("hälsa", "hels"),  # against the Norwegian stem of "helse"
        ("välfärd", "velferd"),
        ("virksomheder", "virksomheter"),
        ("företag", "foretak"),
        ("näringsliv", "næringsliv"),
        ("samarbetet", "samarbeidet"),
        # A long word in another inflection: nynorsk's definite plural against an indefinite.
        ("universitetsskulane", "universitetsskoler"),
    ],
)
def test_a_swedish_or_danish_spelling_finds_the_norwegian_word(word: str, norwegian: str) -> None:
    assert is_kin(word, norwegian)
    assert KinTable([norwegian, "kommune", "forskning"]).cognates(word) == [norwegian]


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("forskning", "forskrift"),  # one consonant apart is another word
        ("utbildning", "utdanning"),  # another word for the same thing: the embedding's job
        ("integration", "integrering"),
        ("styrgruppen", "styringsgruppen"),
        ("plan", "plen"),  # too short to tell
        ("universitetsskulane", "universitetskommune"),  # the same first part, another word
        ("universitetskommune", "universitetsskol"),
    ],
)
def test_different_words_are_not_kin(word: str, other: str) -> None:
    assert not is_kin(word, other)
