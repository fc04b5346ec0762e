"""With the real model: answers over the typeset PDFs quote the same sentences as over their plain text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.pdf_fixtures import typeset_corpus

QUESTIONS = [
    "Hvem samarbeider Innlandet med i Kompetansepiloter?",
    "Hvor mye bidrar Innlandet fylkeskommune med til Kompetansepiloter?",
    "Hvordan vil Herning skabe større integration mellem uddannelserne og arbejdsmarkedet?",
]


def _answers(folder: Path, data: Path) -> tuple[list[dict[str, object]], dict[str, object]]:
    ingested = run_cli("ingest", str(folder), data=data)
    assert ingested.returncode == 0, ingested.stderr
    answers = []
    for question in QUESTIONS:
        done = run_cli("ask", "--json", question, data=data)
        assert done.returncode == 0, done.stderr
        answers.append(json.loads(done.stdout))
    overview = json.loads(run_cli("overview", "--json", data=data).stdout)
    return answers, overview


@pytest.mark.integration
def test_answers_and_overview_from_pdfs_match_the_plain_text(tmp_path: Path) -> None:
    pdfs, texts = tmp_path / "pdf", tmp_path / "txt"
    pdfs.mkdir()
    texts.mkdir()
    for doc in typeset_corpus():
        (pdfs / doc.name).write_bytes(doc.pdf)
        (texts / doc.name.replace(".pdf", ".txt")).write_text(doc.text, encoding="utf-8")
    from_pdf, overview_pdf = _answers(pdfs, tmp_path / "data-pdf")
    from_text, overview_text = _answers(texts, tmp_path / "data-txt")
    for pdf_answer, text_answer in zip(from_pdf, from_text, strict=True):
        quotes = [c["quote"] for c in pdf_answer["citations"]]  # type: ignore[attr-defined]
        assert quotes, pdf_answer["text"]
        assert quotes == [c["quote"] for c in text_answer["citations"]]  # type: ignore[attr-defined]
    assert "Norwegian Wood Cluster" in str(from_pdf[0]["text"]) and "Tretorget" in str(from_pdf[0]["text"])
    assert "1,882 millioner kroner" in str(from_pdf[1]["text"])

    def items(overview: dict[str, object]) -> dict[str, tuple[list[str], list[str]]]:
        return {
            d["source"].rsplit(".", 1)[0]: (
                sorted(p["name"] for p in d["partners"]),
                [f["amount_text"] for f in d["funding"]],
            )
            for d in overview["documents"]  # type: ignore[attr-defined]
        }

    assert items(overview_pdf) == items(overview_text)
