"""The chat UI: renders what `assistant` returns, and is the only module that imports gradio.

Three ways to serve it:

- default (`python app.py`): chat with sources, document filter, export and feedback;
- staff (`--staff`): the same behind a login, plus upload, re-index and delete of documents;
- public (`--public`): the citizen demo; no handler that writes anything is registered at all.

Nothing is built at import time: `build_app` makes the Blocks, `launch_app` serves them with
the hardening flags, and `main` wires both to the settings and the bundled corpus.
"""

from __future__ import annotations

import os

# Models come from packages, never from a hub: set before gradio imports huggingface_hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import argparse
import contextlib
import hmac
import re
import string
import sys
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import gradio as gr
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.core import Assistant, QuestionRejected
from assistant.feedback import FeedbackLog
from assistant.library import DocumentLibrary
from assistant.overview import CSV_COLUMNS, build_overview
from assistant.types import Answer, SentenceCheck
from assistant.ui_text import EXAMPLE_QUESTIONS, ui_lang, ui_text
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import IngestReport, ProgressFn
from vectorstore.store import DocumentRecord

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "AppSettings",
    "RateLimiter",
    "build_app",
    "escape_text",
    "launch_app",
    "main",
    "staff_credentials_problem",
]

BUNDLED_CORPUS = Path(__file__).resolve().parent / "corpus"

# Gradio's page needs its inline bootstrap scripts and inline styles; everything else is
# same-origin, and images may only come from this server or inline data.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "media-src 'self' data: blob:; "
    "worker-src 'self' blob:; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'self'"
)

_WEAK_PASSWORDS = {
    "admin", "administrator", "password", "passord", "adgangskode", "changeme", "secret",
    "staff", "letmein", "welcome", "qwerty", "123456", "12345678", "1234567890", "test",
}  # fmt: skip


class AppSettings(BaseSettings):
    """How the UI is served; read from ASSISTANT_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 7860
    public: bool = False
    staff: bool = False
    staff_user: str = ""
    staff_password: SecretStr = SecretStr("")
    # Labels before the first question; after it the UI follows the question's language.
    ui_lang: str = "nb"
    # Per browser session, and per client address (a script can open many sessions).
    questions_per_minute: int = 10
    questions_per_minute_per_client: int = 60
    concurrency_limit: int = 2
    queue_size: int = 16
    # Pause between streamed pieces of an answer.
    stream_delay_s: float = 0.03


# ------------------------------------------------------------------------------------ rendering

_ENTITIES = {ord(ch): f"&#{ord(ch)};" for ch in string.punctuation}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_BLANKS = re.compile(r"[ \t\f\v\u00a0]+")


def escape_text(text: str, newline: str = "<br>") -> str:
    """`text` as inert markup: every ASCII punctuation mark becomes a numeric entity.

    The result is plain text both as HTML and as Markdown: no tag, link, image, autolink
    (`https&#58;&#47;&#47;…` is no URL), emphasis or LaTeX can survive, and there are no line
    breaks that could end an HTML block, so a document's own `<script>` or `![x](http://…)`
    is shown as the characters it is.
    """
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BLANKS.sub(" ", text.translate(_ENTITIES))
    return text.replace("\n", newline)


def _marked(text: str, spans: Sequence[tuple[int, int]], anchor: int | None = None) -> str:
    """Escape `text`, wrapping each (start, end) span in <mark>; `anchor` gets a scroll target."""
    cuts = {0, len(text)}
    for start, end in spans:
        cuts.update((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    if anchor is not None:
        cuts.add(max(0, min(anchor, len(text))))
    bounds = sorted(cuts)
    parts: list[str] = []
    for left, right in pairwise(bounds):
        if left == anchor:
            parts.append('<span class="scroll-target"></span>')
        piece = escape_text(text[left:right])
        if any(start <= left and right <= end for start, end in spans):
            piece = f"<mark>{piece}</mark>"
        parts.append(piece)
    if anchor == len(text):
        parts.append('<span class="scroll-target"></span>')
    return "".join(parts)


def _citation_numbers(answer: Answer) -> list[int]:
    return list(dict.fromkeys(c.n for c in answer.citations))


def render_answer(answer: Answer | None, text: str | None = None) -> str:
    """The chat message: the answer with bold [n] markers, then one line per cited document.

    With `text`, only that text (a part of the answer while it streams) is rendered."""
    body = escape_text(text if text is not None else answer.text if answer else "")
    body = re.sub(r"&#91;(\d+)&#93;", r'<b class="cite">&#91;\1&#93;</b>', body)
    # A generated sentence its sources do not support carries a flag: make it stand out.
    body = re.sub(r"&#40;(⚠[^&]*)&#41;", r'<span class="unverified">&#40;\1&#41;</span>', body)
    if text is not None or answer is None:
        return body
    lines = [body]
    if answer.per_document:  # the heading, the table, then "not mentioned in"
        kept = [line for line in answer.text.split("\n") if not line.startswith("- ")]
        lines = [escape_text(kept[0]), render_corpus_table(answer), *map(escape_text, kept[1:])]
    if answer.notice:
        lines.append(f"<i>{escape_text(answer.notice)}</i>")
    for n in _citation_numbers(answer):
        first = next(c for c in answer.citations if c.n == n)
        passage = answer.passage(first.chunk_id)
        meta = " · ".join(
            p for p in (passage.publisher if passage else "", passage.lang if passage else "") if p
        )
        lines.append(
            f'<span class="cite-line">&#91;{n}&#93; {escape_text(first.title)}'
            + (f" · {escape_text(meta)}" if meta else "")
            + "</span>"
        )
    return "<br>".join(lines)


def render_corpus_table(answer: Answer) -> str:
    """A corpus-wide answer as a table: a comparison side by side, other kinds one row per document."""
    cells = [
        (escape_text(f.title), escape_text(f.text) + "".join(f" <b>&#91;{n}&#93;</b>" for n in f.citations))
        for f in answer.per_document
        if f.mentioned
    ]
    if answer.corpus_kind == "compare":
        head = "".join(f"<th>{title}</th>" for title, _ in cells)
        row = "".join(f"<td>{c}</td>" for _, c in cells)
        return f'<table class="corpus"><tr>{head}</tr><tr>{row}</tr></table>'
    return (
        '<table class="corpus">'
        + "".join(f"<tr><th>{t}</th><td>{c}</td></tr>" for t, c in cells)
        + "</table>"
    )


_OVERVIEW_KINDS = ("funding", "partner", "goal")
_OVERVIEW_COLUMNS = {
    "funding": ["title", "item", "amount", "currency", "funder", "recipient", "period", "quote"],
    "partner": ["title", "item", "role", "quote"],
    "goal": ["title", "section", "quote"],
}


def overview_table(rows: Sequence[dict[str, str]], kind: str) -> list[list[str]]:
    """The Overview tab's table: the columns that matter for `kind` (cells are shown as plain text)."""
    return [[row[c] for c in _OVERVIEW_COLUMNS[kind]] for row in rows]


