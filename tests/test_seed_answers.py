"""Acceptance: the seed question set over the bundled corpus, with the real model and Chroma.

Every answerable question is answered with an expected fact quoted and an expected source cited;
the unanswerable ones get "the documents don't say". Quotes are verbatim from stored passages and
their document offsets point at the same characters.
"""

from __future__ import annotations

import json

import pytest

from assistant.core import Assistant
from assistant.evaluation import fold
from assistant.messages import message
from tests.conftest import SHARED

pytestmark = pytest.mark.integration

SEED = SHARED / "eval" / "seed-dev.jsonl"
QUESTIONS = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def assistant(real_corpus_store):  # type: ignore[no-untyped-def]
    a = Assistant(store=real_corpus_store)
    a.warm_up()
    return a


@pytest.mark.parametrize("case", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_seed_question(assistant: Assistant, case: dict) -> None:  # type: ignore[type-arg]
    answer = assistant.ask(case["question"])
    if not case["answerable"]:
        assert answer.abstained, answer.text
        # Either nothing is cited, or only what the documents say closest to a missing detail.
        assert not answer.citations or answer.text.startswith(message("missing_detail", answer.lang))
        assert answer.passages, "the nearest passages are still shown"
        return
    assert not answer.abstained, answer.text
    cited = {c.source for c in answer.citations}
    assert cited & set(case["expected_sources"]), (cited, answer.text)
    assert any(fold(a) in fold(answer.text) for a in case["expected_answers"]), answer.text
    # The reader gets the answer frame in their own language ("Dokumentene sier", not "Dokumenterne
    # siger", for a short bokmål question).
    assert answer.lang == case["lang"], answer.text


def test_quotes_are_verbatim_and_offsets_point_into_the_document(assistant: Assistant) -> None:
    answer = assistant.ask("Which ministry finances the Kompetansepiloter scheme?")
    assert answer.citations
    for c in answer.citations:
        passage = answer.passage(c.chunk_id)
        assert passage is not None
        assert passage.text[c.quote_start : c.quote_end] == c.quote
        document = assistant.store.get_document(c.source)
        assert document is not None
        assert document.text[c.char_start : c.char_end] == c.quote


def test_answer_frame_follows_the_question_language(assistant: Assistant) -> None:
    partners = assistant.ask("Which partners does Innlandet county work with?")
    assert partners.text.startswith("Partners named in")
    danish = assistant.ask("Hvilken skole etablerede Herning, fordi eksport var et område i vækst?")
    assert danish.text.startswith("Dokumenterne")
    assert assistant.ask("What is the population of Herning?").text.startswith("The documents do")


def test_followup_uses_the_conversation(assistant: Assistant) -> None:
    first = "Hvor mye penger får ordningen Kompetansepiloter i Innlandet til sammen?"
    answer = assistant.ask("og hvem finansierer det?", history=[(first, "")])
    assert not answer.abstained
    assert "Kommunal- og moderniseringsdepartementet" in answer.text or "KMD" in answer.text


def test_document_filter_restricts_the_sources(assistant: Assistant) -> None:
    answer = assistant.ask("Hvilke mål har strategien?", sources=["herning-uddannelsesstrategi.txt"])
    assert answer.passages
    assert {p.source for p in answer.passages} == {"herning-uddannelsesstrategi.txt"}
