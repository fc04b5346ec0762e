"""The staff's document pages: list, upload, re-index and delete.

Every handler here writes, so only staff mode (behind the login) builds and wires this tab.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.library import DocumentLibrary
from assistant.ui_text import ui_text
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import IngestReport, ProgressFn
from ui.render import document_choices, escape_text, report_markdown

__all__ = ["StaffHandlers", "StaffView", "build_staff_tab", "wire_staff"]

Updates = dict[Any, Any]


@dataclass
class StaffView:
    """The document pages' components, plus the chat's document filter they keep current."""

    table: Any
    refresh: Any
    upload: Any
    add: Any
    chosen: Any
    reindex: Any
    confirm: Any
    delete: Any
    status: Any
    doc_filter: Any

    def lists(self) -> list[Any]:
        return [self.table, self.chosen, self.doc_filter]


class StaffHandlers:
    """The document pages' handlers."""

    def __init__(self, library: DocumentLibrary, lang: str, view: StaffView) -> None:
        self.library = library
        self.lang = lang
        self.view = view

    def listing(self, keep: str | None = None) -> Updates:
        """The document table, the document picker (still on `keep` if it is listed) and the
        chat's document filter."""
        records = self.library.documents()
        rows = [[r.title, r.source, r.publisher, r.lang, r.n_chunks, r.ingested_at] for r in records]
        names = [r.source for r in records]
        return {
            self.view.table: rows,
            self.view.chosen: gr.update(choices=names, value=keep if keep in names else None),
            self.view.doc_filter: gr.update(choices=document_choices(records)),
        }

    def _status(self, text: str, keep: str | None = None) -> Updates:
        return {self.view.status: escape_text(text), **self.listing(keep)}

    def _progress(self, progress: gr.Progress) -> ProgressFn:
        def report(done: int, total: int, name: str) -> None:
            desc = f"{ui_text('working', self.lang)}: {name}" if name else ui_text("working", self.lang)
            progress((done, max(total, 1)), desc=desc, unit="files")

        return report

    def _run(self, work: Callable[[], IngestReport], keep: str | None = None) -> Updates:
        try:
            status = report_markdown(work(), self.lang)
        except Exception as exc:  # another writer holds the lock, a file is gone: say so, keep serving
            status = escape_text(f"{type(exc).__name__}: {exc}")
        return {self.view.status: status, **self.listing(keep)}

    def add_files(self, files: list[str] | None, progress: gr.Progress = gr.Progress()) -> Updates:  # noqa: B008
        if not files:
            return self._status(ui_text("no_files", self.lang))
        paths = [Path(f) for f in files]
        return self._run(lambda: self.library.add_files(paths, progress=self._progress(progress)))

    def reindex(self, source: str | None, progress: gr.Progress = gr.Progress()) -> Updates:  # noqa: B008
        if not source:
            return self._status(ui_text("no_selection", self.lang))
        return self._run(lambda: self.library.reindex(source, progress=self._progress(progress)), keep=source)

    def delete(self, source: str | None, confirmed: bool) -> Updates:
        """Delete `source` once the confirmation box is ticked; the box is cleared after a try."""
        if not source:
            return self._status(ui_text("no_selection", self.lang))
        if not confirmed:
            return self._status(ui_text("confirm_first", self.lang), keep=source)
        try:
            removed = self.library.delete(source)
        except Exception as exc:
            return {**self._status(f"{type(exc).__name__}: {exc}", keep=source), self.view.confirm: False}
        status = ui_text("deleted" if removed else "not_found", self.lang, source=source)
        return {**self._status(status), self.view.confirm: False}


def build_staff_tab(library: DocumentLibrary, lang: str, doc_filter: Any) -> StaffView:
    """The document pages' tab (inside the layout's `gr.Tabs`)."""
    types = sorted(SUPPORTED_SUFFIXES)
    upload_label = ui_text("upload", lang, types=", ".join(types), mb=library.ingest_settings.max_file_mb)
    with gr.Tab(ui_text("documents_tab", lang), id="documents"):
        table = gr.Dataframe(
            headers=ui_text("columns", lang).split("|"),
            datatype="str",
            interactive=False,
            wrap=True,
            column_widths=["30%", "24%", "18%", "8%", "8%", "12%"],
            elem_id="document-table",
        )
        refresh = gr.Button(ui_text("refresh", lang), size="sm", elem_id="refresh")
        upload = gr.File(label=upload_label, file_count="multiple", file_types=types, elem_id="upload")
        add = gr.Button(ui_text("add", lang), variant="primary", elem_id="add-documents")
        with gr.Row():
            chosen = gr.Dropdown(choices=[], label=ui_text("choose_document", lang), elem_id="staff-document")
            reindex = gr.Button(ui_text("reindex", lang), elem_id="reindex")
            confirm = gr.Checkbox(label=ui_text("confirm_delete", lang), elem_id="confirm-delete")
            delete = gr.Button(ui_text("delete", lang), variant="stop", elem_id="delete")
        status = gr.Markdown(elem_id="staff-status")
    return StaffView(table, refresh, upload, add, chosen, reindex, confirm, delete, status, doc_filter)


def wire_staff(demo: gr.Blocks, staff: StaffHandlers) -> None:
    """Register the write handlers: only in staff mode, where the whole app is behind the login.

    Upload, re-index and delete share one queue slot, so they run one at a time in the order they
    were clicked. Each listener otherwise has its own slot: a delete clicked while a re-index is
    still embedding ran beside it, failed on the writer lock, and the re-index's late report then
    overwrote the delete's status on the page."""
    view = staff.view
    private: dict[str, Any] = {"api_visibility": "private"}
    writes: dict[str, Any] = {**private, "concurrency_id": "staff-writes", "concurrency_limit": 1}
    lists, written = view.lists(), [view.status, *view.lists()]
    demo.load(staff.listing, None, lists, **private)
    view.refresh.click(staff.listing, None, lists, **private)
    view.add.click(staff.add_files, view.upload, written, **writes).then(
        lambda: None, None, view.upload, **private
    )
    view.reindex.click(staff.reindex, view.chosen, written, **writes)
    view.delete.click(staff.delete, [view.chosen, view.confirm], [*written, view.confirm], **writes)