def render_sources(answer: Answer | None, lang: str) -> str:
    """Cards for the cited passages (quotes marked), or the nearest passages when it abstained."""
    if answer is None:
        return f'<p class="muted">{escape_text(ui_text("no_sources", lang))}</p>'
    asked = f"{ui_text('sources_for', lang)}: «{answer.question}»"
    cards = [f'<p class="muted">{escape_text(asked)}</p>']
    if answer.citations:
        for n in _citation_numbers(answer):
            cited = [c for c in answer.citations if c.n == n]
            passage = answer.passage(cited[0].chunk_id)
            if passage is None:
                continue
            spans = [(c.quote_start, c.quote_end) for c in cited if c.chunk_id == passage.chunk_id]
            cards.append(_card(f"&#91;{n}&#93;", passage.title, passage, _marked(passage.text, spans), lang))
    else:
        cards.append(f"<p><b>{escape_text(ui_text('nearest', lang))}</b></p>")
        for i, passage in enumerate(answer.passages[:3], 1):
            cards.append(_card(f"({i})", passage.title, passage, escape_text(passage.text), lang))
    return "".join(cards)


def _card(label: str, title: str, passage: Any, body: str, lang: str) -> str:
    meta = [
        f"{ui_text('publisher', lang)}: {passage.publisher}" if passage.publisher else "",
        f"{ui_text('language', lang)}: {passage.lang}",
        f"{ui_text('file', lang)}: {passage.source}",
    ]
    return (
        '<div class="source-card">'
        f'<div class="source-title"><b>{label}</b> {escape_text(title)}</div>'
        f'<div class="source-meta">{escape_text(" · ".join(m for m in meta if m))}</div>'
        f'<div class="source-passage">{body}</div>'
        "</div>"
    )


def source_choices(answer: Answer | None) -> list[tuple[str, str]]:
    """(label, key) for each source of `answer`: "n" for a citation, "pN" for a nearest passage."""
    if answer is None:
        return []
    if answer.citations:
        choices = []
        for n in _citation_numbers(answer):
            first = next(c for c in answer.citations if c.n == n)
            choices.append((f"[{n}] {first.title}", str(n)))
        return choices
    return [(f"({i}) {p.title}", f"p{i}") for i, p in enumerate(answer.passages[:3], 1)]


def render_document(
    record: DocumentRecord, passage: tuple[int, int] | None, quotes: Sequence[tuple[int, int]], lang: str
) -> str:
    """The whole cleaned document, the passage shaded, its quotes marked, scrolled to the passage."""
    meta = [
        f"{ui_text('publisher', lang)}: {record.publisher}" if record.publisher else "",
        f"{ui_text('language', lang)}: {record.lang}",
        f"{ui_text('file', lang)}: {record.source}",
        record.ingested_at,
    ]
    text = record.text
    anchor = passage[0] if passage else None
    cuts = sorted({0, len(text), *(passage or ())})
    parts: list[str] = []
    for left, right in pairwise(cuts):
        inside = passage is not None and passage[0] <= left and right <= passage[1]
        spans = [(s - left, e - left) for s, e in quotes if s < right and e > left] if inside else []
        body = _marked(text[left:right], spans, 0 if inside and left == anchor else None)
        parts.append(f'<span class="passage">{body}</span>' if inside else body)
    return (
        f'<div class="doc-title">{escape_text(record.title)}</div>'
        f'<div class="source-meta">{escape_text(" · ".join(m for m in meta if m))}</div>'
        f'<div class="doc-text">{"".join(parts)}</div>'
    )


