"""Extraction rules on single sentences: amounts normalised, nothing invented, roles and goals."""

from __future__ import annotations

import pytest

from ingest.extract import Extraction, extract, find_amounts


@pytest.mark.parametrize(
    ("sentence", "lang", "amount", "currency"),
    [
        ("Departementet har bevilget 6,3 millioner kroner til prosjektet.", "nb", 6_300_000, "NOK"),
        ("Fylkeskommunen bidrar med 1,882 millioner.", "nb", 1_882_000, "NOK"),
        ("Kommunen har løyvd 2,5 mill. kr til tiltaket.", "nn", 2_500_000, "NOK"),
        ("Regionen giver 3,2 mio. kr. til uddannelse.", "da", 3_200_000, "DKK"),
        ("Kommunen har afsat 1.500.000 kr. til projektet.", "da", 1_500_000, "DKK"),
        ("Tilskuddet er på 500 000 kroner per år.", "nb", 500_000, "NOK"),
        ("The ministry granted NOK 2.5 million over three years.", "en", 2_500_000, "NOK"),
        ("The region contributes €1,200,000 to the cluster.", "en", 1_200_000, "EUR"),
        ("Staten gir 1,2 milliarder kroner.", "nb", 1_200_000_000, "NOK"),
    ],
)
def test_amounts_are_normalised(sentence: str, lang: str, amount: float, currency: str) -> None:
    found = find_amounts(sentence, lang)
    assert [(a[3], a[4]) for a in found] == [(amount, currency)]
    start, end, written = found[0][:3]
    assert sentence[start:end] == written


@pytest.mark.parametrize(
    "sentence",
    [
        "Strategien gjelder for perioden 2020–2024 og ble vedtatt 21. november 2018.",
        "Andelen økte med 15 prosent, og 40 % av bedriftene deltok.",
        "Ring oss på tlf. 62 00 00 00 eller 22 24 90 90.",
        "Regionen har 2 millioner innbyggere og 3 000 bedrifter.",
        "Universitetskommune 3.0 har 5 tematiske områder og en styringsgruppe på 4 + 4.",
        "The strategy has 4 goals and 12 measures for 2030.",
    ],
)
def test_no_amount_is_invented(sentence: str) -> None:
    assert find_amounts(sentence, "nb") == []
    assert extract("x.txt", sentence, "nb").funding == []


def test_funding_keeps_funder_purpose_period_and_a_verbatim_span() -> None:
    text = (
        "Kompetansepiloter\n\n"
        "Det er Kunnskapsdepartementet (KD) som finansierer ordningen kalt Kompetansepiloter. "
        "Gjennom ordningen har departementet bevilget 4,4 millioner kroner over en treårsperiode. "
        "Til sammen blir det 6 millioner kroner."
    )
    items = extract("k.txt", text, "nb")
    first, total = items.funding
    assert first.funder == "Kunnskapsdepartementet" and first.period == "over en treårsperiode"
    assert first.recipient == "Kompetansepiloter" and not first.total
    assert total.total and total.amount == 6_000_000
    for item in [*items.funding, *items.partners, *items.goals]:
        assert text[item.char_start : item.char_end] == item.quote
    ministry = next(p for p in items.partners if p.abbreviation == "KD")
    assert ministry.role == "funder"


def test_partners_listed_after_samarbeider_med_with_unknown_names() -> None:
    text = "Samarbeid\n\nInnlandet fylkeskommune samarbeider med Tretorget og Norwegian Wood Cluster om det."
    partners = {p.name: p for p in extract("i.txt", text, "nb").partners}
    assert partners["Tretorget"].role == "partner"
    assert partners["Norwegian Wood Cluster"].kind == "cluster"
    assert partners["Innlandet fylkeskommune"].role == ""


def test_danish_and_english_partners() -> None:
    da = extract("d.txt", "Herning Kommune samarbejder med Aarhus Universitet om nye uddannelser.", "da")
    assert {p.name: p.role for p in da.partners}["Aarhus Universitet"] == "partner"
    en = extract("e.txt", "The county works in partnership with University of Bergen and Acme AS.", "en")
    assert {p.name for p in en.partners if p.role == "partner"} == {"University of Bergen", "Acme AS"}


@pytest.mark.parametrize(
    ("sentence", "lang", "is_goal"),
    [
        ("Vi vil etablere nye områder i byen.", "da", True),
        ("Målet er at små bedrifter skal ha tilgang på arbeidskraft.", "nb", True),
        ("Kommunen skal vere ein pådrivar for innovasjon.", "nn", True),
        ("Og allervigtigst; vi ønsker at skabe en større integration.", "da", True),
        ("We will double the number of apprentices by 2030.", "en", True),
        ("Befolkningen i Hamar har et høyt utdanningsnivå.", "nb", False),
        ("Når de store prosjektene initieres og skal utvikles er fagfolkene opptatt.", "nb", False),
        ("Også til nye næringer som ønsker å etablere seg i fylket.", "nb", False),
    ],
)
def test_goal_sentences(sentence: str, lang: str, is_goal: bool) -> None:
    assert bool(extract("g.txt", sentence, lang).goals) == is_goal


def test_goals_keep_their_section_heading() -> None:
    text = "Hvor vil vi?\nHamar skal være en næringsvennlig kommune. Framtidens samfunn er digitalt."
    (goal,) = extract("h.txt", text, "nb").goals
    assert goal.section == "Hvor vil vi?" and goal.quote == "Hamar skal være en næringsvennlig kommune."


def test_extraction_round_trips_through_json() -> None:
    items = extract("k.txt", "Fylket bidrar med 2 millioner kroner. Vi skal samarbeide med NTNU.", "nb")
    assert Extraction.from_json(items.to_json()) == items
    assert Extraction.from_json("") == Extraction()
