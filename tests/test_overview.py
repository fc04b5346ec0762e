"""The overview on the bundled corpus: the gold items with exact citations, precision and recall,
and corpus-wide questions answered per document (with the real model)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.core import Assistant
from assistant.overview import Overview, _best_sentence, build_overview, detect_corpus_question
from assistant.types import Passage
from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS, PROJECT
from vectorstore.store import ChunkStore

GOLD = json.loads((PROJECT / "tests" / "gold" / "overview.json").read_text(encoding="utf-8"))
INNLANDET = "innlandet-kompetansepiloter.txt"


def _quality() -> Any:
    spec = importlib.util.spec_from_file_location(
        "overview_quality", PROJECT / "benchmarks" / "overview_quality.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def overview(store: ChunkStore) -> tuple[Overview, dict[str, str]]:
    ingest_paths([CORPUS], store)
    texts = {r.source: (store.get_document(r.source) or r).text for r in store.list_documents()}
    return build_overview(store), texts


def test_gold_quotes_occur_in_the_cleaned_corpus() -> None:
    texts = _quality().corpus_texts(CORPUS)
    for category in ("funding", "partners", "goals"):
        for item in GOLD[category]:
            assert item["quote"] in texts[item["source"]], item


def test_done_when_items_are_in_the_overview_with_exact_citations(
    overview: tuple[Overview, dict[str, str]],
) -> None:
    ov, texts = overview
    rows = ov.rows()
    for row in rows:  # every item cites the text the document viewer shows
        assert texts[row["source"]][int(row["char_start"]) : int(row["char_end"])] == row["quote"]
    money = {(r["source"], r["amount"], r["funder"], r["period"]) for r in ov.rows("funding")}
    assert (INNLANDET, "6300000", "", "") in money
    assert (
        INNLANDET,
        "4400000",
        "Kommunal- og moderniseringsdepartementet",
        "over en treårsperiode",
    ) in money
    assert (INNLANDET, "1882000", "Innlandet fylkeskommune", "") in money
    partners = {(r["source"], r["item"], r["role"]) for r in ov.rows("partner")}
    assert (INNLANDET, "Tretorget", "partner") in partners
    assert (INNLANDET, "Norwegian Wood Cluster", "partner") in partners
    assert (INNLANDET, "Kommunal- og moderniseringsdepartementet (KMD)", "funder") in partners
    assert ("trondheim-universitetskommune-3-0.txt", "NTNU", "partner") in partners
    assert ("trondheim-universitetskommune-3-0.txt", "Kunnskapsdepartementet (KD)", "") in partners
    assert any(
        r["item"] == "Høgskolen i Innlandet" for r in ov.rows("partner", ["hamar-kunnskap-og-kompetanse.txt"])
    )
    goals = ov.rows("goal")
    hamar = {r["quote"] for r in goals if r["section"] == "Hvor vil vi?"}
    assert "Hamar skal være en næringsvennlig kommune." in hamar and len(hamar) >= 10
    assert any("fokuseret om fire mål" in r["quote"] for r in goals if r["source"].startswith("herning"))


def test_no_amount_that_is_not_in_the_text(overview: tuple[Overview, dict[str, str]]) -> None:
    ov, texts = overview
    funding = ov.rows("funding")
    assert {r["amount"] for r in funding} == {"6300000", "4400000", "1882000"}
    for row in funding:
        assert row["item"] in row["quote"] and row["quote"] in texts[row["source"]]


def test_precision_and_recall_against_the_gold_list() -> None:
    quality = _quality()
    report = quality.score(GOLD, quality.extract_corpus(quality.corpus_texts(CORPUS)))
    for category in ("funding", "partners", "goals"):
        assert report[category]["precision"] >= 0.9, report[category]
        assert report[category]["recall"] >= 0.9, report[category]


def test_csv_has_one_row_per_item(overview: tuple[Overview, dict[str, str]]) -> None:
    ov, _ = overview
    csv_text = ov.to_csv(ov.rows("funding"))
    assert csv_text.splitlines()[0].startswith("kind,source,title")
    assert len(csv_text.splitlines()) == 1 + len(ov.rows("funding"))


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which documents mention bioeconomy?", "mentions"),
        ("Hvilke dokumenter omtaler treindustri?", "mentions"),
        ("List all partners", "partners"),
        ("list alle partnere", "partners"),
        ("Sammenlign Hamar og Herning om samarbeid med næringslivet", "compare"),
        ("sammenlign Hamar og Herning med hensyn til samarbeid med næringslivet", "compare"),
        ("Hvor mye penger får Kompetansepiloter?", None),
    ],
)
def test_corpus_questions_are_recognised(question: str, kind: str | None) -> None:
    found = detect_corpus_question(question)
    assert (found.kind if found else None) == kind


@pytest.mark.parametrize(
    ("question", "names", "topic"),
    [
        (
            "Sammenlign Hamar og Herning om samarbeid med næringslivet",
            ("Hamar", "Herning"),
            "samarbeid med næringslivet",
        ),
        # After a colon the rest is the topic, whatever prepositions it holds ("på", "for").
        (
            "Jämför Hamar och Innlandet fylkeskommune: vilken bransch satsar Innlandet på i piloterna?",
            ("Hamar", "Innlandet fylkeskommune"),
            "vilken bransch satsar Innlandet på i piloterna",
        ),
        (
            "Compare Hamar and Herning – what do they aim for in higher education?",
            ("Hamar", "Herning"),
            "what do they aim for in higher education",
        ),
    ],
)
def test_a_comparisons_topic_is_what_follows_its_names(
    question: str, names: tuple[str, str], topic: str
) -> None:
    found = detect_corpus_question(question)
    assert found is not None and found.kind == "compare"
    assert (found.names, found.topic) == (names, topic)


def _check_citations(answer: Any, store: ChunkStore) -> None:
    for c in answer.citations:
        document = store.get_document(c.source)
        assert document is not None and document.text[c.char_start : c.char_end] == c.quote
        assert answer.passage(c.chunk_id).text[c.quote_start : c.quote_end] == c.quote


@pytest.mark.integration
def test_which_documents_mention_lists_the_others_as_not_mentioned(real_corpus_store: ChunkStore) -> None:
    answer = Assistant(store=real_corpus_store).ask("Which documents mention bioeconomy?")
    mentioned = {f.source for f in answer.per_document if f.mentioned}
    assert mentioned == {"hamar-kunnskap-og-kompetanse.txt", INNLANDET}
    assert "Not mentioned in:" in answer.text and "Uddannelsesstrategi" in answer.text
    _check_citations(answer, real_corpus_store)


@pytest.mark.integration
def test_comparison_has_one_cited_line_per_named_document(real_corpus_store: ChunkStore) -> None:
    answer = Assistant(store=real_corpus_store).ask(
        "Sammenlign Hamar og Herning om samarbeid med næringslivet"
    )
    assert answer.corpus_kind == "compare"
    assert [f.source for f in answer.per_document] == [
        "hamar-kunnskap-og-kompetanse.txt",
        "herning-uddannelsesstrategi.txt",
    ]
    assert all(f.mentioned and f.citations for f in answer.per_document)
    assert "erhvervslivet" in answer.per_document[1].text
    _check_citations(answer, real_corpus_store)


@pytest.mark.integration
def test_list_all_partners_cites_each_document(real_corpus_store: ChunkStore) -> None:
    answer = Assistant(store=real_corpus_store).ask("List all partners")
    lines = {f.source: f.text for f in answer.per_document}
    assert "Tretorget (partner)" in lines[INNLANDET] and "Norwegian Wood Cluster" in lines[INNLANDET]
    assert "NTNU (partner)" in lines["trondheim-universitetskommune-3-0.txt"]
    _check_citations(answer, real_corpus_store)


def test_overview_falls_back_to_extracting_from_the_text(store: ChunkStore, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Fylket bidrar med 2 millioner kroner til skolen.", encoding="utf-8")
    ingest_paths([tmp_path], store)
    record = store.list_documents()[0]
    assert record.extracted  # stored at ingest
    from dataclasses import replace

    from assistant.overview import document_overview

    old = replace(record, extracted="")  # as an index built before the overview existed
    assert document_overview(old, store).funding == document_overview(record, store).funding


class _OlderIndex:
    """Sentence vectors as an older version stored them: one for a span no longer quotable too."""

    def __init__(self, vectors: dict[tuple[int, int], Any]) -> None:
        self.vectors = vectors

    def sentence_vectors(self, ids: Any, embed_missing: Any = None, exact: Any = None) -> Any:
        return {"c1": self.vectors}


def test_a_comparison_reads_an_index_made_when_a_signpost_was_still_a_sentence() -> None:
    # Upgrading must not break an existing index: its signpost line has a stored vector (here the
    # closest to the topic), but it is no longer a sentence and is neither quoted nor looked up.
    signpost = "Her finder du vores uddannelsesstrategi for Herning Kommune."
    body = "Vi vil styrke samarbejdet med erhvervslivet om uddannelse."
    text = f"{signpost}\n\n{body}"
    passage = Passage(
        "c1", "h.txt", "Uddannelsesstrategi", "da", text, 0, len(text), 1.0, pooled_sentences=True
    )
    topic = np.array([1.0, 0.0])
    older = _OlderIndex({(0, len(signpost)): topic, (len(signpost) + 2, len(text)): np.array([0.6, 0.8])})
    best = _best_sentence("samarbejde med erhvervslivet", "da", [passage], topic, older)  # type: ignore[arg-type]
    assert best is not None and text[best.start : best.end] == body
