"""Metric arithmetic on small hand-checked cases, and question-set loading (JSONL, CSV, ragas)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluation import EvalQuestion, fold, load_questions, score_answer, summarize
from assistant.types import Answer, Citation, Passage


def _passage(source: str, chunk_id: str, text: str) -> Passage:
    return Passage(chunk_id, source, source, "nb", text, 0, len(text), 1.0)


def _answer(
    text: str,
    passages: list[Passage],
    quotes: list[tuple[str, str]],
    abstained: bool = False,
    total_ms: float = 10.0,
) -> Answer:
    by_id = {p.chunk_id: p for p in passages}
    citations = []
    for i, (chunk_id, quote) in enumerate(quotes, 1):
        p = by_id[chunk_id]
        start = p.text.find(quote)
        citations.append(
            Citation(
                i,
                p.source,
                p.title,
                chunk_id,
                quote,
                start,
                start + len(quote),
                start,
                start + len(quote),
                1.0,
            )
        )
    return Answer("q", "nb", text, abstained, citations, passages, {"total_ms": total_ms, "retrieve_ms": 1.0})


def test_fold_ignores_case_space_and_punctuation() -> None:
    assert fold("6,3  Millioner!") == fold("6 3 millioner")
    assert fold("Kommunal- og moderniseringsdepartementet") in fold(
        "Det er KOMMUNAL og moderniseringsdepartementet."
    )


def test_rank_metrics_and_answer_match_hand_checked() -> None:
    a = _passage("a.txt", "a1", "Alfa sier 6,3 millioner.")
    b = _passage("b.txt", "b1", "Beta sier noe annet.")
    store = {"a1": a.text, "b1": b.text}
    q1 = EvalQuestion("1", "?", ["6,3 millioner"], ["a.txt"])  # expected first
    q2 = EvalQuestion("2", "?", ["6,3 millioner"], ["a.txt"])  # expected second
    q3 = EvalQuestion("3", "?", ["finnes ikke"], ["c.txt"])  # never retrieved
    r1 = score_answer(
        q1, _answer("«Alfa sier 6,3 millioner.» [1]", [a, b], [("a1", "Alfa sier 6,3 millioner.")]), store.get
    )
    r2 = score_answer(
        q2, _answer("«Beta sier noe annet.» [1]", [b, a], [("b1", "Beta sier noe annet.")]), store.get
    )
    r3 = score_answer(
        q3, _answer("«Beta sier noe annet.» [1]", [b, a], [("b1", "Beta sier noe annet.")]), store.get
    )
    m = summarize([r1, r2, r3], {})["metrics"]
    assert m["hit@1"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["hit@3"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["mrr@10"] == pytest.approx((1 + 0.5 + 0) / 3, abs=1e-4)
    assert m["answer_match"] == pytest.approx(1 / 3, abs=1e-4)
    # Citations: r1 cites a.txt (expected), r2 and r3 cite b.txt (not expected).
    assert m["citation_precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["quote_verbatim"] == 1.0


def test_abstention_precision_and_recall() -> None:
    p = _passage("a.txt", "a1", "Tekst.")
    answerable = EvalQuestion("1", "?", ["Tekst"], ["a.txt"], answerable=True)
    unanswerable = EvalQuestion("2", "?", [], [], answerable=False)
    results = [
        score_answer(
            answerable, _answer("Dokumentene sier ikke noe om dette.", [p], [], abstained=True), {}.get
        ),
        score_answer(
            unanswerable, _answer("Dokumentene sier ikke noe om dette.", [p], [], abstained=True), {}.get
        ),
        score_answer(unanswerable, _answer("«Tekst.» [1]", [p], [("a1", "Tekst.")]), {"a1": "Tekst."}.get),
    ]
    m = summarize(results, {})["metrics"]
    assert m["abstain_precision"] == 0.5  # two abstentions, one was right
    assert m["abstain_recall"] == 0.5  # two unanswerable, one abstained
    assert m["answer_match"] == 0.0  # an abstention never matches


def test_quote_that_is_not_in_the_stored_passage_counts_against_verbatim() -> None:
    p = _passage("a.txt", "a1", "Original tekst her.")
    q = EvalQuestion("1", "?", ["x"], ["a.txt"])
    answer = _answer("«Original tekst her.» [1]", [p], [("a1", "Original tekst her.")])
    result = score_answer(q, answer, {"a1": "Endret tekst."}.get)  # the store says otherwise
    assert summarize([result], {})["metrics"]["quote_verbatim"] == 0.0


def test_latency_percentiles() -> None:
    p = _passage("a.txt", "a1", "T.")
    q = EvalQuestion("1", "?", [], ["a.txt"])
    results = [score_answer(q, _answer("x", [p], [], total_ms=float(ms)), {}.get) for ms in range(1, 101)]
    m = summarize(results, {})["metrics"]
    assert m["latency_p50_ms"] == pytest.approx(50.5, abs=0.6)
    assert m["latency_p95_ms"] == pytest.approx(95.05, abs=0.6)


def test_by_lang_and_topic_groups() -> None:
    p = _passage("a.txt", "a1", "T.")
    qs = [
        EvalQuestion("1", "?", [], ["a.txt"], lang="nb", topic="funding"),
        EvalQuestion("2", "?", [], ["b.txt"], lang="en", topic="funding"),
    ]
    summary = summarize([score_answer(q, _answer("x", [p], []), {}.get) for q in qs], {"model": "m"})
    assert summary["by_lang"]["nb"]["metrics"]["hit@1"] == 1.0
    assert summary["by_lang"]["en"]["metrics"]["hit@1"] == 0.0
    assert summary["by_topic"]["funding"]["n"] == 2
    assert summary["config"] == {"model": "m"}


def test_load_jsonl_csv_and_ragas_names(tmp_path: Path) -> None:
    jsonl = tmp_path / "q.jsonl"
    jsonl.write_text(
        json.dumps(
            {
                "id": "a",
                "question": "Hvem?",
                "expected_answers": ["NTNU"],
                "expected_sources": ["t.txt"],
                "lang": "nb",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    csv_file = tmp_path / "q.csv"
    csv_file.write_text(
        "id,question,expected_answers,expected_sources,answerable,lang,topic\n"
        'b,Hvor mye?,"[""6,3 millioner""]",i.txt,true,nb,funding\n'
        "c,Hva?,,,false,nb,other\n",
        encoding="utf-8",
    )
    ragas = tmp_path / "r.jsonl"
    ragas.write_text(
        json.dumps({"user_input": "Who?", "reference": "NTNU", "reference_context_ids": ["docs/t.txt"]})
        + "\n",
        encoding="utf-8",
    )
    (a,) = load_questions(jsonl)
    b, c = load_questions(csv_file)
    (r,) = load_questions(ragas)
    assert (a.id, a.expected_answers, a.expected_sources, a.answerable) == ("a", ["NTNU"], ["t.txt"], True)
    assert b.expected_answers == ["6,3 millioner"] and b.topic == "funding"
    assert c.answerable is False and c.expected_answers == []
    assert (r.question, r.expected_answers, r.expected_sources) == ("Who?", ["NTNU"], ["t.txt"])


def test_load_rejects_rows_without_a_question(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no 'question'"):
        load_questions(bad)
