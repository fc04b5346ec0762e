"""Language detection for documents and one-line questions in nb, nn, da, sv and en."""

from __future__ import annotations

import pytest

from ingest.clean import clean_text
from ingest.language import LANGUAGES, detect_language, language_confidences
from tests.conftest import CORPUS

QUESTIONS = [
    ("nb", "Hvor mye penger får Kompetansepiloter til sammen?"),
    ("nb", "Hvem finansierer ordningen?"),
    ("nn", "Kven finansierer ordninga?"),
    ("nn", "Kor mykje pengar får kommunen?"),
    ("da", "Hvad er målet med uddannelsesstrategien?"),
    ("da", "Hvem betaler for projektet?"),
    ("sv", "Vem finansierar projektet?"),
    ("sv", "Hur mycket pengar får kommunen?"),
    ("en", "Who funds the programme?"),
    ("en", "How much money does the scheme get?"),
]

PASSAGES = [
    (
        "nb",
        "Kommunen skal bidra til utdanning og kunnskap utover å gi barn og unge en god grunnutdanning. "
        "Det er derfor avgjørende å utvikle og ta i bruk den digitale kompetansen.",
    ),
    (
        "nn",
        "Kommunen skal vere ein pådrivar for å utvikle nye former for samarbeid mellom kommunen, privat "
        "sektor og innbyggjarane. Difor er det viktig å byggje opp kompetansen i heile fylket.",
    ),
    (
        "da",
        "Vi vil gerne medvirke til nye mere agile og fleksible uddannelsesløsninger, der matcher "
        "fremtidens behov bedre end de nuværende.",
    ),
    (
        "sv",
        "Kommunen ska bidra till utbildning och kunskap utöver att ge barn och unga en bra grundutbildning. "
        "Därför är det viktigt att utveckla den digitala kompetensen.",
    ),
    (
        "en",
        "The municipality will contribute to education and knowledge beyond giving children and young "
        "people a good basic education.",
    ),
]


@pytest.mark.parametrize(("lang", "question"), QUESTIONS)
def test_short_questions(lang: str, question: str) -> None:
    assert detect_language(question) == lang


@pytest.mark.parametrize(("lang", "passage"), PASSAGES)
def test_passages(lang: str, passage: str) -> None:
    assert detect_language(passage) == lang


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("hamar-kunnskap-og-kompetanse.txt", "nb"),
        ("herning-uddannelsesstrategi.txt", "da"),
        ("innlandet-kompetansepiloter.txt", "nb"),
        ("trondheim-universitetskommune-3-0.txt", "nb"),
    ],
)
def test_corpus_documents(name: str, lang: str) -> None:
    assert detect_language(clean_text((CORPUS / name).read_text(encoding="utf-8"))) == lang


def test_confidences_cover_the_five_languages_and_sum_to_one() -> None:
    scores = language_confidences("Hvem finansierer ordningen kalt Kompetansepiloter?")
    assert set(scores) <= set(LANGUAGES)
    assert sum(scores.values()) == pytest.approx(1.0)
    assert max(scores, key=lambda code: scores[code]) == "nb"


@pytest.mark.parametrize("text", ["", "   ", "1234 5678", "6,3 – 4,4 = 1,9 ?!"])
def test_text_without_letters_gives_the_default(text: str) -> None:
    assert language_confidences(text) == {}
    assert detect_language(text) == "nb"
    assert detect_language(text, default="da") == "da"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("nb", "Kommunen vil satse på kompetanse og utdanning."),
        ("nb", "Vi skal styrke samarbeidet med næringslivet i regionen."),
        ("nb", "Handlingsplan for folkehelse i Gjøvik kommune 2026–2029"),
        ("nb", "Lillehammer kommune plan\n\nKommunen vil bruke 2 millioner kroner på etterutdanning."),
        ("nn", "Kommunen vil satse på kompetanse, og det er viktig for heile fylket."),
        ("nn", "Kommunen skal gje alle elevar eit godt tilbod i skulen."),
    ],
)
def test_short_documents_get_bokmal_or_nynorsk_right(lang: str, text: str) -> None:
    assert detect_language(text) == lang
