"""Pure HTML for the chat: answers, source cards, documents, exports. No gradio here.

Every piece of text from a document or a reader passes through `escape_text`, so what the page
shows is inert characters whether gradio treats it as HTML or as Markdown.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from assistant.types import Answer, DocumentFinding
from assistant.ui_text import ui_text
from ingest.pipeline import IngestReport
from vectorstore.records import DocumentRecord

__all__ = [
    "OVERVIEW_COLUMNS",
    "OVERVIEW_KINDS",
    "OVERVIEW_WIDTHS",
    "distinct_rows",
    "document_choices",
    "document_target",
    "escape_text",
    "export_text",
    "funding_chart",
    "overview_headers",
    "overview_table",
    "plain_answer",
    "render_answer",
    "render_corpus_table",
    "render_document",
    "render_examples",
    "render_sources",
    "render_title",
    "report_markdown",
    "short_names",
    "source_choices",
]

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


def _preview(answer: Answer | None, n: int) -> str:
    """Citation `n`'s quotes as an attribute value: the hover preview of its marker."""
    quotes = [f"«{c.quote}»" for c in answer.citations if c.n == n] if answer else []
    return escape_text(" … ".join(dict.fromkeys(quotes))[:400], newline=" ")


def _marker(n: int, answer: Answer | None, label: str | None = None) -> str:
    """A citation marker as a button: app.js opens source `n` at its passage on a click, and its
    title previews the quote (the sanitizer keeps `value` and `title`, not data attributes)."""
    preview = _preview(answer, n)
    title = f' title="{preview}"' if preview else ""
    return f'<button type="button" class="cite" value="{n}"{title}>{label or f"&#91;{n}&#93;"}</button>'


def render_answer(answer: Answer | None, text: str | None = None) -> str:
    """The chat message: the answer with [n] markers that open their source, then one line per
    cited document.

    With `text`, only that text (a part of the answer while it streams) is rendered."""
    body = escape_text(text if text is not None else answer.text if answer else "")
    body = re.sub(r"&#91;(\d+)&#93;", lambda m: _marker(int(m.group(1)), answer), body)
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
        label = f"&#91;{n}&#93; {escape_text(first.title)}" + (f" · {escape_text(meta)}" if meta else "")
        lines.append(f'<span class="cite-line">{_marker(n, answer, label)}</span>')
    # What the message's copy button gives (app.js): plain text, kept hidden beside what is shown
    # (a sibling, so that finding a text on the page finds the visible one).
    plain = escape_text(plain_answer(answer), newline="&#10;")
    return f'<div class="answer">{"<br>".join(lines)}</div><div class="plain" hidden>{plain}</div>'


def render_corpus_table(answer: Answer) -> str:
    """A corpus-wide answer as a table: a comparison side by side, other kinds one row per document."""
    cells = [(escape_text(f.title), _finding_cell(f, answer)) for f in answer.per_document if f.mentioned]
    if answer.corpus_kind == "compare":
        head = "".join(f"<th>{title}</th>" for title, _ in cells)
        row = "".join(f"<td>{c}</td>" for _, c in cells)
        return f'<table class="corpus"><tr>{head}</tr><tr>{row}</tr></table>'
    return (
        '<table class="corpus">'
        + "".join(f"<tr><th>{t}</th><td>{c}</td></tr>" for t, c in cells)
        + "</table>"
    )


def _finding_cell(finding: DocumentFinding, answer: Answer) -> str:
    """A document's cell: each quote followed by its own marker, or the line and its markers."""
    if finding.quotes:
        return " ".join(f"{escape_text(q.text)} {_marker(q.n, answer)}" for q in finding.quotes)
    return escape_text(finding.text) + "".join(f" {_marker(n, answer)}" for n in finding.citations)


OVERVIEW_KINDS = ("funding", "partner", "goal")
# "name" is the document's short name (`short_names`); headers come from ui_text.
OVERVIEW_COLUMNS = {
    "funding": ["name", "item", "funder", "recipient", "period", "quote"],
    "partner": ["name", "item", "role", "quote"],
    "goal": ["name", "section", "quote"],
}


# Column widths that keep the quote on screen beside the other columns.
OVERVIEW_WIDTHS = {
    "funding": ["15%", "13%", "17%", "14%", "11%", "30%"],
    "partner": ["18%", "22%", "12%", "48%"],
    "goal": ["18%", "22%", "60%"],
}


def overview_headers(kind: str, lang: str) -> list[str]:
    """The column headers of `kind`'s table in `lang`."""
    return ui_text(f"overview_columns_{kind}", lang).split("|")


def short_names(records: Sequence[DocumentRecord]) -> dict[str, str]:
    """source -> a short name for narrow tables: the publisher when it published only this
    document, otherwise the title cut to about 40 characters."""
    publishers = [r.publisher for r in records if r.publisher]
    names = {}
    for r in records:
        if r.publisher and publishers.count(r.publisher) == 1:
            names[r.source] = r.publisher
        else:
            names[r.source] = r.title if len(r.title) <= 40 else r.title[:39].rsplit(" ", 1)[0] + "…"
    return names