def document_target(answer: Answer, key: str) -> tuple[str, tuple[int, int] | None, list[tuple[int, int]]]:
    """(source, passage span, quote spans) in document offsets for a key from `source_choices`."""
    if key.startswith("p"):
        passage = answer.passages[int(key[1:]) - 1]
        return passage.source, (passage.char_start, passage.char_end), []
    cited = [c for c in answer.citations if str(c.n) == key]
    if not cited:
        raise KeyError(key)
    found = answer.passage(cited[0].chunk_id)
    span = (found.char_start, found.char_end) if found else None
    return cited[0].source, span, [(c.char_start, c.char_end) for c in cited]


def export_text(answer: Answer | None, lang: str) -> str:
    """The answer with its citations as plain text, for copying or saving."""
    if answer is None:
        return ""
    lines = [f"{ui_text('question_label', lang)}: {answer.question}", "", answer.text]
    if answer.notice:
        lines += ["", answer.notice]
    if answer.citations:
        lines += ["", f"{ui_text('sources', lang)}:"]
        for n in _citation_numbers(answer):
            cited = [c for c in answer.citations if c.n == n]
            passage = answer.passage(cited[0].chunk_id)
            publisher = f" — {passage.publisher}" if passage and passage.publisher else ""
            lines.append(f"[{n}] {cited[0].title}{publisher} ({cited[0].source})")
            lines += [f"    «{c.quote}» (chars {c.char_start}–{c.char_end})" for c in cited]
    return "\n".join(lines)


def report_markdown(report: IngestReport) -> str:
    lines = [escape_text(report.summary())]
    for f in report.files:
        mark = "✖" if f.status == "skipped" else "✔"
        detail = f"{f.status} ({f.chunks})" if f.status != "skipped" else f"{f.status}: {f.reason}"
        lines.append(f"{mark} {escape_text(f.source)} — {escape_text(detail)}")
    return "<br>".join(lines)


# ------------------------------------------------------------------------------------ guards


class RateLimiter:
    """At most `limit` events per `window_s` seconds per key (sliding window, bounded memory)."""

    def __init__(
        self,
        limit: int,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._max_keys = max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False (and not counted) when over the limit."""
        now = self._clock()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and now - events[0] >= self.window_s:
                events.popleft()
            allowed = len(events) < self.limit
            if allowed:
                events.append(now)
            self._events[key] = events
            while len(self._events) > self._max_keys:
                self._events.popitem(last=False)
            return allowed


def staff_credentials_problem(user: str, password: str) -> str | None:
    """Why these staff credentials must not be used, or None when they are acceptable."""
    if not user.strip() or not password:
        return (
            "Staff mode needs a login: set ASSISTANT_STAFF_USER and ASSISTANT_STAFF_PASSWORD "
            "(at least 10 characters) in the environment."
        )
    if (
        len(password) < 10
        or password.lower() in _WEAK_PASSWORDS
        or password.lower() == user.lower()
        or len(set(password)) < 4
    ):
        return (
            "ASSISTANT_STAFF_PASSWORD is too easy to guess (a default such as admin/admin, the user "
            "name, or under 10 characters). Choose a long, unique password."
        )
    return None


def _credential_checker(user: str, password: str) -> Callable[[str, str], bool]:
    def check(given_user: str, given_password: str) -> bool:
        same_user = hmac.compare_digest(given_user.encode(), user.encode())
        same_password = hmac.compare_digest(given_password.encode(), password.encode())
        return same_user and same_password

    return check


class SecurityHeaders:
    """ASGI middleware: a Content-Security-Policy (and friends) on every response.

    With `block_uploads`, POSTs to Gradio's upload route are refused before a byte is written:
    an app without file inputs has no reason to accept files.
    """

    def __init__(self, app: ASGIApp, csp: str = CONTENT_SECURITY_POLICY, block_uploads: bool = True) -> None:
        self.app = app
        self.csp = csp
        self.block_uploads = block_uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = self.csp
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "SAMEORIGIN"
            await send(message)

        async def refuse(status: int, body: bytes) -> None:
            start = {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain")],
            }
            await send_with_headers(start)
            await send_with_headers({"type": "http.response.body", "body": body})

        path = str(scope.get("path", "")).rstrip("/")
        if self.block_uploads and scope.get("method") == "POST" and path.endswith("/upload"):
            await refuse(403, b"uploads are disabled")
            return
        # Direct HTTP calls: the queue is closed to them (`api_open=False`), yet an unknown name
        # costs Gradio a traceback in the log and a 500; answer 404 without reaching it.
        if _DIRECT_RUN.match(path):
            await refuse(404, b"not found: use the queue (gradio_client)")
            return
        await self.app(scope, receive, send_with_headers)


_DIRECT_RUN = re.compile(r"^(?:/gradio_api)?/(?:run|api)/")


class ForeignOriginGuard:
    """ASGI wrapper around the whole app: drops an `Origin` header that names another site.

    Gradio's CORS layer grants any origin, with credentials, as soon as the Host is not localhost
    (that is, behind a reverse proxy under a public name). Without the header no layer grants
    anything, so the browser keeps another site's script from reading a response or passing a
    preflight; the app's own page is same-origin and needs no CORS at all."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            headers = dict(scope.get("headers") or [])
            origin = headers.get(b"origin")
            if origin is not None and not self.same_site(origin, headers):
                scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"origin"]}
        await self.app(scope, receive, send)

    @staticmethod
    def same_site(origin: bytes, headers: dict[bytes, bytes]) -> bool:
        """Whether `origin` names the host the request was sent to (directly or via a proxy)."""
        forwarded = headers.get(b"x-forwarded-host", b"").split(b",")[0].strip()
        hosts = {h.lower() for h in (headers.get(b"host", b""), forwarded) if h}
        return origin.split(b"://", 1)[-1].lower() in hosts


