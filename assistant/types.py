"""The data the assistant returns: an answer, its citations and the passages behind them.

Plain dataclasses so the UI, the CLI and the evaluator all render the same thing, and `to_dict`
gives the JSON shape the CLI prints and the API returns.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.documents import Document

__all__ = ["Answer", "Citation", "DocumentFinding", "Passage", "Quote", "Reading", "SentenceCheck"]


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its place in the cleaned document and how it was found."""

    chunk_id: str
    source: str
    title: str
    lang: str
    text: str
    char_start: int
    char_end: int
    score: float
    section: str = ""
    publisher: str = ""
    dense_score: float | None = None
    lexical_score: float | None = None
    # Its sentence vectors were pooled from the passage's own forward pass (INGEST_SENTENCE_VECTORS
    # =late), not embedded one by one: answer composition re-embeds the likeliest few.
    pooled_sentences: bool = False

    @classmethod
    def from_document(
        cls, doc: Document, score: float, dense: float | None = None, lexical: float | None = None
    ) -> Passage:
        """A stored passage (a `Document` with the store's metadata) as retrieval found it."""
        meta: dict[str, Any] = doc.metadata
        return cls(
            chunk_id=doc.id or "",
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            lang=str(meta.get("lang", "")),
            text=doc.page_content,
            char_start=int(meta.get("char_start", 0)),
            char_end=int(meta.get("char_end", 0)),
            score=score,
            section=str(meta.get("section", "")),
            publisher=str(meta.get("publisher", "")),
            dense_score=dense,
            lexical_score=lexical,
            pooled_sentences=meta.get("sentence_vectors") == "pooled",
        )

    def to_document(self) -> Document:
        """The passage as langchain hands it on: text, and every citation field in metadata."""
        meta = {k: v for k, v in asdict(self).items() if k != "text" and v is not None}
        return Document(id=self.chunk_id, page_content=self.text, metadata=meta)


@dataclass(frozen=True)
class Citation:
    """A verbatim quote: `quote == passage.text[quote_start:quote_end]` for the cited passage.

    `char_start`/`char_end` locate the quote in the cleaned document.
    """

    n: int
    source: str
    title: str
    chunk_id: str
    quote: str
    quote_start: int
    quote_end: int
    char_start: int
    char_end: int
    score: float
    # The quote is a heading line (a slide's title, a section's name): a list shows it as the
    # lead-in of the items under it, not as one of them.
    heading: bool = False

    @classmethod
    def from_quote(
        cls, n: int, passage: Passage, start: int, end: int, score: float, heading: bool = False
    ) -> Citation:
        """Citation number `n` of `passage.text[start:end]`, located in the passage and the document."""
        return cls(
            n=n,
            source=passage.source,
            title=passage.title,
            chunk_id=passage.chunk_id,
            quote=passage.text[start:end],
            quote_start=start,
            quote_end=end,
            char_start=passage.char_start + start,
            char_end=passage.char_start + end,
            score=score,
            heading=heading,
        )


@dataclass(frozen=True)
class SentenceCheck:
    """One sentence of a generated answer and what verification found.

    `text` is what the reader sees (outside links, images and invalid [n] removed); `cited` are
    the valid passage numbers; `problems` name each failed check, e.g. "citation_out_of_range",
    "no_citation", "unsupported", "number_not_in_source", "link_removed".
    """

    text: str
    cited: list[int]
    supported: bool
    support: float = 0.0
    problems: list[str] = field(default_factory=list)
    citations_written: int = 0
    # As the answer shows it: `text`, flagged when unsupported; "" when it was removed.
    shown: str = ""


@dataclass(frozen=True)
class Reading:
    """A sentence of a passage that answers a question (`passage.text[start:end]`) and how well."""

    passage: Passage
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Quote:
    """A verbatim quote in an answer and the number of its citation."""

    text: str
    n: int


@dataclass(frozen=True)
class DocumentFinding:
    """One document's line in an answer built over the whole corpus ("which documents mention X",
    "list all partners", "compare A and B on X"): `citations` are numbers into `Answer.citations`;
    `mentioned` False puts the document under "not mentioned in". A line of quotes (a comparison,
    a mention) has them in `quotes`, each with its own number, and `text` is their words."""

    source: str
    title: str
    mentioned: bool
    text: str = ""
    citations: list[int] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    lang: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    retrieval_query: str = ""
    notice: str = ""
    # Score of the best answer sentence; abstention happens below the calibrated threshold.
    evidence: float = 0.0
    # Written by the configured language model (citations number the prompt's passages) and
    # checked sentence by sentence; False for the extractive answer, also when it is a fallback.
    generated: bool = False
    sentences: list[SentenceCheck] = field(default_factory=list)
    # Set for questions about the whole corpus: "mentions", "partners" or "compare", one finding
    # per document (a comparison renders side by side).
    corpus_kind: str = ""
    per_document: list[DocumentFinding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def passage(self, chunk_id: str) -> Passage | None:
        return next((p for p in self.passages if p.chunk_id == chunk_id), None)