def distinct_rows(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The rows without repeats: one funding item per document, amount and funder (a title that
    repeats a body sentence's sum without a funder is the same item), one partner per document,
    one quote per document. The fuller row of two is kept, in the place of the first."""
    kept: list[dict[str, str]] = []
    for row in rows:
        same = next((i for i, k in enumerate(kept) if _same_item(k, row)), None)
        if same is None:
            kept.append(row)
        elif sum(map(bool, row.values())) > sum(map(bool, kept[same].values())):
            kept[same] = row
    return kept


def _same_item(a: dict[str, str], b: dict[str, str]) -> bool:
    if a["source"] != b["source"] or a["kind"] != b["kind"]:
        return False
    if a["kind"] == "funding":
        funders_agree = not a["funder"] or not b["funder"] or a["funder"] == b["funder"]
        return (a["amount"], a["currency"]) == (b["amount"], b["currency"]) and funders_agree
    if a["kind"] == "partner":
        return a["item"].casefold() == b["item"].casefold()
    return a["quote"] == b["quote"]


def overview_table(
    rows: Sequence[dict[str, str]], kind: str, names: dict[str, str] | None = None
) -> list[list[str]]:
    """The Overview tab's table: the columns that matter for `kind` (cells are shown as plain text)."""
    names = names or {}
    return [
        [names.get(row["source"], row["title"]) if c == "name" else row[c] for c in OVERVIEW_COLUMNS[kind]]
        for row in rows
    ]


def funding_chart(rows: Sequence[dict[str, str]], names: dict[str, str], lang: str) -> str:
    """Funding by document and funder as plain HTML bars (no script, no outside resource): the
    largest amount named for each pair, since a total and its parts must not be added up."""
    largest: dict[tuple[str, str], tuple[float, str]] = {}
    for row in rows:
        if row["kind"] != "funding" or not row["amount"]:
            continue
        key = (names.get(row["source"], row["title"]), row["funder"] or ui_text("funder_unnamed", lang))
        amount = float(row["amount"])
        if amount > largest.get(key, (0.0, ""))[0]:
            largest[key] = (amount, row["item"])
    if not largest:
        return ""
    top = max(amount for amount, _ in largest.values())
    bars = []
    for (document, funder), (amount, shown) in sorted(largest.items(), key=lambda kv: -kv[1][0]):
        width = max(1, round(100 * amount / top))
        bars.append(
            '<div class="bar-row">'
            f'<div class="bar-label">{escape_text(document)} · {escape_text(funder)}</div>'
            f'<div class="bar-track"><div class="bar" style="width: {width}%"></div></div>'
            f'<div class="bar-value">{escape_text(shown)}</div>'
            "</div>"
        )
    title = escape_text(ui_text("funding_chart", lang))
    return f'<div class="funding-chart"><div class="chart-title">{title}</div>{"".join(bars)}</div>'


def render_title(lang: str) -> str:
    """The page's one h1; its `lang` is the UI language, which app.js gives the whole page."""
    return f'<h1 class="page-title" lang="{lang}">{escape_text(ui_text("title", lang))}</h1>'


def render_examples(questions: Sequence[str], lang: str) -> str:
    """Example questions as plain buttons. The page's script puts a clicked one's text in the
    question box (the sanitizer drops data attributes) and sends it with the ordinary ask event,
    so examples need no server handler of their own."""
    label = escape_text(ui_text("examples", lang))
    buttons = "".join(
        f'<button type="button" class="example-question">{escape_text(q)}</button>' for q in questions
    )
    return f'<div class="examples" role="group"><span class="examples-label">{label}</span>{buttons}</div>'


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


def plain_answer(answer: Answer) -> str:
    """The answer as plain text, then each source as `[n] title (file): «quote»`: what a reader
    pastes into a mail or a report."""
    lines = [answer.text]
    if answer.notice:
        lines += ["", answer.notice]
    if answer.citations:
        lines.append("")
        for n in _citation_numbers(answer):
            cited = [c for c in answer.citations if c.n == n]
            quotes = " ".join(dict.fromkeys(f"«{c.quote}»" for c in cited))
            lines.append(f"[{n}] {cited[0].title} ({cited[0].source}): {quotes}")
    return "\n".join(lines)


def export_text(answer: Answer | None, lang: str) -> str:
    """The question, then the answer with its sources as plain text, for copying or saving."""
    if answer is None:
        return ""
    return f"{ui_text('question_label', lang)}: {answer.question}\n\n{plain_answer(answer)}"


_REPORT_STATUSES = ("added", "updated", "unchanged", "removed", "skipped")


def report_markdown(report: IngestReport, lang: str = "en") -> str:
    """A staff upload's or re-index's report in the UI language: the summary, then one line per
    file (a skipped file's reason comes from ingestion as it is)."""
    names = dict(zip(_REPORT_STATUSES, ui_text("report_status", lang).split("|"), strict=True))
    counts = ", ".join(f"{report.count(s)} {names[s]}" for s in _REPORT_STATUSES)
    summary = ui_text(
        "report_summary", lang, files=len(report.files), counts=counts,
        chunks=report.chunks_written, seconds=f"{report.seconds:.1f}",
    )  # fmt: skip
    lines = [escape_text(summary)]
    for f in report.files:
        status = names.get(f.status, f.status)
        mark = "✖" if f.status == "skipped" else "✔"
        detail = f"{status}: {f.reason}" if f.status == "skipped" else f"{status} ({f.chunks})"
        lines.append(f"{mark} {escape_text(f.source)} — {escape_text(detail)}")
    return "<br>".join(lines)


def document_choices(records: Sequence[DocumentRecord]) -> list[tuple[str, str]]:
    """(label, source) for the document filter: title and publisher, so municipalities show."""
    return [(f"{r.title} — {r.publisher}" if r.publisher else r.title, r.source) for r in records]