@contextlib.asynccontextmanager
async def _guard_origins(app: Any) -> AsyncIterator[None]:
    """Lifespan hook: runs before the server accepts a connection, when Starlette has just built
    the middleware stack, and puts `ForeignOriginGuard` outside all of it (Gradio adds its CORS
    layer outside any middleware passed in)."""
    app.middleware_stack = ForeignOriginGuard(app.middleware_stack or app.build_middleware_stack())
    yield


# ------------------------------------------------------------------------------------ the app

_CSS = """
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px;
  margin-bottom: 8px; }
.source-title { font-weight: 600; }
.source-meta { font-size: 0.85em; opacity: 0.75; margin: 2px 0 6px; }
.source-passage, .doc-text { line-height: 1.5; }
.source-passage mark, .doc-text mark { background: #ffe58a; color: inherit; padding: 0 2px; }
.doc-text .passage { background: rgba(255, 229, 138, 0.3); }
.doc-title { font-weight: 700; font-size: 1.1em; }
.cite-line { font-size: 0.85em; opacity: 0.8; }
.unverified { color: #b45309; font-weight: 600; }
.muted { opacity: 0.7; }
table.corpus td, table.corpus th { vertical-align: top; padding: 4px 8px; text-align: left; }
"""

# Scroll the document viewer to the cited passage whenever it is rendered and shown (its tab may
# become visible a moment after its content arrives).
_HEAD = """
<script>
(() => {
  const seen = new WeakSet();
  const scroll = (tries = 20) => {
    const target = document.querySelector('#document-viewer .scroll-target');
    if (!target || seen.has(target)) return;
    if (target.getClientRects().length === 0) {
      if (tries > 0) setTimeout(() => scroll(tries - 1), 100);
      return;
    }
    seen.add(target);
    target.scrollIntoView({block: 'center'});
  };
  new MutationObserver(() => scroll()).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>
"""

_MAX_TURNS = 20  # turns kept per session: bounds memory and the follow-up context


class ChatHandlers:
    """The chat's event handlers; none of them writes anything except `record_*` (feedback)."""

    def __init__(
        self,
        assistant: Assistant,
        library: DocumentLibrary,
        feedback: FeedbackLog | None,
        settings: AppSettings,
    ) -> None:
        self.assistant = assistant
        self.library = library
        self.feedback = feedback
        self.settings = settings
        self.per_session = RateLimiter(settings.questions_per_minute)
        self.per_client = RateLimiter(settings.questions_per_minute_per_client)
        # Set by `build_app`: the label updates of every fixed text, in output order.
        self.relabel: Callable[[str], list[Any]] = lambda lang: []

    def refusal(self, question: str, request: gr.Request | None, lang: str) -> str | None:
        """Why a question is not worked on (rate limit, length), decided before any model work."""
        session = (request.session_hash if request else None) or "anonymous"
        client = request.client.host if request and request.client else "unknown"
        if not self.per_session.allow(session) or not self.per_client.allow(client):
            return ui_text("rate_limited", lang)
        try:
            self.assistant.check_question(question, lang_hint="auto")
        except QuestionRejected as exc:
            return str(exc)
        return None

    def known_sources(self, chosen: Sequence[str] | None) -> list[str] | None:
        if not chosen:
            return None
        known = {r.source for r in self.library.documents()}
        return [s for s in chosen if s in known] or None

    def filter_choices(self) -> Any:
        return gr.update(choices=document_choices(self.library.documents()))

    def respond(
        self,
        question: str,
        chosen: list[str] | None,
        chat: list[dict[str, str]],
        answers: list[Answer],
        lang: str,
        request: gr.Request,
    ) -> Iterator[list[Any]]:
        """Stream the answer into the chat, then fill the sources, export and labels.

        Outputs: chatbot, chat state, answers state, question box, sources, source picker,
        document viewer, side tabs, export, language state, then every localized label.
        """
        question = question or ""
        shown = question if len(question) <= 300 else question[:300] + "…"
        chat = [*chat, {"role": "user", "content": escape_text(shown)}][-2 * _MAX_TURNS :]
        rest = [gr.skip()] * (6 + len(self.relabel(lang)))

        def say(text: str) -> list[Any]:
            said = [*chat, {"role": "assistant", "content": escape_text(text)}]
            return [said, said, gr.skip(), "", *rest]

        refusal = self.refusal(question, request, lang)
        if refusal is not None:
            yield say(refusal)
            return
        yield [[*chat, {"role": "assistant", "content": escape_text(ui_text("searching", lang))}],
               chat, gr.skip(), "", *rest]  # fmt: skip
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
                    text = " ".join(c.shown for c in verified)
                    partial = {"role": "assistant", "content": render_answer(None, text)}
                    yield [[*chat, partial], gr.skip(), gr.skip(), gr.skip(), *rest]
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
            partial = {"role": "assistant", "content": render_answer(answer, " ".join(words[:end]))}
            yield [[*chat, partial], gr.skip(), gr.skip(), gr.skip(), *rest]
            time.sleep(self.settings.stream_delay_s)
        lang = ui_lang(answer.lang)
        chat = [*chat, {"role": "assistant", "content": render_answer(answer)}]
        yield [
            chat,
            chat,
            [*answers, answer][-_MAX_TURNS:],
            "",
            render_sources(answer, lang),
            gr.update(choices=source_choices(answer), value=None),
            escape_text(ui_text("no_document", lang)),
            gr.Tabs(selected="sources"),
            export_text(answer, lang),
            lang,
            *self.relabel(lang),
        ]

    def show_source(self, key: str | None, answers: list[Answer], lang: str) -> list[Any]:
        """The whole document behind source `key` of the latest answer, scrolled to the passage,
        in the document tab. Outputs: document viewer, side tabs."""
        shown = gr.Tabs(selected="document")
        if not key or not answers:
            return [escape_text(ui_text("no_document", lang)), shown]
        try:
            source, passage, quotes = document_target(answers[-1], key)
        except (KeyError, IndexError, ValueError):
            return [escape_text(ui_text("no_document", lang)), shown]
        record = self.library.document(source)
        if record is None:
            return [escape_text(ui_text("document_gone", lang)), shown]
        return [render_document(record, passage, quotes, lang), shown]

    def reset(self, lang: str) -> list[Any]:
        """A new conversation: chatbot, chat, answers, sources, source picker, viewer, side tabs,
        export."""
        empty = escape_text(ui_text("no_document", lang))
        return [
            [], [], [], render_sources(None, lang), gr.update(choices=[], value=None), empty,
            gr.Tabs(selected="sources"), "",
        ]  # fmt: skip

    def record_helpful(self, comment: str, answers: list[Answer], lang: str) -> list[str]:
        return self._record(True, comment, answers, lang)

    def record_not_helpful(self, comment: str, answers: list[Answer], lang: str) -> list[str]:
        return self._record(False, comment, answers, lang)

    def _record(self, helpful: bool, comment: str, answers: list[Answer], lang: str) -> list[str]:
        if self.feedback is None:  # never wired in public mode; a guard all the same
            return [comment, ""]
        if not answers:
            return [comment, escape_text(ui_text("feedback_nothing", lang))]
        self.feedback.record(answers[-1], helpful, comment or "")
        return ["", escape_text(ui_text("feedback_saved", lang))]

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


