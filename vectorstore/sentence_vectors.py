"""Sentence vectors, stored next to the index in append-only files and read through memory maps.

Answer composition compares the question with every quotable sentence of the top passages.
Embedding those sentences per question cost ~650 ms on two cores, so ingest embeds them once.
They are not kept in Chroma: as metadata strings SQLite indexes them too, ~50 KB a passage (5 GB
at 100k passages). Here they take 768 bytes a sentence (float16) and only the rows a question
touches are paged in. In server mode the same entries live in the server instead, so every
machine has them (vectorstore/sentence_collection.py, same API).

Entries are keyed by chunk id, and a chunk id is a hash of the chunk's source, position and
text, so an entry can never be wrong for the passage it names: no commit protocol is needed.
Entries of deleted passages are garbage, dropped when segments are merged; a passage without an
entry (an older index, a crash before a flush) simply has its
sentences embedded when a question needs them: `SentenceCache` keeps those, and
`ChunkStore.sentence_vectors(ids, embed_missing=...)` is the one place that asks for either.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from vectorstore.files import replacing

__all__ = ["Sentence", "SentenceCache", "SentenceVectors", "SentenceVectorsFn", "Span", "SpanVectors"]

_FILES = ("ids", "offsets", "spans", "vectors")
_MAX_SEGMENTS = 8
_FLUSH_ROWS = 4096

Entry = tuple[str, Sequence[tuple[int, int]], Any]  # chunk id, spans, one vector row per span
Span = tuple[int, int]
SpanVectors = dict[str, dict[Span, np.ndarray]]  # chunk id -> {sentence span: unit vector}


class Sentence(Protocol):
    """A quotable sentence of a passage (ingest.chunking.AnswerSentence is one)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def embed_text(self) -> str: ...


class SentenceVectorsFn(Protocol):
    """`ChunkStore.sentence_vectors`, as answer composition and verification take it (tests pass a
    fake): stored vectors of `ids`, plus the `embed_missing` sentences that have none, embedded."""

    def __call__(
        self,
        ids: Sequence[str],
        embed_missing: Mapping[str, Sequence[Sentence]] | None = None,
        exact: Mapping[str, Sequence[Sentence]] | None = None,
    ) -> SpanVectors: ...


class SentenceCache:
    """Sentences embedded at question time because no stored vector exists, most recent kept: the
    same passages come back for related questions."""

    def __init__(self, embed: Callable[[list[str]], list[list[float]]], size: int = 20000) -> None:
        self._embed = embed
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One vector per text, in order; the distinct new texts are embedded in one batch."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                vector = self._vectors.get(text)
                if vector is not None:
                    found[text] = vector
                    self._vectors.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            for text, embedded in zip(missing, self._embed(missing), strict=True):
                found[text] = np.asarray(embedded, dtype=np.float32)
            with self._lock:
                self._vectors.update((t, found[t]) for t in missing)
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        return [found[t] for t in texts]

    def fill(self, found: SpanVectors, wanted: Mapping[str, Sequence[Sentence]]) -> SpanVectors:
        """`found` (stored vectors) completed with the `wanted` sentences it lacks, embedded."""
        missing = [
            (chunk_id, s)
            for chunk_id, sentences in wanted.items()
            for s in sentences
            if (s.start, s.end) not in found.get(chunk_id, {})
        ]
        if missing:
            vectors = self.vectors([s.embed_text for _, s in missing])
            for (chunk_id, s), vector in zip(missing, vectors, strict=True):
                found.setdefault(chunk_id, {})[(s.start, s.end)] = vector
        return found

    def exact(self, found: SpanVectors, wanted: Mapping[str, Sequence[Sentence]]) -> SpanVectors:
        """`found` with the `wanted` sentences' vectors replaced by their own encoding (not a
        pooled one); the stored mappings are copied, never changed."""
        pairs = [(chunk_id, s) for chunk_id, sentences in wanted.items() for s in sentences]
        if not pairs:
            return found
        out = {chunk_id: dict(vectors) for chunk_id, vectors in found.items()}
        for (chunk_id, s), vector in zip(pairs, self.vectors([s.embed_text for _, s in pairs]), strict=True):
            out.setdefault(chunk_id, {})[(s.start, s.end)] = vector
        return out


