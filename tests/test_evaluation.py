"""Metric arithmetic on small hand-checked cases, and question-set loading (JSONL, CSV, ragas)."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pytest

from assistant.cli import EXIT_REGRESSION, eval_command
from assistant.evaluation import (
    EvalQuestion,
    QuestionResult,
    fold,
    load_questions,
    results_jsonl,
    score_answer,
    summarize,
)
from assistant.grading import grade_sheet, read_sheet, sheet_csv
from assistant.regression import compare_runs
from assistant.types import Answer, Citation, Passage
from vectorstore.store import ChunkStore


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


def test_an_expected_span_over_two_quoted_sentences_matches_across_their_marker() -> None:
    # The reader sees both sentences of the expected span, quoted one after the other; the [1]
    # between them is the answer's citation, not a word of the text.
    text = "Framtidens samfunn er digitalt. Det er derfor avgjørende å utvikle kompetansen."
    p = _passage("a.txt", "a1", text)
    q = EvalQuestion("1", "?", [text], ["a.txt"])
    quotes = [
        ("a1", "Framtidens samfunn er digitalt."),
        ("a1", "Det er derfor avgjørende å utvikle kompetansen."),
    ]
    both = _answer(
        "«Framtidens samfunn er digitalt.» [1] «Det er derfor avgjørende å utvikle kompetansen.» [1]",
        [p],
        quotes,
    )
    one = _answer("«Framtidens samfunn er digitalt.» [1]", [p], quotes[:1])
    assert score_answer(q, both, {"a1": text}.get).answer_match
    assert not score_answer(q, one, {"a1": text}.get).answer_match


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


def test_list_question_with_three_of_four_items_is_not_complete() -> None:
    p = _passage("a.txt", "a1", "Alfa, beta og gamma, men ikke den fjerde.")
    store = {"a1": p.text}
    items = ["alfa", "beta", "gamma", "delta"]
    as_list = EvalQuestion("l", "Hvilke?", items, ["a.txt"], kind="list", expected_all=True)
    as_any = EvalQuestion("f", "Hvilke?", items, ["a.txt"], kind="fact")
    answer = _answer("«Alfa, beta og gamma, men ikke den fjerde.» [1]", [p], [("a1", p.text)])
    listed, anyone = score_answer(as_list, answer, store.get), score_answer(as_any, answer, store.get)
    assert listed.matched_answers == ["alfa", "beta", "gamma"]
    assert not listed.answer_match and anyone.answer_match
    m = summarize([listed, anyone], {})["metrics"]
    assert m["answer_match"] == 0.5
    assert m["answer_complete"] == 0.0  # the one list question is incomplete
    complete = score_answer(
        EvalQuestion("c", "Hvilke?", items[:3], ["a.txt"], expected_all=True), answer, store.get
    )
    assert summarize([listed, complete], {})["metrics"]["answer_complete"] == 0.5


def test_answer_complete_is_none_without_list_questions() -> None:
    p = _passage("a.txt", "a1", "Tekst.")
    result = score_answer(EvalQuestion("1", "?", ["Tekst"], ["a.txt"]), _answer("Tekst.", [p], []), {}.get)
    assert summarize([result], {})["metrics"]["answer_complete"] is None


def test_evidence_hit_at_rank_two() -> None:
    """The right file first but without the answer; the passage holding it second."""
    first = _passage("a.txt", "a1", "Innledning uten svaret.")
    second = _passage("a.txt", "a2", "Ordningen får 6,3 millioner kroner.")
    q = EvalQuestion("1", "Hvor mye?", ["6,3 millioner"], ["a.txt"])
    result = score_answer(q, _answer("x", [first, second], []), {}.get)
    m = summarize([result], {})["metrics"]
    assert (m["hit@1"], m["evidence_hit@1"], m["evidence_hit@3"]) == (1.0, 0.0, 1.0)
    assert m["evidence_mrr@10"] == 0.5


def test_evidence_in_another_file_does_not_count() -> None:
    elsewhere = _passage("b.txt", "b1", "Også her: 6,3 millioner.")
    q = EvalQuestion("1", "Hvor mye?", ["6,3 millioner"], ["a.txt"])
    result = score_answer(q, _answer("x", [elsewhere], []), {}.get)
    assert result.evidence_rank is None
    assert summarize([result], {})["metrics"]["evidence_hit@5"] == 0.0


def test_by_kind_groups_and_unanswerable_default_kind(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    rows = [
        {
            "id": "a",
            "question": "Hvilke?",
            "expected_answers": ["x", "y"],
            "kind": "list",
            "expected_all": True,
        },
        {"id": "b", "question": "Hva koster månen?", "expected_answers": [], "answerable": False},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    listed, unanswerable = load_questions(path)
    assert (listed.kind, listed.expected_all) == ("list", True)
    assert (unanswerable.kind, unanswerable.expected_all) == ("unanswerable", False)
    p = _passage("a.txt", "a1", "x og y.")
    results = [
        score_answer(listed, _answer("«x og y.» [1]", [p], [("a1", "x og y.")]), {"a1": "x og y."}.get),
        score_answer(unanswerable, _answer("Dokumentene sier ikke noe om dette.", [p], [], True), {}.get),
    ]
    by_kind = summarize(results, {})["by_kind"]
    assert by_kind["list"]["metrics"]["answer_complete"] == 1.0
    assert by_kind["unanswerable"]["metrics"]["abstain_recall"] == 1.0


def _saved_run(folder: Path, results: list[QuestionResult]) -> Path:
    folder.mkdir()
    (folder / "results.jsonl").write_text(results_jsonl(results), encoding="utf-8")
    summary = summarize(results, {})
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


def test_regression_lists_questions_that_changed(tmp_path: Path) -> None:
    p = _passage("a.txt", "a1", "Svaret er NTNU.")
    q1 = EvalQuestion("q1", "Hvem?", ["NTNU"], ["a.txt"])
    q2 = EvalQuestion("q2", "Hva koster månen?", [], [], answerable=False)
    right = _answer("«Svaret er NTNU.» [1]", [p], [("a1", p.text)])
    abstain = _answer("Dokumentene sier ikke noe om dette.", [p], [], abstained=True)
    store = {"a1": p.text}.get
    before = [score_answer(q1, right, store), score_answer(q2, right, store)]
    after = [score_answer(q1, abstain, store), score_answer(q2, abstain, store)]
    baseline = _saved_run(tmp_path / "before", before)
    comparison = compare_runs(baseline, summarize(after, {})["metrics"], after)
    assert [c.id for c in comparison.became_wrong] == ["q1"]
    assert [c.id for c in comparison.became_right] == ["q2"]
    assert comparison.became_wrong[0].before.startswith("«Svaret er NTNU")
    assert comparison.deltas["answer_match"] == (1.0, 0.0)
    with pytest.raises(FileNotFoundError, match="not an eval output folder"):
        compare_runs(tmp_path, {}, after)


def test_regression_pairs_repeated_ids_by_occurrence(tmp_path: Path) -> None:
    """Two questions share an id (NorQuAD validation has such pairs): each is compared with its
    own earlier answer, so an unchanged run shows no change."""
    p = _passage("a.txt", "a1", "Svaret er NTNU.")
    first = EvalQuestion("dup", "Hvem?", ["NTNU"], ["a.txt"])
    second = EvalQuestion("dup", "Hva?", ["SINTEF"], ["a.txt"])
    answer = _answer("«Svaret er NTNU.» [1]", [p], [("a1", p.text)])
    results = [
        score_answer(first, answer, {"a1": p.text}.get),
        score_answer(second, answer, {"a1": p.text}.get),
    ]
    baseline = _saved_run(tmp_path / "before", results)
    comparison = compare_runs(baseline, summarize(results, {})["metrics"], results)
    assert comparison.became_right == [] and comparison.became_wrong == []
    assert comparison.only_before == [] and comparison.only_after == []


def test_fail_on_regression_exits_non_zero_through_the_eval_command(
    tmp_path: Path, store: ChunkStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole `eval` command on a fake-embedded index: an answer that was right in the baseline
    run and is wrong now fails the run with --fail-on-regression, and report.md lists it."""
    from ingest.pipeline import ingest_paths

    # The abstention threshold is calibrated for e5; the hashed fake embedder scores lower.
    monkeypatch.setenv("ASSISTANT_ABSTAIN_THRESHOLD", "0")
    doc = tmp_path / "docs" / "innlandet.txt"
    doc.parent.mkdir()
    doc.write_text(
        "Kompetansepiloter i Innlandet\n\nOrdningen Kompetansepiloter får 6,3 millioner kroner til sammen.\n",
        encoding="utf-8",
    )
    ingest_paths([doc.parent], store)
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps(
            {
                "id": "money",
                "question": "Hvor mye penger får Kompetansepiloter til sammen?",
                "expected_answers": ["6,3 millioner"],
                "expected_sources": ["innlandet.txt"],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    base = tmp_path / "base"

    def run(out: Path, *extra: str) -> int:
        args = _eval_args(questions, out, *extra)
        return eval_command(args, store)

    assert run(base, "--sheet") == 0
    rows = (base / "results.jsonl").read_text(encoding="utf-8")
    assert json.loads(rows)["answer_match"] is True, rows
    # Make the baseline claim a question right that this run gets wrong: flip it to "was right",
    # then change the expected answer so the new run misses it.
    questions.write_text(questions.read_text(encoding="utf-8").replace("6,3 millioner", "7 millioner"))
    assert run(tmp_path / "plain") == 0
    assert run(tmp_path / "after", "--baseline", str(base), "--fail-on-regression") == EXIT_REGRESSION
    report = (tmp_path / "after" / "report.md").read_text(encoding="utf-8")
    assert "Became wrong (1)" in report and "**money**" in report
    sheet = (base / "grading.csv").read_text(encoding="utf-8")
    assert sheet.splitlines()[0].startswith("id,kind,lang,question,answer,citations")


def _eval_args(questions: Path, out: Path, *extra: str) -> argparse.Namespace:
    from assistant.cli import _parser

    return _parser().parse_args(["eval", str(questions), "--out", str(out), "--quiet", *extra])


def test_grading_sheet_round_trip(tmp_path: Path) -> None:
    p = _passage("a.txt", "a1", "Svaret er NTNU.")
    results = [
        score_answer(
            EvalQuestion("q1", "Hvem?", ["NTNU"], ["a.txt"], lang="nb", kind="fact"),
            _answer("«Svaret er NTNU.» [1]", [p], [("a1", p.text)]),
            {"a1": p.text}.get,
        ),
        score_answer(
            EvalQuestion("q2", "Which?", ["x", "y"], ["a.txt"], lang="en", kind="list", expected_all=True),
            _answer("«Svaret er NTNU.» [1]", [p], [("a1", p.text)]),
            {"a1": p.text}.get,
        ),
        score_answer(
            EvalQuestion("q3", "Hva koster månen?", [], [], answerable=False, lang="nb", kind="unanswerable"),
            _answer("Dokumentene sier ikke noe om dette.", [p], [], abstained=True),
            {}.get,
        ),
    ]
    sheet = tmp_path / "grading.csv"
    sheet.write_text(sheet_csv(results), encoding="utf-8")
    with sheet.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["citations"] == "[1] a.txt: Svaret er NTNU." and rows[0]["verdict"] == ""
    assert [r["auto_right"] for r in rows] == ["yes", "no", "yes"]
    # The grader calls q2 correct (the automatic check did not), the others as the check did.
    for row, verdict in zip(rows, ["correct", "correct", "right-abstain"], strict=True):
        row["verdict"] = verdict
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = grade_sheet(read_sheet(sheet))
    assert report.graded == 3 and report.accuracy == 1.0
    assert report.agreement == round(2 / 3, 4) and report.disagreements == ["q2"]
    assert report.by_kind["list"] == (1, 1.0) and report.by_lang["nb"] == (2, 1.0)
    rows[0]["verdict"] = "maybe"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ValueError, match="'maybe' is not one of"):
        read_sheet(sheet)
