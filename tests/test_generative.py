"""Generative answers against a real HTTP server on loopback that replays scripted completions.

`tests/llm_server.py` runs as a separate process and speaks the OpenAI chat-completions protocol
(streaming and not) and Ollama's /api/chat; the model name picks the scripted fault. Each test
asserts what the reader is shown: the verified text, its flags and citations, or the extractive
fallback with its notice.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.core import Assistant
from assistant.evaluation import EvalQuestion, run_eval, summarize
from assistant.messages import message
from assistant.settings import AssistantSettings
from assistant.types import Answer, SentenceCheck
from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS, PROJECT
from tests.support import free_port
from vectorstore.store import ChunkStore

FUNDING = "Hvor mye penger får ordningen Kompetansepiloter i Innlandet til sammen?"
PILOT = "Hvor lang tid har Trondheim på å etablere en universitetskommune?"
# Thresholds for the fake embedder (hashed words); the real model's come from calibration.
FAKE_SUPPORT = {"support_threshold": 0.5, "support_lexical_weight": 0.2}


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The scripted server as its own process; yields its base URL and its request log."""
    log = tmp_path_factory.mktemp("llm") / "requests.jsonl"
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT / "tests" / "llm_server.py"), "--log", str(log)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline().split()[1])
    try:
        yield f"http://127.0.0.1:{port}", log
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def corpus_store(store: ChunkStore) -> ChunkStore:
    ingest_paths([CORPUS], store)
    return store


def _assistant(
    store: ChunkStore, url: str, scenario: str, provider: str = "openai", **extra: Any
) -> Assistant:
    base = f"{url}/v1" if provider == "openai" else url
    settings = AssistantSettings(
        llm_provider=provider,  # type: ignore[arg-type]
        llm_base_url=base,
        llm_model=scenario,
        llm_timeout=extra.pop("llm_timeout", 10.0),
        **{**FAKE_SUPPORT, **extra},
    )
    return Assistant(store=store, settings=settings)


def _requests(log: Path, model: str) -> list[dict[str, Any]]:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [r for r in map(json.loads, lines) if r.get("model") == model]


def _streamed(assistant: Assistant, question: str) -> tuple[list[SentenceCheck], Answer]:
    events = list(assistant.ask_stream(question))
    final = events[-1]
    assert isinstance(final, Answer)
    return [e for e in events if isinstance(e, SentenceCheck)], final


def test_without_a_model_server_answers_stay_extractive(corpus_store: ChunkStore) -> None:
    assistant = Assistant(store=corpus_store, settings=AssistantSettings())
    assert assistant.generator is None
    answer = assistant.ask(FUNDING)
    assert not answer.generated and answer.sentences == []


