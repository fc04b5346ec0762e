"""The one layout: chat with sources and document viewer, the Overview tab, and in staff mode the
document pages. The three modes differ only in which handlers are registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.core import Assistant
from assistant.feedback import FeedbackLog
from assistant.library import DocumentLibrary
from assistant.ui_text import EXAMPLE_QUESTIONS, ui_lang, ui_text
from ui.chat import ChatHandlers, ChatView, FeedbackView, Labels
from ui.overview import OverviewHandlers, build_overview_tab, wire_overview
from ui.render import escape_text, render_examples, render_sources, render_title
from ui.settings import AppSettings, Mode
from ui.staff import StaffHandlers, build_staff_tab, wire_staff

__all__ = ["build_app"]

_PRIVATE: dict[str, Any] = {"api_visibility": "private"}


def _label(key: str) -> Callable[[str], Any]:
    return lambda lang: gr.update(label=ui_text(key, lang))


def _button(key: str) -> Callable[[str], Any]:
    return lambda lang: gr.update(value=ui_text(key, lang))


def _text(key: str, prefix: str = "") -> Callable[[str], Any]:
    return lambda lang: gr.update(value=prefix + escape_text(ui_text(key, lang)))


def build_app(
    assistant: Assistant,
    library: DocumentLibrary,
    feedback: FeedbackLog | None = None,
    settings: AppSettings | None = None,
) -> gr.Blocks:
    """The Blocks for `settings.mode`. In public mode no handler that writes is registered:
    no feedback (`feedback` is ignored), no document pages, because any registered handler can be
    called directly, visible or not."""
    settings = settings or AppSettings()
    mode = settings.mode
    if mode is Mode.PUBLIC:
        feedback = None
    lang = ui_lang(settings.ui_lang)
    demo = gr.Blocks(title=ui_text("title", lang), analytics_enabled=False)
    with demo:
        chat_state, answers_state, lang_state = gr.State([]), gr.State([]), gr.State(lang)
        # The conversation as shown, kept in this browser's localStorage only (encrypted with a
        # key of this server process): a reload shows it again; nothing is stored on the server.
        saved_chat = gr.BrowserState([], storage_key="strategy-assistant-chat")
        labels = Labels()
        labels.add(
            gr.Markdown(render_title(lang), elem_id="page-title"),
            lambda lang: gr.update(value=render_title(lang)),
        )
        intro = "intro" if assistant.settings.llm_provider == "none" else "intro_generative"
        labels.add(gr.Markdown(escape_text(ui_text(intro, lang))), _text(intro))
        with gr.Tabs():
            view = _chat_tab(assistant, lang, labels, with_feedback=feedback is not None,
                             states={"chat_state": chat_state, "answers_state": answers_state,
                                     "lang_state": lang_state, "saved_chat": saved_chat})  # fmt: skip
            overview = build_overview_tab(lang)
            staff = build_staff_tab(library, lang, view.doc_filter) if mode is Mode.STAFF else None

        chat = ChatHandlers(assistant, library, feedback, settings, view)
        _wire_chat(demo, chat)
        wire_overview(demo, OverviewHandlers(library, overview), chat.filter_choices, lang_state)
        if staff is not None:
            wire_staff(demo, StaffHandlers(library, lang, staff))
        gr.api(chat.api_ask, api_name="ask")  # type: ignore[attr-defined]

    demo.queue(
        api_open=False,
        max_size=settings.queue_size,
        default_concurrency_limit=settings.concurrency_limit,
    )
    return demo


def _chat_tab(
    assistant: Assistant, lang: str, labels: Labels, *, with_feedback: bool, states: dict[str, Any]
) -> ChatView:
    """The chat tab's components, with the session `states` made before any visible component;
    every fixed text goes into `labels` to follow the question's language."""
    with gr.Tab(ui_text("chat_tab", lang), id="chat"), gr.Row(equal_height=False, elem_id="chat-row"):
        with gr.Column(scale=3, elem_id="chat-column"):
            chatbot = labels.add(
                gr.Chatbot(
                    label=ui_text("chat_label", lang),
                    height=460,
                    elem_id="chat",
                    sanitize_html=True,
                    latex_delimiters=[],
                    feedback_options=None,
                    buttons=["copy"],
                    allow_tags=False,
                ),
                _label("chat_label"),
            )
            with gr.Row(elem_id="question-row"):
                question = labels.add(
                    gr.Textbox(
                        label=ui_text("question_label", lang),
                        placeholder=ui_text("question_placeholder", lang),
                        max_length=assistant.settings.max_question_chars,
                        scale=5,
                        elem_id="question",
                    ),
                    lambda lang: gr.update(
                        label=ui_text("question_label", lang),
                        placeholder=ui_text("question_placeholder", lang),
                    ),
                )
                ask = labels.add(
                    gr.Button(ui_text("ask", lang), variant="primary", scale=1, elem_id="ask"),
                    _button("ask"),
                )
            # Plain buttons that app.js sends: gr.Examples loads through /run/predict, which the
            # direct-run guard refuses, and gr.HTML renders through eval, which the CSP refuses.
            labels.add(
                gr.Markdown(
                    render_examples(EXAMPLE_QUESTIONS, lang), latex_delimiters=[], elem_id="examples"
                ),
                lambda lang: gr.update(value=render_examples(EXAMPLE_QUESTIONS, lang)),
            )
            new_chat = labels.add(
                gr.Button(ui_text("new_chat", lang), size="sm", elem_id="new-chat"), _button("new_chat")
            )
            feedback = _feedback_row(labels, lang) if with_feedback else None
            with labels.add(gr.Accordion(ui_text("export", lang), open=False), _label("export")):
                export = gr.Textbox(
                    show_label=False, lines=8, interactive=False, buttons=["copy"], elem_id="export"
                )
        with gr.Column(scale=2, elem_id="side-column"):
            doc_filter = labels.add(
                gr.Dropdown(
                    choices=[], multiselect=True, label=ui_text("filter_label", lang), elem_id="doc-filter"
                ),
                _label("filter_label"),
            )
            # On a phone app.css moves this panel right under the answer; it folds away.
            panel = gr.Accordion(ui_text("sources", lang), open=True, elem_id="source-panel")
            with labels.add(panel, _label("sources")):
                source_pick = labels.add(
                    gr.Radio(choices=[], label=ui_text("open_source", lang), elem_id="source-pick"),
                    _label("open_source"),
                )
                side_tabs = _side_tabs(lang, labels)
    return ChatView(
        chatbot=chatbot,
        question=question,
        ask=ask,
        new_chat=new_chat,
        doc_filter=doc_filter,
        source_pick=source_pick,
        sources=side_tabs.sources,
        viewer=side_tabs.viewer,
        side_tabs=side_tabs.tabs,
        export=export,
        **states,
        labels=labels,
        feedback=feedback,
    )