def document_choices(records: Sequence[DocumentRecord]) -> list[tuple[str, str]]:
    """(label, source) for the document filter: title and publisher, so municipalities show."""
    return [(f"{r.title} — {r.publisher}" if r.publisher else r.title, r.source) for r in records]


class StaffHandlers:
    """The document pages' handlers; every one of them writes, so only staff mode wires them."""

    def __init__(self, library: DocumentLibrary, lang: str) -> None:
        self.library = library
        self.lang = lang

    def listing(self, keep: str | None = None) -> list[Any]:
        """Outputs: the document table, the document picker (still on `keep` if it is listed) and
        the chat's document filter."""
        records = self.library.documents()
        rows = [[r.title, r.source, r.publisher, r.lang, r.n_chunks, r.ingested_at] for r in records]
        names = [r.source for r in records]
        return [
            rows,
            gr.update(choices=names, value=keep if keep in names else None),
            gr.update(choices=document_choices(records)),
        ]

    def _progress(self, progress: gr.Progress) -> ProgressFn:
        def report(done: int, total: int, name: str) -> None:
            desc = f"{ui_text('working', self.lang)}: {name}" if name else ui_text("working", self.lang)
            progress((done, max(total, 1)), desc=desc, unit="files")

        return report

    def _run(self, work: Callable[[], IngestReport], keep: str | None = None) -> list[Any]:
        try:
            status = report_markdown(work())
        except Exception as exc:  # another writer holds the lock, a file is gone: say so, keep serving
            status = escape_text(f"{type(exc).__name__}: {exc}")
        return [status, *self.listing(keep)]

    def add_files(self, files: list[str] | None, progress: gr.Progress = gr.Progress()) -> list[Any]:  # noqa: B008
        if not files:
            return [escape_text(ui_text("no_files", self.lang)), *self.listing()]
        paths = [Path(f) for f in files]
        return self._run(lambda: self.library.add_files(paths, progress=self._progress(progress)))

    def reindex(self, source: str | None, progress: gr.Progress = gr.Progress()) -> list[Any]:  # noqa: B008
        if not source:
            return [escape_text(ui_text("no_selection", self.lang)), *self.listing()]
        return self._run(lambda: self.library.reindex(source, progress=self._progress(progress)), keep=source)

    def delete(self, source: str | None, confirmed: bool) -> list[Any]:
        """Outputs: status, the confirmation box, then `listing`."""
        if not source:
            return [escape_text(ui_text("no_selection", self.lang)), gr.skip(), *self.listing()]
        if not confirmed:
            return [escape_text(ui_text("confirm_first", self.lang)), gr.skip(), *self.listing(source)]
        try:
            removed = self.library.delete(source)
        except Exception as exc:
            return [escape_text(f"{type(exc).__name__}: {exc}"), False, *self.listing(source)]
        status = ui_text("deleted" if removed else "not_found", self.lang, source=source)
        return [escape_text(status), False, *self.listing()]


