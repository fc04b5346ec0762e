"""Word counterparts across languages: what stands out as a word's translation among the candidate
sentences' words, with the rest of the vocabulary as the yardstick."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.compose import translation_units
from assistant.glossary import is_translated_compound
from assistant.question import analyze_question
from assistant.translation import WordTranslator

VOCABULARY = [f"ord{i}" for i in range(60)] + ["karrieresentrene", "styringsgruppe", "herning"]


class VectorTable:
    """Random unit vectors, a translation placed next to its English word; counts what is embedded."""

    def __init__(self) -> None:
        rng = np.random.default_rng(7)
        words = [*VOCABULARY, "career", "steering", "group", "mayor"]
        self.vectors = {w: rng.normal(size=32) for w in words}
        self.vectors["karrieresentrene"] = self.vectors["career"] + rng.normal(scale=0.2, size=32)
        steering_group = self.vectors["steering"] + self.vectors["group"]
        self.vectors["steering group"] = steering_group
        self.vectors["styringsgruppe"] = steering_group + rng.normal(scale=0.2, size=32)
        self.embedded: list[str] = []

    def __call__(self, texts: list[str]) -> list[list[float]]:
        self.embedded += texts
        return [list(self.vectors[t] / np.linalg.norm(self.vectors[t])) for t in texts]


def test_a_word_gets_the_sentence_word_that_stands_out_as_its_translation() -> None:
    translator = WordTranslator(VectorTable())
    found = translator.counterparts(["career", "steering group"], VOCABULARY)
    assert found == {"career": ["karrieresentrene"], "steering group": ["styringsgruppe"]}


def test_a_word_without_a_counterpart_gets_none_rather_than_the_nearest_word() -> None:
    assert WordTranslator(VectorTable()).counterparts(["mayor"], VOCABULARY) == {}


def test_a_name_the_sentences_hold_as_it_is_is_not_translated() -> None:
    table = VectorTable()
    assert WordTranslator(table).counterparts(["herning"], VOCABULARY) == {}
    assert table.embedded == []  # nothing to look up, no model time spent


def test_words_are_embedded_once_across_questions() -> None:
    table = VectorTable()
    translator = WordTranslator(table)
    translator.counterparts(["career"], VOCABULARY)
    translator.counterparts(["career", "steering group"], VOCABULARY)
    assert sorted(table.embedded) == sorted([*VOCABULARY, "career", "steering group"])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "How is the steering group of University Municipality 3.0 composed?",
            ["steering", "group", "university", "municipality", "composed", "steering group",
             "university municipality"],
        ),
        ("What role do Innlandet's career centres play?", ["role", "innlandet", "career", "centres", "play",
                                                             "career centres", "centres play"]),
    ],
)  # fmt: skip
def test_translation_units_are_content_words_and_their_adjacent_pairs(
    question: str, expected: list[str]
) -> None:
    assert translation_units(analyze_question(question)) == expected


@pytest.mark.parametrize(
    ("token", "word", "expected"),
    [
        ("universitetsskoler", "Universitätsschulen", True),  # both parts translated, linking s
        ("universitetskolene", "Universitätsschulen", True),  # the slide's other spelling
        ("universitetskommune", "Universitätsschulen", False),  # the first part only
        ("skoler", "Universitätsschulen", False),  # the last part only
        ("universitetsskoler", "university", False),  # no compound
    ],
)
def test_a_german_compound_is_matched_by_the_compound_of_its_parts_counterparts(
    token: str, word: str, expected: bool
) -> None:
    assert is_translated_compound(token, word) is expected
