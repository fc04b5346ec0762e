"""The answer's wording for a list: its items one per line, a heading over them as the lead-in."""

from __future__ import annotations

from assistant.phrasing import answer_text, direct_span
from assistant.types import Citation


def _citation(n: int, quote: str, heading: bool = False) -> Citation:
    return Citation(n, "deck.txt", "Deck", "c1", quote, 0, len(quote), 0, len(quote), 0.5, heading)


def test_a_heading_over_the_items_leads_the_list_instead_of_being_one_of_them() -> None:
    text = answer_text(
        "en",
        "list",
        "list",
        "What are the thematic main areas?",
        [_citation(1, "Tematiske hovedområder", heading=True), _citation(1, "Byutvikling Smart by")],
        confident=False,
    )
    lines = text.splitlines()
    assert lines[0] == "Under “Tematiske hovedområder” [1] the documents name:"
    assert lines[1:] == ["• “Byutvikling Smart by” [1]"]


def test_a_list_without_a_heading_first_keeps_every_quote_as_an_item() -> None:
    citations = [_citation(1, "Tretorget"), _citation(1, "Overskrift", heading=True), _citation(2, "KMD")]
    text = answer_text("nb", "list", "list", "Hvilke partnere?", citations, confident=False)
    expected = ["Dokumentene nevner:", "• «Tretorget» [1]", "• «Overskrift» [1]", "• «KMD» [2]"]
    assert text.splitlines() == expected


def test_of_several_times_the_lead_is_the_one_beside_what_is_asked() -> None:
    sentence = "Christiania ble grunnlagt i 1624, og den siste utvidelsen av byen kom i 1980."
    assert direct_span("time", sentence, "Når var den siste utvidelsen av byen?") == "1980"
    assert direct_span("time", sentence, "Når ble Christiania grunnlagt?") == "1624"
    # Beside no word of the question, the first stays.
    assert direct_span("time", "Det skjedde i 1624 og i 1980.", "Når var brannen?") == "1624"


def test_the_questions_own_name_is_no_lead_in_another_spelling_or_the_genitive() -> None:
    # Led with, these read as the answer to "who", though they only repeat what was asked about.
    assert (
        direct_span(
            "person", "Boken om Théâtre Historique ble skrevet senere.", "Hvem grunnla Theatre Historique?"
        )
        == ""
    )
    assert direct_span("person", "Laget til Norges trener er fornøyd.", "Hvem er trener for Norge?") == ""
    assert direct_span("person", "Laget ledes av Ståle Solbakken.", "Hvem er trener for Norge?") == (
        "Ståle Solbakken"
    )


def test_a_number_said_as_a_bound_or_an_estimate_keeps_its_qualifier_in_the_lead() -> None:
    # "48" alone states more than the text does: it says at least 48.
    sentence = "Minst 48 mennesker er dømt, og nærmere 23.000 arbeidstakere kan bli tatt ut i streik."
    assert direct_span("count", sentence, "Hvor mange er dømt?") == "Minst 48 mennesker"
    assert (
        direct_span("count", sentence, "Hvor mange arbeidstakere kan bli tatt ut?")
        == "nærmere 23.000 arbeidstakere"
    )
    assert direct_span("amount", "Satsingen får nesten 6,3 millioner kroner.", "Hvor mye får satsingen?") == (
        "nesten 6,3 millioner kroner"
    )


def test_the_questions_own_name_respelt_still_makes_a_sentence_of_several_names() -> None:
    # With "Oslo Høyres" the sentence names two, and "Ap" alone would read as the answer.
    sentence = "Oslo Høyres helsepolitiker mener Ap ikke har oppnådd stort."
    assert direct_span("person", sentence, "Hvem er helsepolitiker for Oslo Høyre?") == ""
