"""The Overview tab: funding, partners and goals per document. Read-only, so every mode has it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.library import DocumentLibrary
from assistant.overview import CSV_COLUMNS, Overview
from assistant.ui_text import ui_text
from ui.render import (
    OVERVIEW_KINDS,
    OVERVIEW_WIDTHS,
    distinct_rows,
    escape_text,
    funding_chart,
    overview_headers,
    overview_table,
    render_document,
    short_names,
)

__all__ = ["OverviewHandlers", "OverviewView", "build_overview_tab", "wire_overview"]


@dataclass
class OverviewView:
    """The tab's components; `rows` keeps the shown rows so a click can open the row's passage."""

    kind: Any
    docs: Any
    contains: Any
    chart: Any
    table: Any
    viewer: Any
    csv: Any
    rows: Any
    lang: Any = None  # the page's language state, set when wired

    def inputs(self) -> list[Any]:
        return [self.kind, self.docs, self.contains, self.lang]

    def outputs(self) -> list[Any]:
        return [self.chart, self.table, self.csv, self.rows]


class OverviewHandlers:
    """Fill the table (and its CSV) for the chosen kind and documents; open a clicked row."""

    def __init__(self, library: DocumentLibrary, view: OverviewView) -> None:
        self.library = library
        self.view = view

    def table(self, kind: str, chosen: list[str] | None, contains: str, lang: str = "nb") -> dict[Any, Any]:
        """The funding chart, the table (no repeated rows), its CSV, and the rows behind it."""
        kind = kind if kind in OVERVIEW_KINDS else "funding"
        overview = self.library.overview(chosen or None)
        rows = distinct_rows(overview.rows(kind, contains=(contains or "")[:200]))
        names = short_names(self.library.documents())
        table = overview_table(rows, kind, names)
        return {
            self.view.chart: funding_chart(distinct_rows(overview.rows("funding")), names, lang),
            self.view.table: gr.update(
                value=table, headers=overview_headers(kind, lang), column_widths=OVERVIEW_WIDTHS[kind]
            ),
            self.view.csv: "\n".join([",".join(CSV_COLUMNS), *_csv_lines(rows)]),
            self.view.rows: rows,
        }

    def open_item(self, rows: list[dict[str, str]], lang: str, evt: gr.SelectData) -> str:
        """The whole document with the clicked row's quote marked and scrolled to (the viewer)."""
        row = rows[evt.index[0]] if rows and evt.index and evt.index[0] < len(rows) else None
        record = self.library.document(row["source"]) if row else None
        if row is None or record is None:
            return escape_text(ui_text("no_document", lang))
        span = (int(row["char_start"]), int(row["char_end"]))
        return render_document(record, span, [span], lang)


def _csv_lines(rows: Sequence[dict[str, str]]) -> list[str]:
    return Overview.to_csv(rows).splitlines()[1:]


def build_overview_tab(lang: str) -> OverviewView:
    """The tab's components (inside the layout's `gr.Tabs`)."""
    kinds = list(zip(ui_text("overview_kind", lang).split("|"), OVERVIEW_KINDS, strict=True))
    with gr.Tab(ui_text("overview_tab", lang), id="overview"):
        with gr.Row():
            kind = gr.Radio(
                kinds, value="funding", label=ui_text("overview_kind_label", lang), elem_id="overview-kind"
            )
            docs = gr.Dropdown(
                choices=[],
                multiselect=True,
                label=ui_text("overview_docs_label", lang),
                elem_id="overview-docs",
            )
            contains = gr.Textbox(label=ui_text("overview_contains", lang), max_length=200)
        gr.Markdown(escape_text(ui_text("overview_hint", lang)))
        chart = gr.Markdown(latex_delimiters=[], elem_id="funding-chart")
        table = gr.Dataframe(
            headers=overview_headers("funding", lang),
            datatype="str",
            interactive=False,
            wrap=True,
            column_widths=list[str | int](OVERVIEW_WIDTHS["funding"]),
            label=ui_text("overview_tab", lang),
            show_label=False,
            elem_id="overview-table",
        )
        viewer = gr.Markdown(latex_delimiters=[], max_height=400, elem_id="overview-document")
        with gr.Accordion("CSV", open=False):
            csv = gr.Textbox(show_label=False, lines=6, interactive=False, buttons=["copy"])
        rows = gr.State([])
    return OverviewView(kind, docs, contains, chart, table, viewer, csv, rows)


def wire_overview(demo: gr.Blocks, handlers: OverviewHandlers, filter_choices: Any, lang_state: Any) -> None:
    """Register the tab's read-only handlers; `filter_choices` fills its document picker."""
    view = handlers.view
    view.lang = lang_state
    private: dict[str, Any] = {"api_visibility": "private"}
    demo.load(handlers.table, view.inputs(), view.outputs(), **private)
    demo.load(filter_choices, None, view.docs, **private)
    for trigger in (view.kind.change, view.docs.change, view.contains.submit):
        trigger(handlers.table, view.inputs(), view.outputs(), **private)
    view.table.select(handlers.open_item, [view.rows, lang_state], view.viewer, **private)