def test_a_correct_cited_answer_is_kept_with_its_citations(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    url, log = llm_server
    answer = _assistant(corpus_store, url, "correct").ask(FUNDING)
    assert answer.generated and not answer.abstained
    assert answer.text.startswith("Ordningen Kompetansepiloter får til sammen nesten 6,3 millioner kroner [")
    assert "⚠" not in answer.text
    assert answer.notice == message("llm_generated", "nb")
    assert all(s.supported and not s.problems for s in answer.sentences)
    # Every [n] points at the Innlandet passage, and the sources panel gets a verbatim quote.
    assert {c.source for c in answer.citations} == {"innlandet-kompetansepiloter.txt"}
    for c in answer.citations:
        assert f"[{c.n}]" in answer.text
        assert answer.passage(c.chunk_id).text[c.quote_start : c.quote_end] == c.quote  # type: ignore[union-attr]
    assert any("6,3 millioner" in c.quote for c in answer.citations)
    # The prompt numbered the retrieved passages and asked for the refusal phrase.
    request = _requests(log, "correct")[-1]
    prompt = " ".join(m["content"] for m in request["messages"])
    assert "[1] " in prompt and "[5] " in prompt and "[6] " not in prompt
    assert "NOT_IN_DOCUMENTS" in prompt and FUNDING in prompt
    assert request["stream"] is True and request["authorization"] == "Bearer not-needed"


def test_streamed_sentences_arrive_one_by_one_and_match_the_final_answer(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    url, _ = llm_server
    sentences, final = _streamed(_assistant(corpus_store, url, "correct"), FUNDING)
    assert len(sentences) == 2 and all(s.supported for s in sentences)
    assert " ".join(s.shown for s in sentences) == final.text


def test_a_citation_out_of_range_is_removed_and_a_sentence_left_without_one_flagged(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    url, _ = llm_server
    answer = _assistant(corpus_store, url, "out_of_range").ask(FUNDING)
    assert answer.generated
    assert "[7]" not in answer.text and "[9]" not in answer.text
    first, second = answer.sentences
    assert first.supported and first.problems == ["citation_out_of_range"] and first.cited
    assert not second.supported and second.problems == ["citation_out_of_range", "no_citation"]
    flag = message("unsupported_flag", "nb")
    assert answer.text.endswith(f"Innlandet fylkeskommune bidrar med 1,882 millioner kroner. ({flag})")

    removing = _assistant(corpus_store, url, "out_of_range", unsupported="remove").ask(FUNDING)
    assert "1,882" not in removing.text and "⚠" not in removing.text
    assert message("sentences_removed", "nb", count=1) in removing.notice


def test_a_number_the_passage_does_not_hold_is_flagged(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    url, _ = llm_server
    answer = _assistant(corpus_store, url, "wrong_number").ask(PILOT)
    first, second = answer.sentences
    assert first.supported and "[" in first.shown and "⚠" not in first.shown
    assert not second.supported and "number_not_in_source" in second.problems
    # The passage says "inntil fire år"; the model wrote "5 år": shown, but visibly flagged.
    assert f"inntil 5 år [{second.cited[0]}]. ({message('unsupported_flag', answer.lang)})" in answer.text


def test_an_exfiltration_image_and_links_are_stripped(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    url, _ = llm_server
    for answer in (
        _assistant(corpus_store, url, "exfiltration").ask(FUNDING),
        _streamed(_assistant(corpus_store, url, "exfiltration"), FUNDING)[1],
    ):
        shown = json.dumps(answer.to_dict(), ensure_ascii=False)
        assert "evil.example" not in shown and "http" not in answer.text and "<img" not in shown
        assert "![" not in answer.text and "](" not in answer.text
        assert "6,3 millioner kroner [" in answer.text
        assert "Kommunal- og moderniseringsdepartementet som finansierer ordningen [" in answer.text
        assert message("links_removed", "nb") in answer.notice


@pytest.mark.parametrize("scenario", ["empty", "garbage"])
def test_an_empty_or_garbled_reply_falls_back_to_the_extractive_answer(
    corpus_store: ChunkStore, llm_server: tuple[str, Path], scenario: str
) -> None:
    url, _ = llm_server
    extractive = Assistant(store=corpus_store, settings=AssistantSettings()).ask(FUNDING)
    for answer in (
        _assistant(corpus_store, url, scenario).ask(FUNDING),
        _streamed(_assistant(corpus_store, url, scenario), FUNDING)[1],
    ):
        assert not answer.generated
        assert answer.text == extractive.text and answer.citations == extractive.citations
        assert answer.notice == message("llm_unavailable", "nb")


def test_a_server_that_hangs_falls_back_within_the_timeout(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    url, _ = llm_server
    assistant = _assistant(corpus_store, url, "timeout", llm_timeout=1.0)
    started = time.monotonic()
    sentences, answer = _streamed(assistant, FUNDING)
    elapsed = time.monotonic() - started
    assert sentences == [] and not answer.generated
    assert answer.notice == message("llm_unavailable", "nb")
    assert elapsed < 1.0 + 2.0, elapsed  # the timeout, plus retrieval on a busy machine


def test_an_unreachable_server_falls_back(corpus_store: ChunkStore) -> None:
    port = free_port()  # nothing listens there: connection refused
    answer = _assistant(corpus_store, f"http://127.0.0.1:{port}", "correct").ask(FUNDING)
    assert not answer.generated and answer.notice == message("llm_unavailable", "nb")


def test_the_refusal_phrase_becomes_the_documents_dont_say(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    url, _ = llm_server
    answer = _assistant(corpus_store, url, "refusal").ask(FUNDING)
    assert answer.abstained and answer.text == message("abstain", "nb") and answer.citations == []


def test_a_follow_up_is_rewritten_by_the_model_before_retrieval(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    url, log = llm_server
    history = [(FUNDING, "…")]
    answer = _assistant(corpus_store, url, "followup").ask("Og hvem betaler?", history=history)
    assert answer.retrieval_query == "Hvilket departement finansierer ordningen Kompetansepiloter?"
    assert answer.citations[0].source == "innlandet-kompetansepiloter.txt"
    assert "Kommunal- og moderniseringsdepartementet" in answer.text
    # "who pays" is answered from the document's extracted funding items, verbatim and complete,
    # so the model is asked only to rewrite the follow-up.
    (rewrite,) = _requests(log, "followup")
    assert rewrite["stream"] is False and FUNDING in rewrite["messages"][-1]["content"]


def test_ollama_streams_through_its_own_protocol(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    url, log = llm_server
    sentences, answer = _streamed(_assistant(corpus_store, url, "correct", provider="ollama"), FUNDING)
    assert len(sentences) == 2 and answer.generated and "6,3 millioner kroner [" in answer.text
    assert _requests(log, "correct")[-1]["path"] == "/api/chat"


def test_eval_reports_supported_sentences_and_valid_citations_in_generative_mode(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    url, _ = llm_server
    questions = [EvalQuestion("q1", FUNDING, ["6,3 millioner"], ["innlandet-kompetansepiloter.txt"])]
    generative = summarize(run_eval(_assistant(corpus_store, url, "out_of_range"), questions), {})
    # Two sentences, one verified; three [n] markers written, one valid.
    assert generative["metrics"]["supported_sentence_share"] == 0.5
    assert generative["metrics"]["valid_citation_share"] == round(1 / 3, 4)
    assert generative["metrics"]["answer_match"] == 1.0
    extractive = summarize(
        run_eval(Assistant(store=corpus_store, settings=AssistantSettings()), questions), {}
    )
    assert "supported_sentence_share" not in extractive["metrics"]


@pytest.mark.integration
def test_real_model_verification_on_the_bundled_corpus(
    real_corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    """With e5 and the calibrated threshold: the correct answer passes, each fault is caught."""
    url, _ = llm_server

    def ask(scenario: str, question: str) -> Answer:
        settings = AssistantSettings(llm_provider="openai", llm_base_url=f"{url}/v1", llm_model=scenario)
        return Assistant(store=real_corpus_store, settings=settings).ask(question)

    correct = ask("correct", FUNDING)
    assert correct.generated and all(s.supported for s in correct.sentences), correct.sentences
    assert correct.citations[0].source == "innlandet-kompetansepiloter.txt"

    wrong = ask("wrong_number", PILOT)
    assert [s.supported for s in wrong.sentences] == [True, False], wrong.sentences
    assert "number_not_in_source" in wrong.sentences[1].problems

    leaked = ask("exfiltration", FUNDING)
    assert "evil.example" not in json.dumps(leaked.to_dict()) and leaked.generated

    out_of_range = ask("out_of_range", FUNDING)
    assert "[7]" not in out_of_range.text and not out_of_range.sentences[1].supported


def test_the_chat_renders_flags_visibly_and_no_outside_address(
    corpus_store: ChunkStore, llm_server: tuple[str, Path]
) -> None:
    from ui.render import render_answer, render_sources

    url, _ = llm_server
    flagged = _assistant(corpus_store, url, "wrong_number").ask(PILOT)
    html = render_answer(flagged)
    assert '<span class="unverified">&#40;⚠' in html and "5 år" in html
    assert '<button type="button" class="cite" value="' in html
    leaked = _assistant(corpus_store, url, "exfiltration").ask(FUNDING)
    page = render_answer(leaked) + render_sources(leaked, "nb")
    assert "evil.example" not in page and "evil&#46;example" not in page
    assert "<img" not in page and "http" not in page
