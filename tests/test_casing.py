"""A question typed without capitals gets its names back as the documents write them."""

from __future__ import annotations

from assistant.casing import name_forms, recased, uncased

_TEXT = (
    "Studentene ved Høgskolen i Innlandet går på Hamar og Blæstad. Kommunen samarbeider med NTNU.\n"
    "6 Universitetskommune 3.0 Tematiske hovedområder\n"
    "Hamar skal bli en universitetsby. Kommunen er en kommune i Innlandet, og kommunen vil vokse."
)


def test_only_a_question_without_a_single_capital_is_uncased() -> None:
    assert uncased("hvem samarbeider hamar med?")
    assert not uncased("Hvem samarbeider Hamar med?")
    assert not uncased("hvem samarbeider NTNU med?")
    assert not uncased("3.0?")


def test_names_are_the_words_capitalised_inside_sentences() -> None:
    forms = name_forms([_TEXT])
    assert forms["innlandet"] == "Innlandet" and forms["ntnu"] == "NTNU" and forms["blæstad"] == "Blæstad"
    # "Hamar" opens one sentence but stands inside another; "Kommunen" only opens sentences and is
    # written in lower case inside them.
    assert forms["hamar"] == "Hamar"
    assert "kommunen" not in forms and "kommune" not in forms
    # A slide's first word after its number opens the line.
    assert "universitetskommune" not in forms


def test_a_lower_case_question_gets_its_names_and_first_capital_back() -> None:
    forms = name_forms([_TEXT])
    assert recased("hvor har høgskolen i innlandet studiesteder?", forms) == (
        "Hvor har Høgskolen i Innlandet studiesteder?"
    )
    # A genitive and the parts of a compound with a hyphen are names too; other words stay as typed.
    assert recased("hva vil hamars kommune med ntnu-samarbeidet?", forms) == (
        "Hva vil Hamars kommune med NTNU-samarbeidet?"
    )