class SentenceVectors:
    """chunk id -> {sentence span: unit vector}.

    >>> vectors = SentenceVectors(Path("data/sentences"), dimension=384)
    >>> vectors.add([("c1", [(0, 42)], np.ones((1, 384)))]); vectors.flush()
    """

    def __init__(self, directory: Path, dimension: int) -> None:
        self.directory = directory
        self.dimension = dimension
        self._pending: list[Entry] = []
        self._lock = threading.Lock()
        self._segments: dict[str, dict[str, Any]] = {}
        self._where: dict[str, tuple[str, int]] = {}  # chunk id -> (segment, row)

    # ---------------------------------------------------------------- writing
    def add(self, entries: Iterable[Entry]) -> None:
        """Queue entries; they reach the disk at the next `flush`, or once enough are queued
        (so a crash costs at most that many sentences, which are then embedded when asked)."""
        self._pending.extend(e for e in entries if len(e[1]))
        if sum(len(spans) for _, spans, _ in self._pending) >= _FLUSH_ROWS:
            self.flush()

    def flush(self, live_ids: set[str] | None = None) -> None:
        """Write queued entries as a new segment; merge segments when there are many.

        `live_ids`, when given, lets the merge drop entries of passages that no longer exist.
        """
        if self._pending:
            _write_segment(self.directory, self._pending, self.dimension)
            self._pending = []
        names = _segment_names(self.directory)
        if len(names) > _MAX_SEGMENTS and live_ids is not None:
            self._merge(names, live_ids)

    def _merge(self, names: list[str], live_ids: set[str]) -> None:
        self._reload()
        entries: list[Entry] = []
        for chunk_id, (name, row) in self._where.items():
            if chunk_id in live_ids:
                seg = self._segments[name]
                start, end = int(seg["offsets"][row]), int(seg["offsets"][row + 1])
                spans = [(int(a), int(b)) for a, b in seg["spans"][start:end]]
                entries.append((chunk_id, spans, np.asarray(seg["vectors"][start:end])))
        _write_segment(self.directory, entries, self.dimension)
        for name in names:
            shutil.rmtree(self.directory / name, ignore_errors=True)
        with self._lock:
            self._segments, self._where = {}, {}

    # ---------------------------------------------------------------- reading
    def _reload(self) -> None:
        names = _segment_names(self.directory)
        with self._lock:
            if sorted(self._segments) == names:
                return
            segments: dict[str, dict[str, Any]] = {}
            where: dict[str, tuple[str, int]] = {}
            for name in names:  # oldest first, so a newer entry for the same id wins
                try:
                    seg = {f: np.load(self.directory / name / f"{f}.npy", mmap_mode="r") for f in _FILES}
                except (OSError, ValueError):
                    continue  # half-deleted by a concurrent merge: its entries are elsewhere
                segments[name] = seg
                where.update((str(chunk_id), (name, row)) for row, chunk_id in enumerate(seg["ids"]))
            self._segments, self._where = segments, where

    def get(self, chunk_ids: Sequence[str]) -> dict[str, dict[tuple[int, int], np.ndarray]]:
        """Stored sentence vectors of these passages (passages without any are left out)."""
        if not chunk_ids:
            return {}
        if any(c not in self._where for c in chunk_ids):
            self._reload()
        out: dict[str, dict[tuple[int, int], np.ndarray]] = {}
        for chunk_id in chunk_ids:
            found = self._where.get(chunk_id)
            if found is None or found[0] not in self._segments:
                continue
            seg = self._segments[found[0]]
            start, end = int(seg["offsets"][found[1]]), int(seg["offsets"][found[1] + 1])
            rows = np.asarray(seg["vectors"][start:end], dtype=np.float32)
            rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
            spans = seg["spans"][start:end]
            out[chunk_id] = {(int(a), int(b)): row for (a, b), row in zip(spans, rows, strict=True)}
        return out


def _segment_names(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted(p.name for p in directory.iterdir() if p.is_dir() and not p.name.startswith("."))


def _write_segment(directory: Path, entries: Sequence[Entry], dimension: int) -> None:
    """Write a segment folder under a hidden name, then rename it: readers see all or nothing."""
    directory.mkdir(parents=True, exist_ok=True)
    offsets = np.cumsum([0, *(len(spans) for _, spans, _ in entries)])
    arrays = {
        "ids": np.asarray([chunk_id for chunk_id, _, _ in entries], dtype=str),
        "offsets": offsets.astype(np.int64),
        "spans": np.asarray([s for _, spans, _ in entries for s in spans], dtype=np.int32).reshape(-1, 2),
        "vectors": np.concatenate(
            [np.asarray(v, dtype=np.float16).reshape(len(spans), dimension) for _, spans, v in entries]
        )
        if entries
        else np.zeros((0, dimension), dtype=np.float16),
    }
    # Names sort by time, so a later segment's entry for an id wins over an earlier one.
    with replacing(directory / f"{_timestamp()}-{uuid.uuid4().hex[:8]}", directory=True) as tmp:
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", array)


def _timestamp() -> str:
    import time

    return f"{time.time_ns():020d}"
