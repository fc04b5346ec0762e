"""The shapes that go into the index and come out of it: documents, chunks, record pages, hits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from langchain_core.documents import Document

__all__ = ["ChunkRecord", "Collection", "DocumentRecord", "RecordPage", "SearchHits", "index_text"]

Collection = Literal["passages", "documents"]


@dataclass(frozen=True)
class DocumentRecord:
    """One ingested document, as the UI lists it and the viewer shows it."""

    source: str
    title: str
    lang: str
    content_hash: str
    file_format: str
    n_chunks: int
    ingested_at: str
    root: str = ""
    publisher: str = ""
    text: str = ""
    # Funding, partners and goals extracted at ingest, as JSON (ingest/extract.py); stored on the
    # record so every reader, embedded or server, sees the same items with spans into `text`.
    extracted: str = ""

    @classmethod
    def from_metadata(cls, meta: dict[str, Any], text: str | None = None) -> DocumentRecord:
        """The record as stored: Chroma metadata (everything but the text) plus the document text."""
        values = {k: v for k, v in meta.items() if k in cls.__dataclass_fields__ and k != "text"}
        return cls(**values, text=text or "")

    def metadata(self) -> dict[str, Any]:
        """What Chroma stores beside the text (which is the record's document)."""
        return {k: v for k, v in asdict(self).items() if k != "text"}


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk ready to store: its text is document.text[char_start:char_end]."""

    chunk_id: str
    text: str
    position: int
    char_start: int
    char_end: int
    section: str
    extra: dict[str, str] = field(default_factory=dict)
    sentence_spans: tuple[tuple[int, int], ...] = ()
    sentence_vectors: Any = None  # one row per span; see vectorstore/sentence_vectors.py

    def metadata(self, document: DocumentRecord) -> dict[str, Any]:
        """What Chroma stores with the passage: its document's version and its place in the text."""
        return {
            "source": document.source,
            "title": document.title,
            "lang": document.lang,
            "publisher": document.publisher,
            "doc_version": document.content_hash,
            "section": self.section,
            "position": self.position,
            "char_start": self.char_start,
            "char_end": self.char_end,
            **self.extra,
        }


@dataclass(frozen=True)
class RecordPage:
    """Raw records of one collection, as exported and imported (embeddings: float32, one row per id)."""

    ids: list[str]
    documents: list[str]
    metadatas: list[dict[str, Any]]
    embeddings: np.ndarray


@dataclass(frozen=True)
class SearchHits:
    """Both halves of hybrid retrieval, for the retriever to fuse."""

    dense: list[tuple[Document, float]]  # committed passages, cosine similarity (1 = identical)
    lexical: list[tuple[str, float]]  # chunk id, BM25 score
    languages: tuple[str, ...]  # languages of the indexed passages (BM25 stems with each)


def index_text(title: str, section: str, text: str) -> str:
    """What gets embedded and BM25-indexed: the passage with its document title and section."""
    head = " — ".join(p for p in (title, section) if p and p not in text[: len(p) + 40])
    return f"{head}\n{text}" if head else text