class _Labels:
    """Every fixed text that follows the question's language, with how to update it."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, Callable[[str], Any]]] = []

    def add(self, component: Any, update: Callable[[str], Any]) -> Any:
        self.items.append((component, update))
        return component

    @property
    def components(self) -> list[Any]:
        return [component for component, _ in self.items]

    def updates(self, lang: str) -> list[Any]:
        return [update(lang) for _, update in self.items]


def _label(key: str) -> Callable[[str], Any]:
    return lambda lang: gr.update(label=ui_text(key, lang))


def _button(key: str) -> Callable[[str], Any]:
    return lambda lang: gr.update(value=ui_text(key, lang))


def _text(key: str, prefix: str = "") -> Callable[[str], Any]:
    return lambda lang: gr.update(value=prefix + escape_text(ui_text(key, lang)))


def build_app(
    assistant: Assistant,
    library: DocumentLibrary,
    feedback: FeedbackLog | None,
    public: bool,
    *,
    staff: bool = False,
    settings: AppSettings | None = None,
) -> gr.Blocks:
    """The Blocks for one serving mode. In public mode no handler that writes is registered:
    no feedback, no document pages (`feedback` is ignored), because any registered handler can be
    called directly, visible or not."""
    settings = settings or AppSettings()
    if public and staff:
        raise ValueError("public and staff mode exclude each other")
    if public:
        feedback = None
    lang = ui_lang(settings.ui_lang)
    chat = ChatHandlers(assistant, library, feedback, settings)
    labels = _Labels()
    private: dict[str, Any] = {"api_visibility": "private"}

    demo = gr.Blocks(title=ui_text("title", lang), analytics_enabled=False)
    with demo:
        chat_state = gr.State([])
        answers_state = gr.State([])
        lang_state = gr.State(lang)
        labels.add(gr.Markdown("## " + escape_text(ui_text("title", lang))), _text("title", "## "))
        intro = "intro" if assistant.settings.llm_provider == "none" else "intro_generative"
        labels.add(gr.Markdown(escape_text(ui_text(intro, lang))), _text(intro))
        with gr.Tabs():
            with gr.Tab(ui_text("chat_tab", lang), id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
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
                    with gr.Row():
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
                    examples = gr.Examples(
                        [[q] for q in EXAMPLE_QUESTIONS], [question], label=ui_text("examples", lang)
                    )
                    labels.add(examples.dataset, _label("examples"))
                    new_chat = labels.add(
                        gr.Button(ui_text("new_chat", lang), size="sm", elem_id="new-chat"),
                        _button("new_chat"),
                    )
                    if feedback is not None:
                        labels.add(gr.Markdown(escape_text(ui_text("feedback", lang))), _text("feedback"))
                        with gr.Row():
                            comment = labels.add(
                                gr.Textbox(
                                    label=ui_text("comment", lang),
                                    max_length=2000,
                                    scale=4,
                                    elem_id="feedback-comment",
                                ),
                                _label("comment"),
                            )
                            helpful = labels.add(
                                gr.Button(ui_text("helpful", lang), scale=1, elem_id="helpful"),
                                _button("helpful"),
                            )
                            not_helpful = labels.add(
                                gr.Button(ui_text("not_helpful", lang), scale=1, elem_id="not-helpful"),
                                _button("not_helpful"),
                            )
                        feedback_status = gr.Markdown(elem_id="feedback-status")
                    with labels.add(gr.Accordion(ui_text("export", lang), open=False), _label("export")):
                        export = gr.Textbox(
                            show_label=False, lines=8, interactive=False, buttons=["copy"], elem_id="export"
                        )
                with gr.Column(scale=2):
                    doc_filter = labels.add(
                        gr.Dropdown(
                            choices=[],
                            multiselect=True,
                            label=ui_text("filter_label", lang),
                            elem_id="doc-filter",
                        ),
                        _label("filter_label"),
                    )
                    source_pick = labels.add(
                        gr.Radio(choices=[], label=ui_text("open_source", lang), elem_id="source-pick"),
                        _label("open_source"),
                    )
                    # Sources and the whole document share the column; a click on a source
                    # switches to the document, a new answer back to its sources.
                    with gr.Tabs(selected="sources", elem_id="side-tabs") as side_tabs:
                        with labels.add(gr.Tab(ui_text("sources", lang), id="sources"), _label("sources")):
                            sources = gr.Markdown(
                                render_sources(None, lang),
                                latex_delimiters=[],
                                max_height=600,
                                elem_id="sources",
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
            overview_ui = _overview_tab(lang)
            if staff:
                staff_ui = _staff_tab(library, lang)

        chat.relabel = labels.updates
        ask_outputs = [
            chatbot, chat_state, answers_state, question, sources, source_pick, viewer, side_tabs, export,
            lang_state, *labels.components,
        ]  # fmt: skip
        ask_inputs = [question, doc_filter, chat_state, answers_state, lang_state]
        for trigger in (question.submit, ask.click):
            trigger(chat.respond, ask_inputs, ask_outputs, show_progress="minimal", **private)
        source_pick.input(
            chat.show_source, [source_pick, answers_state, lang_state], [viewer, side_tabs], **private
        )
        reset_outputs = [chatbot, chat_state, answers_state, sources, source_pick, viewer, side_tabs, export]
        new_chat.click(chat.reset, lang_state, reset_outputs, **private)
        chatbot.clear(chat.reset, lang_state, reset_outputs, **private)
        demo.load(chat.filter_choices, None, doc_filter, **private)
        _wire_overview(demo, OverviewHandlers(library), overview_ui, chat, lang_state)
        if feedback is not None:
            feedback_io = ([comment, answers_state, lang_state], [comment, feedback_status])
            helpful.click(chat.record_helpful, *feedback_io, **private)
            not_helpful.click(chat.record_not_helpful, *feedback_io, **private)
        if staff:
            _wire_staff(demo, StaffHandlers(library, lang), staff_ui, doc_filter)
        gr.api(chat.api_ask, api_name="ask")  # type: ignore[attr-defined]

    demo.queue(
        api_open=False,
        max_size=settings.queue_size,
        default_concurrency_limit=settings.concurrency_limit,
    )
    return demo


class OverviewHandlers:
    """The Overview tab: funding, partners and goals per document. Read-only, so every mode has it."""

    def __init__(self, library: DocumentLibrary) -> None:
        self.library = library

    def table(self, kind: str, chosen: list[str] | None, contains: str) -> list[Any]:
        """Outputs: the table, its CSV, the rows (state, for opening a row's passage)."""
        kind = kind if kind in _OVERVIEW_KINDS else "funding"
        rows = build_overview(self.library.store, chosen or None).rows(kind, contains=(contains or "")[:200])
        table = gr.update(value=overview_table(rows, kind), headers=_OVERVIEW_COLUMNS[kind])
        return [table, "\n".join([",".join(CSV_COLUMNS), *_csv_lines(rows)]), rows]

    def open_item(self, rows: list[dict[str, str]], lang: str, evt: gr.SelectData) -> str:
        """The whole document with the clicked row's quote marked and scrolled to."""
        row = rows[evt.index[0]] if rows and evt.index and evt.index[0] < len(rows) else None
        record = self.library.document(row["source"]) if row else None
        if row is None or record is None:
            return escape_text(ui_text("no_document", lang))
        span = (int(row["char_start"]), int(row["char_end"]))
        return render_document(record, span, [span], lang)


def _csv_lines(rows: Sequence[dict[str, str]]) -> list[str]:
    from assistant.overview import Overview

    return Overview.to_csv(rows).splitlines()[1:]


def _overview_tab(lang: str) -> dict[str, Any]:
    kinds = list(zip(ui_text("overview_kind", lang).split("|"), _OVERVIEW_KINDS, strict=True))
    with gr.Tab(ui_text("overview_tab", lang), id="overview"):
        with gr.Row():
            ui: dict[str, Any] = {
                "kind": gr.Radio(kinds, value="funding", show_label=False, elem_id="overview-kind"),
                "docs": gr.Dropdown(choices=[], multiselect=True, show_label=False, elem_id="overview-docs"),
                "contains": gr.Textbox(label=ui_text("overview_contains", lang), max_length=200),
            }
        gr.Markdown(escape_text(ui_text("overview_hint", lang)))
        ui["table"] = gr.Dataframe(headers=_OVERVIEW_COLUMNS["funding"], datatype="str", interactive=False,
                                   wrap=True, elem_id="overview-table")  # fmt: skip
        ui["viewer"] = gr.Markdown(latex_delimiters=[], max_height=400, elem_id="overview-document")
        with gr.Accordion("CSV", open=False):
            ui["csv"] = gr.Textbox(show_label=False, lines=6, interactive=False, buttons=["copy"])
        ui["rows"] = gr.State([])
    return ui


def _wire_overview(demo: gr.Blocks, handlers: OverviewHandlers, ui: dict[str, Any], chat: ChatHandlers,
                   lang_state: Any) -> None:  # fmt: skip
    private: dict[str, Any] = {"api_visibility": "private"}
    inputs, outputs = [ui["kind"], ui["docs"], ui["contains"]], [ui["table"], ui["csv"], ui["rows"]]
    demo.load(handlers.table, inputs, outputs, **private)
    demo.load(chat.filter_choices, None, ui["docs"], **private)
    for trigger in (ui["kind"].change, ui["docs"].change, ui["contains"].submit):
        trigger(handlers.table, inputs, outputs, **private)
    ui["table"].select(handlers.open_item, [ui["rows"], lang_state], ui["viewer"], **private)


def _staff_tab(library: DocumentLibrary, lang: str) -> dict[str, Any]:
    """The document pages' components: list, upload, re-index, delete."""
    types = sorted(SUPPORTED_SUFFIXES)
    upload_label = ui_text("upload", lang, types=", ".join(types), mb=library.ingest_settings.max_file_mb)
    with gr.Tab(ui_text("documents_tab", lang), id="documents"):
        ui: dict[str, Any] = {
            "table": gr.Dataframe(
                headers=ui_text("columns", lang).split("|"),
                datatype="str",
                interactive=False,
                elem_id="document-table",
            ),
            "refresh": gr.Button(ui_text("refresh", lang), size="sm", elem_id="refresh"),
            "upload": gr.File(label=upload_label, file_count="multiple", file_types=types, elem_id="upload"),
            "add": gr.Button(ui_text("add", lang), variant="primary", elem_id="add-documents"),
        }
        with gr.Row():
            ui["chosen"] = gr.Dropdown(
                choices=[], label=ui_text("choose_document", lang), elem_id="staff-document"
            )
            ui["reindex"] = gr.Button(ui_text("reindex", lang), elem_id="reindex")
            ui["confirm"] = gr.Checkbox(label=ui_text("confirm_delete", lang), elem_id="confirm-delete")
            ui["delete"] = gr.Button(ui_text("delete", lang), variant="stop", elem_id="delete")
        ui["status"] = gr.Markdown(elem_id="staff-status")
    return ui


def _wire_staff(demo: gr.Blocks, staff: StaffHandlers, ui: dict[str, Any], doc_filter: Any) -> None:
    """Register the write handlers: only in staff mode, where the whole app is behind the login.

    Upload, re-index and delete share one queue slot, so they run one at a time in the order they
    were clicked. Each listener otherwise has its own slot: a delete clicked while a re-index is
    still embedding ran beside it, failed on the writer lock, and the re-index's late report then
    overwrote the delete's status on the page."""
    private: dict[str, Any] = {"api_visibility": "private"}
    writes: dict[str, Any] = {**private, "concurrency_id": "staff-writes", "concurrency_limit": 1}
    lists = [ui["table"], ui["chosen"], doc_filter]
    demo.load(staff.listing, None, lists, **private)
    ui["refresh"].click(staff.listing, None, lists, **private)
    ui["add"].click(staff.add_files, ui["upload"], [ui["status"], *lists], **writes).then(
        lambda: None, None, ui["upload"], **private
    )
    ui["reindex"].click(staff.reindex, ui["chosen"], [ui["status"], *lists], **writes)
    ui["delete"].click(
        staff.delete, [ui["chosen"], ui["confirm"]], [ui["status"], ui["confirm"], *lists], **writes
    )


def launch_app(
    demo: gr.Blocks,
    settings: AppSettings,
    *,
    public: bool,
    staff_login: tuple[str, str] | None = None,
    max_upload_mb: float = 50.0,
    block: bool = True,
) -> tuple[Any, str, str]:
    """Serve `demo` with the hardening flags; `block=False` returns once the server is up (tests).

    Uploads are accepted only with a staff login; otherwise the upload route is refused by the
    middleware and `max_file_size` is tiny as well. Monitoring, MCP, PWA and SSR are off.
    """
    app, local_url, share_url = demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        auth=_credential_checker(*staff_login) if staff_login else None,
        auth_message=ui_text("title", ui_lang(settings.ui_lang)) if staff_login else None,
        max_file_size=f"{max_upload_mb:g}mb" if staff_login else "1kb",
        enable_monitoring=False,
        footer_links=["api"],
        show_error=not public,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        prevent_thread_lock=not block,
        quiet=False,
        # No run history: it would keep a reader's questions in a shared computer's browser.
        run_history=False,
        app_kwargs={
            "middleware": [
                Middleware(SecurityHeaders, csp=CONTENT_SECURITY_POLICY, block_uploads=staff_login is None)
            ],
            "lifespan": _guard_origins,
        },
        theme=gr.themes.Default(),
        css=_CSS,
        head=_HEAD,
    )
    return app, local_url, share_url


