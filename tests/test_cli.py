"""The command line as a user types it: ingest, ask (text and --json), refusals, eval."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from assistant.evaluation import METRICS
from tests.conftest import CORPUS, SHARED, run_cli

pytestmark = pytest.mark.integration


def _cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, data=data)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cli-data")
    done = _cli("ingest", str(CORPUS), "--quiet", data=data)
    assert done.returncode == 0, done.stderr
    assert "4 added" in done.stdout
    return data


def test_reingest_changes_nothing(data: Path) -> None:
    done = _cli("ingest", str(CORPUS), "--quiet", data=data)
    assert done.returncode == 0
    assert "4 unchanged" in done.stdout and "0 chunks written" in done.stdout


def test_ask_prints_answer_with_cited_passage(data: Path) -> None:
    done = _cli("ask", "Hvor mye penger får ordningen Kompetansepiloter i Innlandet til sammen?", data=data)
    assert done.returncode == 0, done.stderr
    assert "6,3 millioner" in done.stdout
    assert "[1]" in done.stdout and "innlandet-kompetansepiloter.txt" in done.stdout
    assert "language: nb" in done.stdout


def test_ask_json_shape(data: Path) -> None:
    done = _cli("ask", "Which ministry finances the Kompetansepiloter scheme?", "--json", data=data)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["abstained"] is False
    citation = answer["citations"][0]
    for key in ("source", "chunk_id", "char_start", "char_end", "quote", "score"):
        assert key in citation
    assert citation["source"] == "innlandet-kompetansepiloter.txt"
    assert {"retrieve_ms", "total_ms"} <= set(answer["timings_ms"])


def test_unanswerable_question_says_so_in_its_language(data: Path) -> None:
    done = _cli("ask", "Hvor mye bevilget Hamar kommune til start-up labs i 2022?", data=data)
    assert done.returncode == 0
    assert done.stdout.startswith("Dokumentene sier ikke noe om dette")


def test_oversized_question_is_refused(data: Path) -> None:
    done = _cli("ask", "x" * 5000, data=data)
    assert done.returncode == 2
    assert "too long" in done.stderr or "for langt" in done.stderr


def test_eval_writes_reports(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    done = _cli(
        "eval",
        str(SHARED / "eval" / "seed-dev.jsonl"),
        "--out",
        str(out),
        "--quiet",
        "--compare",
        "bm25",
        "--fail-under",
        "hit@5=0.9",
        data=data,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["n"] == 12
    assert set(summary["metrics"]) == set(METRICS)
    assert {"by_lang", "by_topic", "by_kind"} <= set(summary)
    assert "bm25" in summary["compare"]
    # Latency figures are read next to the runtime the reranker used.
    assert summary["config"]["reranker"] in {"float32", "bfloat16", "float32-onnx"}
    assert (out / "report.md").exists() and (out / "latency_hist.png").exists()
    assert len((out / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 12
    failing = _cli(
        "eval",
        str(SHARED / "eval" / "seed-dev.jsonl"),
        "--out",
        str(out),
        "--quiet",
        "--fail-under",
        "latency_p95_ms=0.001",
        data=data,
    )
    assert failing.returncode != 0


def test_overview_json_and_csv(data: Path) -> None:
    done = _cli("overview", "--json", data=data)
    assert done.returncode == 0, done.stderr
    documents = {d["source"]: d for d in json.loads(done.stdout)["documents"]}
    innlandet = documents["innlandet-kompetansepiloter.txt"]
    assert {f["amount"] for f in innlandet["funding"]} == {6_300_000, 4_400_000, 1_882_000}
    assert {"Tretorget", "Norwegian Wood Cluster"} <= {p["name"] for p in innlandet["partners"]}
    done = _cli("overview", "--csv", "--kind", "partner", data=data)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("kind,source,title") and all(line.startswith("partner,") for line in lines[1:])
    assert any("NTNU" in line and "trondheim" in line for line in lines)
