"""The chat tab's handlers: ask, open a source, start over, feedback, and the JSON API.

Every handler returns `{component: value}` for the components of a `ChatView`, so nothing is
matched by position; a component left out of the dict keeps what it shows.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from assistant.core import Assistant, QuestionRejected
from assistant.feedback import FeedbackLog
from assistant.library import DocumentLibrary
from assistant.types import Answer, SentenceCheck
from assistant.ui_text import ui_lang, ui_text
from ui.guards import RateLimiter
from ui.render import (
    document_choices,
    document_target,
    escape_text,
    export_text,
    render_answer,
    render_document,
    render_sources,
    source_choices,
)
from ui.settings import AppSettings

__all__ = ["MAX_TURNS", "ChatHandlers", "ChatView", "FeedbackView", "Labels"]

MAX_TURNS = 20  # turns kept per session: bounds memory and the follow-up context

Updates = dict[Any, Any]  # {component: new value or gr.update(...)}


@dataclass
class Labels:
    """Every fixed text that follows the question's language, with how to update it."""

    items: list[tuple[Any, Callable[[str], Any]]] = field(default_factory=list)

    def add(self, component: Any, update: Callable[[str], Any]) -> Any:
        self.items.append((component, update))
        return component

    @property
    def components(self) -> list[Any]:
        return [component for component, _ in self.items]

    def updates(self, lang: str) -> Updates:
        return {component: update(lang) for component, update in self.items}


@dataclass
class FeedbackView:
    """The feedback row; absent in public mode, where nothing may be written."""

    comment: Any
    helpful: Any
    not_helpful: Any
    status: Any


@dataclass
class ChatView:
    """The chat tab's components and the per-session state the handlers read and write."""

    chatbot: Any
    question: Any
    ask: Any
    new_chat: Any
    doc_filter: Any
    source_pick: Any
    sources: Any
    viewer: Any
    side_tabs: Any
    export: Any
    chat_state: Any
    answers_state: Any
    lang_state: Any
    saved_chat: Any
    labels: Labels
    feedback: FeedbackView | None = None

    def answer_outputs(self) -> list[Any]:
        """Everything an answer may change, each component once (several also carry a label)."""
        fixed = [
            self.chatbot, self.chat_state, self.answers_state, self.question, self.sources,
            self.source_pick, self.viewer, self.side_tabs, self.export, self.lang_state, self.saved_chat,
        ]  # fmt: skip
        return list(dict.fromkeys([*fixed, *self.labels.components]))

    def reset_outputs(self) -> list[Any]:
        return [
            self.chatbot, self.chat_state, self.answers_state, self.sources, self.source_pick,
            self.viewer, self.side_tabs, self.export, self.saved_chat,
        ]  # fmt: skip


def _merged(values: Updates, labels: Updates) -> Updates:
    """`values` plus the label updates; a component in both gets its new value and its new label."""
    merged = dict(labels)
    for component, value in values.items():
        if component not in labels:
            merged[component] = value
        elif isinstance(value, dict) and value.get("__type__") == "update":  # gr.update(choices=…)
            merged[component] = {**labels[component], **value}
        else:
            merged[component] = {**labels[component], "value": value}
    return merged