# ------------------------------------------------------------------------------------ entry point


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py",
        description="Serve the Strategy Assistant chat; an empty index gets the bundled corpus first.",
        epilog="Environment: ASSISTANT_HOST, ASSISTANT_PORT, ASSISTANT_PUBLIC=1, ASSISTANT_STAFF=1 "
        "with ASSISTANT_STAFF_USER and ASSISTANT_STAFF_PASSWORD, ASSISTANT_DATA_DIR (default ./data).",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--public", action="store_true", help="read-only citizen demo: nothing can be written")
    mode.add_argument("--staff", action="store_true", help="login, plus upload, re-index and delete")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    return parser


def _ingest_bundled_corpus(store: Any) -> None:
    from tqdm import tqdm

    from ingest.pipeline import ingest_paths, tqdm_progress

    print(f"The index is empty: ingesting the bundled corpus ({BUNDLED_CORPUS}) …", flush=True)
    bar = tqdm(total=0, unit="file", desc="Ingesting", file=sys.stdout)
    try:
        report = ingest_paths([BUNDLED_CORPUS], store, progress=tqdm_progress(bar))
    finally:
        bar.close()
    print(report.summary(), flush=True)


def main(argv: list[str] | None = None) -> int:
    """Build the index if it is empty, then serve until interrupted."""
    args = _parser().parse_args(argv)
    updates: dict[str, Any] = {}
    if args.public:
        updates.update(public=True, staff=False)
    if args.staff:
        updates.update(staff=True, public=False)
    if args.host:
        updates["host"] = args.host
    if args.port:
        updates["port"] = args.port
    settings = AppSettings().model_copy(update=updates)
    if settings.public and settings.staff:
        print("error: ASSISTANT_PUBLIC and ASSISTANT_STAFF exclude each other; choose one", file=sys.stderr)
        return 2
    login: tuple[str, str] | None = None
    if settings.staff:
        password = settings.staff_password.get_secret_value()
        problem = staff_credentials_problem(settings.staff_user, password)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
        login = (settings.staff_user, password)

    from vectorstore.embeddings import load_embeddings
    from vectorstore.lock import WriterBusyError
    from vectorstore.settings import StoreSettings
    from vectorstore.store import ChunkStore, StoreError

    try:
        store_settings = StoreSettings()
        store = ChunkStore(store_settings, load_embeddings(store_settings))
        if store.is_empty():
            _ingest_bundled_corpus(store)
        assistant = Assistant(store=store)
        assistant.warm_up()
    except (StoreError, WriterBusyError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    library = DocumentLibrary(store)
    feedback = None if settings.public else FeedbackLog(store_settings.data_dir / "feedback.jsonl")
    demo = build_app(assistant, library, feedback, settings.public, staff=settings.staff, settings=settings)
    mode = "public" if settings.public else "staff" if settings.staff else "default"
    print(f"Serving in {mode} mode on http://{settings.host}:{settings.port}", flush=True)
    launch_app(
        demo,
        settings,
        public=settings.public,
        staff_login=login,
        max_upload_mb=library.ingest_settings.max_file_mb,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
