"""Sentence boundaries as a reader sees them, with offsets that point at the exact characters."""

from __future__ import annotations

import pytest

from ingest.sentences import sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Vi bruker f.eks. VR i undervisningen. Det virker godt.",
            ["Vi bruker f.eks. VR i undervisningen.", "Det virker godt."],
        ),
        (
            "Hamar har bl.a. spill og bioøkonomi. Byen vokser.",
            ["Hamar har bl.a. spill og bioøkonomi.", "Byen vokser."],
        ),
        (
            "Departementet bevilget 4,4 mill. kr. over tre år. Fylket bidrar også.",
            ["Departementet bevilget 4,4 mill. kr. over tre år.", "Fylket bidrar også."],
        ),
        (
            "Ordningen gjelder små bedrifter, dvs. under 20 ansatte. Den varer i tre år.",
            ["Ordningen gjelder små bedrifter, dvs. under 20 ansatte.", "Den varer i tre år."],
        ),
        (
            "Møtet var 21. november 2018 i Trondheim. Neste møte er i desember.",
            ["Møtet var 21. november 2018 i Trondheim.", "Neste møte er i desember."],
        ),
        (
            "Rapporten er skrevet av K. Hansen og P. Olsen. Den kom i fjor.",
            ["Rapporten er skrevet av K. Hansen og P. Olsen.", "Den kom i fjor."],
        ),
        (
            "Han grunnla selskapet med D.W. Griffith i 1919. Det lever ennå.",
            ["Han grunnla selskapet med D.W. Griffith i 1919.", "Det lever ennå."],
        ),
        (
            "De studerende får fx hurtigt erfaring. Det er værdifuldt.",
            ["De studerende får fx hurtigt erfaring.", "Det er værdifuldt."],
        ),
        (
            "The plan names e.g. NTNU and the county. It runs until 2026.",
            ["The plan names e.g. NTNU and the county.", "It runs until 2026."],
        ),
    ],
)
def test_abbreviations_ordinals_and_initials_do_not_end_a_sentence(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_question_and_exclamation_marks_end_sentences() -> None:
    assert _sentences("Hvor er vi i dag? Vi er godt i gang! Det er bra.") == [
        "Hvor er vi i dag?",
        "Vi er godt i gang!",
        "Det er bra.",
    ]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = "Han sa: «Dette er en målrettet satsing.» Så gikk han. «Hvem betaler?» spurte hun."
    assert _sentences(text) == [
        "Han sa: «Dette er en målrettet satsing.»",
        "Så gikk han.",
        "«Hvem betaler?» spurte hun.",
    ]


def test_sentence_starting_with_a_quote_or_number() -> None:
    assert _sentences("Det er avtalt. «Universitetskommune» er målet. 2018 var året.") == [
        "Det er avtalt.",
        "«Universitetskommune» er målet.",
        "2018 var året.",
    ]


def test_a_year_at_the_end_of_a_sentence_ends_it() -> None:
    assert _sentences("Avtalen ble signert i 2018. Neste år kom mer.") == [
        "Avtalen ble signert i 2018.",
        "Neste år kom mer.",
    ]


def test_newlines_end_sentences_and_headings() -> None:
    text = (
        "Kompetansepiloter\nDet er departementet som finansierer ordningen.\n\n- Første punkt\n- Andre punkt"
    )
    assert _sentences(text) == [
        "Kompetansepiloter",
        "Det er departementet som finansierer ordningen.",
        "- Første punkt",
        "- Andre punkt",
    ]


def test_lower_case_after_a_period_is_not_a_new_sentence() -> None:
    # Continuations such as "ca. tre år" or "kl. ti" must not be cut.
    assert _sentences("Prosjektet varer ca. tre år og starter kl. ti. Alle er velkomne.") == [
        "Prosjektet varer ca. tre år og starter kl. ti.",
        "Alle er velkomne.",
    ]


def test_spans_are_exact_trimmed_offsets() -> None:
    text = "  Første setning.   Andre setning?\n\n  Tredje  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Første setning.", "Andre setning?", "Tredje"]
    assert all(a < b for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))


def test_a_window_of_the_text_gives_offsets_into_the_whole_text() -> None:
    text = "Ignorert. Første i vinduet. Andre i vinduet. Ignorert etterpå."
    start = text.index("Første")
    end = text.index(" Ignorert etterpå")
    spans = sentence_spans(text, start, end)
    assert [text[a:b] for a, b in spans] == ["Første i vinduet.", "Andre i vinduet."]


def test_empty_and_blank_text() -> None:
    assert sentence_spans("") == []
    assert sentence_spans(" \n\n ") == []