class ChatHandlers:
    """The chat's event handlers; none of them writes anything except `record_*` (feedback)."""

    def __init__(
        self,
        assistant: Assistant,
        library: DocumentLibrary,
        feedback: FeedbackLog | None,
        settings: AppSettings,
        view: ChatView,
    ) -> None:
        self.assistant = assistant
        self.library = library
        self.feedback = feedback
        self.settings = settings
        self.view = view
        self.per_session = RateLimiter(settings.questions_per_minute)
        self.per_client = RateLimiter(settings.questions_per_minute_per_client)

    def refusal(self, question: str, request: gr.Request | None, lang: str) -> str | None:
        """Why a question is not worked on (rate limit, length), decided before any model work."""
        session = (request.session_hash if request else None) or "anonymous"
        client = request.client.host if request and request.client else "unknown"
        if not self.per_session.allow(session) or not self.per_client.allow(client):
            return ui_text("rate_limited", lang)
        try:
            # An empty question says nothing about its language: answer in the page's.
            self.assistant.check_question(question, lang_hint="auto" if question.strip() else lang)
        except QuestionRejected as exc:
            return str(exc)
        return None

    def known_sources(self, chosen: Sequence[str] | None) -> list[str] | None:
        if not chosen:
            return None
        known = {r.source for r in self.library.documents()}
        return [s for s in chosen if s in known] or None

    def filter_choices(self) -> Any:
        """The document filter's choices (its only output)."""
        return gr.update(choices=document_choices(self.library.documents()))

    def respond(
        self,
        question: str,
        chosen: list[str] | None,
        chat: list[dict[str, str]],
        answers: list[Answer],
        lang: str,
        request: gr.Request,
    ) -> Iterator[Updates]:
        """Stream the answer into the chat, then fill the sources, export and labels."""
        view = self.view
        question = question or ""
        shown = question if len(question) <= 300 else question[:300] + "…"
        chat = [*chat, {"role": "user", "content": escape_text(shown)}][-2 * MAX_TURNS :]

        def say(text: str) -> Updates:
            said = [*chat, {"role": "assistant", "content": escape_text(text)}]
            return {view.chatbot: said, view.chat_state: said, view.saved_chat: said, view.question: ""}

        def partial(html: str) -> Updates:
            return {view.chatbot: [*chat, {"role": "assistant", "content": html}]}

        refusal = self.refusal(question, request, lang)
        if refusal is not None:
            yield say(refusal)
            return
        yield {**partial(escape_text(ui_text("searching", lang))), view.chat_state: chat, view.question: ""}
        history = [(a.question, a.text) for a in answers[-3:]]
        try:
            # A generated answer arrives sentence by sentence, each shown once it is verified;
            # the final `Answer` (possibly the extractive fallback) then replaces them.
            answer: Answer | None = None
            verified: list[SentenceCheck] = []
            for event in self.assistant.ask_stream(question, history, self.known_sources(chosen)):
                if isinstance(event, Answer):
                    answer = event
                elif event.shown:
                    verified.append(event)
                    yield partial(render_answer(None, " ".join(c.shown for c in verified)))
            if answer is None:
                raise RuntimeError("the assistant returned no answer")
        except QuestionRejected as exc:
            yield say(str(exc))
            return
        except Exception as exc:  # the reader gets a short reason; the server log the details
            print(f"error answering {question[:80]!r}: {exc!r}", file=sys.stderr)
            yield say(ui_text("failed", lang, error=type(exc).__name__))
            return
        words = answer.text.split(" ") if not verified else []
        step = max(1, len(words) // 8)
        for end in range(step, len(words), step):
            yield partial(render_answer(answer, " ".join(words[:end])))
            time.sleep(self.settings.stream_delay_s)
        lang = ui_lang(answer.lang)
        chat = [*chat, {"role": "assistant", "content": render_answer(answer)}]
        final = {
            view.chatbot: chat,
            view.chat_state: chat,
            view.saved_chat: chat,
            view.answers_state: [*answers, answer][-MAX_TURNS:],
            view.question: "",
            view.sources: render_sources(answer, lang),
            view.source_pick: gr.update(choices=source_choices(answer), value=None),
            view.viewer: escape_text(ui_text("no_document", lang)),
            view.side_tabs: gr.Tabs(selected="sources"),
            view.export: export_text(answer, lang),
            view.lang_state: lang,
        }
        yield _merged(final, view.labels.updates(lang))

    def show_source(self, key: str | None, answers: list[Answer], lang: str) -> Updates:
        """The whole document behind source `key` of the latest answer, scrolled to the passage,
        in the document tab."""
        view = self.view

        def shown(html: str) -> Updates:
            return {view.viewer: html, view.side_tabs: gr.Tabs(selected="document")}

        if not key or not answers:
            return shown(escape_text(ui_text("no_document", lang)))
        try:
            source, passage, quotes = document_target(answers[-1], key)
        except (KeyError, IndexError, ValueError):
            return shown(escape_text(ui_text("no_document", lang)))
        record = self.library.document(source)
        if record is None:
            return shown(escape_text(ui_text("document_gone", lang)))
        return shown(render_document(record, passage, quotes, lang))

    def reset(self, lang: str) -> Updates:
        """A new conversation: empty chat, no sources, no document, no export."""
        view = self.view
        return {
            view.chatbot: [],
            view.chat_state: [],
            view.saved_chat: [],
            view.answers_state: [],
            view.sources: render_sources(None, lang),
            view.source_pick: gr.update(choices=[], value=None),
            view.viewer: escape_text(ui_text("no_document", lang)),
            view.side_tabs: gr.Tabs(selected="sources"),
            view.export: "",
        }

    def restore(self, saved: Any) -> Updates:
        """The conversation this browser kept (see `saved_chat`), shown again after a reload.
        Only well-formed messages pass, at most `MAX_TURNS` turns; the chat sanitizes them as any."""
        messages = [
            {"role": m["role"], "content": m["content"]}
            for m in (saved if isinstance(saved, list) else [])
            if isinstance(m, dict)
            and m.get("role") in {"user", "assistant"}
            and isinstance(m.get("content"), str)
        ][-2 * MAX_TURNS :]
        return {self.view.chatbot: messages, self.view.chat_state: messages}

    def record_helpful(self, comment: str, answers: list[Answer], lang: str) -> Updates:
        return self._record(True, comment, answers, lang)

    def record_not_helpful(self, comment: str, answers: list[Answer], lang: str) -> Updates:
        return self._record(False, comment, answers, lang)

    def _record(self, helpful: bool, comment: str, answers: list[Answer], lang: str) -> Updates:
        row = self.view.feedback
        if self.feedback is None or row is None:  # never wired in public mode; a guard all the same
            return gr.skip()  # type: ignore[no-any-return]
        if not answers:
            return {row.status: escape_text(ui_text("feedback_nothing", lang))}
        self.feedback.record(answers[-1], helpful, comment or "")
        return {row.comment: "", row.status: escape_text(ui_text("feedback_saved", lang))}

    def api_ask(
        self, question: str, sources: list[str] | None = None, request: gr.Request | None = None
    ) -> dict[str, Any]:
        """Answer `question` from the indexed documents, optionally only from `sources` (file names
        as the app lists them). Returns the answer as JSON: text, lang, abstained, citations (n,
        quote, its offsets in the passage and in the document, source, title) and the passages."""
        refusal = self.refusal(question or "", request, "en")
        if refusal is not None:
            raise gr.Error(refusal, print_exception=False)
        return self.assistant.ask(question, sources=self.known_sources(sources)).to_dict()