@dataclass
class SideTabs:
    """The side column's tabs and what they show."""

    tabs: Any
    sources: Any
    viewer: Any


def _side_tabs(lang: str, labels: Labels) -> SideTabs:
    """Sources and the whole document share the column; a click on a source switches to the
    document, a new answer back to its sources."""
    with gr.Tabs(selected="sources", elem_id="side-tabs") as tabs:
        with labels.add(gr.Tab(ui_text("sources", lang), id="sources"), _label("sources")):
            sources = gr.Markdown(
                render_sources(None, lang), latex_delimiters=[], max_height=600, elem_id="sources"
            )
        with labels.add(gr.Tab(ui_text("document", lang), id="document"), _label("document")):
            viewer = gr.Markdown(
                escape_text(ui_text("no_document", lang)),
                latex_delimiters=[],
                max_height=600,
                container=True,
                padding=True,
                elem_id="document-viewer",
            )
    return SideTabs(tabs, sources, viewer)


def _feedback_row(labels: Labels, lang: str) -> FeedbackView:
    labels.add(gr.Markdown(escape_text(ui_text("feedback", lang))), _text("feedback"))
    with gr.Row():
        comment = labels.add(
            gr.Textbox(label=ui_text("comment", lang), max_length=2000, scale=4, elem_id="feedback-comment"),
            _label("comment"),
        )
        helpful = labels.add(
            gr.Button(ui_text("helpful", lang), scale=1, elem_id="helpful"), _button("helpful")
        )
        not_helpful = labels.add(
            gr.Button(ui_text("not_helpful", lang), scale=1, elem_id="not-helpful"), _button("not_helpful")
        )
    return FeedbackView(comment, helpful, not_helpful, gr.Markdown(elem_id="feedback-status"))


def _wire_chat(demo: gr.Blocks, chat: ChatHandlers) -> None:
    """Register the chat's handlers; only `record_*` writes, and only when feedback is on."""
    view = chat.view
    ask_inputs = [view.question, view.doc_filter, view.chat_state, view.answers_state, view.lang_state]
    for trigger in (view.question.submit, view.ask.click):
        trigger(chat.respond, ask_inputs, view.answer_outputs(), show_progress="minimal", **_PRIVATE)
    view.source_pick.input(
        chat.show_source,
        [view.source_pick, view.answers_state, view.lang_state],
        [view.viewer, view.side_tabs],
        **_PRIVATE,
    )
    view.new_chat.click(chat.reset, view.lang_state, view.reset_outputs(), **_PRIVATE)
    view.chatbot.clear(chat.reset, view.lang_state, view.reset_outputs(), **_PRIVATE)
    demo.load(chat.filter_choices, None, view.doc_filter, **_PRIVATE)
    demo.load(chat.restore, view.saved_chat, [view.chatbot, view.chat_state], **_PRIVATE)
    if view.feedback is not None:
        row = view.feedback
        inputs, outputs = [row.comment, view.answers_state, view.lang_state], [row.comment, row.status]
        row.helpful.click(chat.record_helpful, inputs, outputs, **_PRIVATE)
        row.not_helpful.click(chat.record_not_helpful, inputs, outputs, **_PRIVATE)
