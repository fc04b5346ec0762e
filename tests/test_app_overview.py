"""The Overview tab and corpus-wide answers in the UI: escaped, linked to passages, read-only."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import fields
from types import SimpleNamespace

from assistant.library import DocumentLibrary
from assistant.overview import build_overview
from assistant.types import Answer, DocumentFinding, Quote
from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS
from tests.support import fake_assistant
from ui.layout import build_app
from ui.overview import OverviewHandlers, OverviewView
from ui.render import overview_table, render_answer
from ui.settings import AppSettings
from vectorstore.store import ChunkStore


def _comparison() -> Answer:
    return Answer(
        question="Sammenlign Hamar og Herning om samarbeid",
        lang="nb",
        text="Sammenligning – samarbeid:\n- Hamar: «x» [1]\n- Herning: «y» [2]\nIkke nevnt i: <b>Z</b>.",
        abstained=False,
        corpus_kind="compare",
        per_document=[
            DocumentFinding("h.txt", "Hamar <script>", True, "Vi skal <i>samarbeide</i>.", [1]),
            DocumentFinding("d.txt", "Herning", True, "Vi ønsker at samarbejde.", [2]),
            DocumentFinding("z.txt", "Z", False),
        ],
    )


def test_comparison_renders_side_by_side_and_escaped() -> None:
    rendered = render_answer(_comparison())
    assert rendered.count("<th>") == 2 and rendered.count("<td>") == 2  # one column per document
    assert "<script>" not in rendered and "<i>" not in rendered and "<b>Z</b>" not in rendered
    assert "&#91;1&#93;" in rendered and "Ikke nevnt i" in rendered
    assert "- Hamar" not in rendered  # the lines became the table


def test_a_document_quoted_twice_in_a_comparison_shows_each_quote_with_its_own_marker() -> None:
    answer = _comparison()
    two = [Quote("Vi skal samarbeide.", 1), Quote("Vi vil <b>dele</b>.", 3)]
    answer.per_document[0] = DocumentFinding(
        "h.txt", "Hamar", True, "Vi skal samarbeide. Vi vil dele.", [1, 3], two
    )
    cell = re.search(r"<td>(.*?)</td>", render_answer(answer), re.S)
    assert cell is not None
    assert "<b>" not in cell.group(1)  # escaped
    # Each quote is followed by the marker of its own citation, not both markers at the end.
    shown = html_lib.unescape(re.sub(r"<[^>]+>", "", cell.group(1)))
    assert shown == "Vi skal samarbeide. [1] Vi vil <b>dele</b>. [3]", shown


def test_overview_table_and_opening_a_row(store: ChunkStore) -> None:
    ingest_paths([CORPUS], store)
    rows = build_overview(store).rows("partner")
    table = overview_table(rows, "partner")
    assert ["Tretorget", "partner"] in [r[1:3] for r in table]
    view = OverviewView(*(object() for _ in fields(OverviewView)))  # stand-ins: no Blocks needed
    handlers = OverviewHandlers(DocumentLibrary(store), view)
    shown = handlers.table("funding", ["innlandet-kompetansepiloter.txt"], "")
    csv_text, state = shown[view.csv], shown[view.rows]
    assert csv_text.startswith("kind,source") and "1882000" in csv_text
    # The title's "6,3 millioner kroner" is the body's total again: one row, the fuller one.
    assert sorted(r["amount"] for r in state) == ["1882000", "4400000", "6300000"]
    table = shown[view.table]
    assert table["headers"] == ["Dokument", "Beløp", "Finansiør", "Mottaker", "Periode", "Sitat"]
    assert {row[0] for row in table["value"]} == {"Innlandet fylkeskommune"}  # short, not the title
    chart = shown[view.chart]
    assert "Kommunal- og moderniseringsdepartementet" in html_lib.unescape(chart)
    assert 'style="width: 100%"' in chart and "<script" not in chart
    clicked = next(i for i, r in enumerate(state) if r["amount"] == "4400000")
    html = handlers.open_item(state, "nb", SimpleNamespace(index=[clicked, 0]))  # type: ignore[arg-type]
    marked = re.findall(r"<mark>(.*?)</mark>", html)
    assert (
        len(marked) == 1
        and "4,4 millioner kroner" in html_lib.unescape(marked[0])
        and 'class="scroll-target"' in html
    )


def test_public_mode_registers_the_overview_but_no_writer(store: ChunkStore) -> None:
    ingest_paths([CORPUS], store)
    demo = build_app(fake_assistant(store), DocumentLibrary(store), settings=AppSettings(public=True))
    names = {fn.name for fn in demo.fns.values()}
    assert {"table", "open_item"} <= names
    assert names.isdisjoint({"record_helpful", "record_not_helpful", "add_files", "reindex", "delete"})
