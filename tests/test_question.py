"""Question analysis: answer type and language, follow-up resolution, domain glossary."""

from __future__ import annotations

import pytest

from assistant.followup import resolve_followup
from assistant.glossary import expand_english
from assistant.question import analyze_question, has_type_evidence


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hvor mye penger får Kompetansepiloter til sammen?", "amount"),
        ("How much money does the county contribute?", "amount"),
        ("Hvor mange kommuner deltar?", "count"),
        ("What is the population of Herning?", "count"),
        ("Når ble Eksportskolen etablert?", "time"),
        ("Hvor lang tid har partene på å etablere en pilot?", "time"),
        ("Hvem finansierer ordningen?", "person"),
        ("Hvorfor satser Innlandet på treindustrien?", "reason"),
        ("Hvilke næringsklynger er etablert på Hamar?", "list"),
    ],
)
def test_answer_type(question: str, kind: str) -> None:
    assert analyze_question(question).kind == kind


def test_type_evidence_needs_a_number_for_amounts_but_not_articles() -> None:
    assert has_type_evidence("amount", "Departementet har bevilget 4,4 millioner kroner.")
    assert not has_type_evidence("amount", "Kommunen vil etablere en gründerkultur.")
    # "et"/"en" are articles, not the number one.
    assert not has_type_evidence("count", "Og ikke mindst; tilføre det et skvæt Herning.")
    assert has_type_evidence("time", "I løpet av en periode på inntil fire år.")


def test_language_of_questions() -> None:
    assert analyze_question("Which ministry finances the scheme?").lang == "en"
    assert analyze_question("Hvilken universitetsby tiltrækker særligt de unge i området?").lang == "da"
    assert analyze_question("Hvor mye penger får ordningen Kompetansepiloter i Innlandet?").lang == "nb"


def test_unsure_language_falls_back_to_the_conversation() -> None:
    info = analyze_question("og det?", fallback_lang="en")
    assert info.lang == "en"


def test_followup_is_resolved_against_the_previous_question() -> None:
    history = [("Hvor mye penger får Kompetansepiloter til sammen?", "6,3 millioner")]
    assert resolve_followup("og hvem finansierer det?", history).startswith("Hvor mye penger")
    # A self-contained question stands alone.
    standalone = "Hvilke næringsklynger er etablert på Hamar?"
    assert resolve_followup(standalone, history) == standalone
    assert resolve_followup("og hvem finansierer det?", None) == "og hvem finansierer det?"


def test_glossary_adds_scandinavian_counterparts_to_english() -> None:
    expanded = expand_english("Which partners does the county work with, and who funds it?")
    for word in ("samarbeider", "fylkeskommune", "finansierer"):
        assert word in expanded
    assert expand_english("Hvem finansierer ordningen?") == ""
