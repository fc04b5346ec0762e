"""The passage index: Chroma (embedded or server) plus the BM25 index and sentence vectors derived from it.

Two collections: `<prefix>_passages` holds chunk text, metadata and vectors; `<prefix>_documents`
holds one record per document (cleaned text, title, language, content hash). The document record is
the commit point of an ingest: passages are written first, then the record, then stale passages of
older versions are deleted. Readers only trust passages whose version matches a committed record,
so a crash at any moment leaves every document either fully old, fully new, or absent, and
`repair()` sweeps the leftovers.

Writers go through `with store.writing(purpose):` (lock, repair, then bring BM25 and the sentence
vectors up to date; in server mode a lease in the server instead of the lock, see
vectorstore/lease.py); readers through `search`, `idf`, `sentence_vectors` and the document getters.
Dense search calls the Chroma collection directly, as every other read and write here does:
langchain_chroma's wrapper added nothing for a search by vector and named a cosine distance a
"relevance score". Record types are in vectorstore/records.py, the client in vectorstore/client.py.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

import numpy as np
from langchain_core.documents import Document

from vectorstore.client import collection_names, in_memory_client, make_client
from vectorstore.diskspace import disk_errors_explained
from vectorstore.errors import ModelMismatchError, StoreError
from vectorstore.index_embeddings import IndexEmbeddings
from vectorstore.lease import WriterLease, server_holder
from vectorstore.lexical import LexicalChanges, LexicalIndex, id_digest
from vectorstore.lock import writer_lock
from vectorstore.records import ChunkRecord, Collection, DocumentRecord, RecordPage, SearchHits, index_text
from vectorstore.sentence_collection import ChromaSentenceVectors, sentences_collection_name
from vectorstore.sentence_vectors import Sentence, SentenceCache, SentenceVectors, SpanVectors
from vectorstore.settings import StoreSettings

__all__ = [
    "ChunkRecord",
    "ChunkStore",
    "Collection",
    "DocumentRecord",
    "FaultHook",
    "ModelMismatchError",
    "RecordPage",
    "SearchHits",
    "StoreError",
    "WriteStep",
    "index_text",
]

_PAGE = 2000
# HNSW's search breadth. Chroma's default (100) lost the true nearest passage from the top 40 for
# 1 in 200 NorQuAD questions, and which one varied between processes; at 400 the top 10 came back
# complete for all 200 (`benchmarks/dense_recall.py`), for ~1 ms more per search.
SEARCH_EF = 400
_HNSW = {"space": "cosine", "ef_search": SEARCH_EF}

log = logging.getLogger(__name__)


def _ef_search(collection: Any) -> int | None:
    """A collection's HNSW search breadth as Chroma reports it (None if it reports none)."""
    value = ((collection.configuration_json or {}).get("hnsw") or {}).get("ef_search")
    return None if value is None else int(value)


# Steps of a document write, in order, where a test's `faults` hook may simulate a crash.
WriteStep = Literal["uncommitted", "passages_written", "committed"]
FaultHook = Callable[[WriteStep, str], None]


_P = ParamSpec("_P")
_R = TypeVar("_R")
_Method = Callable[Concatenate["ChunkStore", _P], _R]


def _reopening(method: _Method[_P, _R]) -> _Method[_P, _R]:
    """Retry once on reopened collections when an index import swapped ours away (see `adopt`):
    a running app keeps working after `index import --replace`, without a restart."""

    def wrapper(self: ChunkStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            from chromadb.errors import NotFoundError

            if not isinstance(exc, NotFoundError) or self._passages is None:
                raise
            self.reopen()
            return method(self, *args, **kwargs)

    functools.update_wrapper(wrapper, method)
    return wrapper


class ChunkStore:
    """Read and write passages and documents.

    >>> store = open_store()  # assistant/runtime.py: settings from the environment, the model
    >>> hits = store.search(5, vector=store.embeddings.embed_query("Hvem er partnere?"), text="partnere")
    >>> with store.writing("delete a.txt"):
    ...     store.delete_document("a.txt")

    `faults` is the test hook (a constructor argument or this public attribute): it is called at
    each `WriteStep` of a document write with the document's source, and raising there simulates
    a crash at that point (tests/fakes.py `crash_at`). None in production.
    """

    def __init__(
        self,
        settings: StoreSettings,
        embeddings: IndexEmbeddings,
        client: Any | None = None,
        faults: FaultHook | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.faults = faults
        self._client = client if client is not None else make_client(settings)
        # An embedded client keeps the vector index it loaded: another process's writes reach its
        # SQLite reads but not its dense search (and `get` with embeddings fails with "Error finding
        # id"), so a client we made is reopened when the index changed under it (see `refresh`).
        self._owns_client = client is None and not settings.chroma_host
        self._client_generation: int | None = None
        self._lock = threading.Lock()
        self._passages: Any = None
        self._documents: Any = None
        self._search_widened = False
        self._lexical: LexicalIndex | None = None
        self._committed: dict[str, str] | None = None
        self._seen_generation = -1
        self._wrote = False  # since the last finish_writes
        self._changes = LexicalChanges()
        self._sentences: SentenceVectors | ChromaSentenceVectors | None = None
        self._lease: WriterLease | None = None
        self._embedded = SentenceCache(embeddings.embed_documents)
        self._pinned = threading.local()  # `one_read`: the generation this thread's question reads

    @property
    def client(self) -> Any:
        """The Chroma client (vectorstore/backup.py stages an import beside this index on it)."""
        return self._client

    @classmethod
    def in_memory(cls, settings: StoreSettings, embeddings: IndexEmbeddings) -> ChunkStore:
        """A store on Chroma's in-memory client, for tests and throwaway demos (BM25 and sentence
        vectors still go to `settings.data_dir`). In-memory clients of one process share data, so
        give each store its own `collection_prefix`."""
        return cls(settings, embeddings, client=in_memory_client())

    # ---------------------------------------------------------------- collections and identity
    def _metadata(self, generation: int) -> dict[str, Any]:
        return {
            "embedding_model": self.embeddings.model_id,
            "embedding_dim": self.embeddings.dimension,
            "generation": generation,
        }

    def _collections(self, create: bool = False) -> tuple[Any, Any] | None:
        if self._passages is not None:
            if create:
                self._widen_search(self._passages, self._documents)
            return self._passages, self._documents
        prefix = self.settings.collection_prefix
        if f"{prefix}_passages" not in collection_names(self._client):
            if not create:
                return None
            for kind in ("passages", "documents"):
                self._client.get_or_create_collection(
                    f"{prefix}_{kind}",
                    metadata=self._metadata(0),
                    configuration={"hnsw": dict(_HNSW)},
                    embedding_function=None,
                )
        passages = self._client.get_collection(f"{prefix}_passages", embedding_function=None)
        documents = self._client.get_collection(f"{prefix}_documents", embedding_function=None)
        self._check_identity(passages.metadata or {})
        if create:
            self._widen_search(passages, documents)
        self._passages, self._documents = passages, documents
        return passages, documents

    def _widen_search(self, *collections: Any) -> None:
        """Give an index made by an earlier version (Chroma's default breadth) `SEARCH_EF`, once per
        process, on its first write; readers leave it as it is (they may be on a read-only copy)."""
        if self._search_widened:
            return
        for collection in collections:
            if (_ef_search(collection) or 0) < SEARCH_EF:
                collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
        self._search_widened = True

    def _check_identity(self, meta: dict[str, Any]) -> None:
        built_with = meta.get("embedding_model")
        if built_with and built_with != self.embeddings.model_id:
            raise ModelMismatchError(
                f"The index in {self.settings.data_dir} was built with the embedding model "
                f"'{built_with}' ({meta.get('embedding_dim')} dimensions), but this process uses "
                f"'{self.embeddings.model_id}'. Either set EMBEDDING_MODEL={built_with}, or rebuild "
                "the index with the new model: `strategy-assistant ingest --reindex PATH` (this drops "
                "the old index, so give it every folder you want indexed)."
            )

    def drop_if_other_model(self) -> bool:
        """Delete the index if another embedding model built it, so `ingest --reindex` can start over."""
        try:
            self._collections()
        except ModelMismatchError:
            self.drop()  # its sentence vectors too: they are the other model's
            return True
        return False

    def is_empty(self) -> bool:
        return self.count() == 0

    @_reopening
    def count(self) -> int:
        cols = self._collections()
        return 0 if cols is None else int(cols[0].count())

    def generation(self) -> int:
        pinned = self._pinned_generation()
        return pinned if pinned is not None else self._live_generation()

    def _pinned_generation(self) -> int | None:
        """The generation this thread's `one_read` pinned, or None outside one."""
        pinned: int | None = getattr(self._pinned, "generation", None)
        return pinned

    @contextlib.contextmanager
    def one_read(self) -> Iterator[None]:
        """Read one generation of the index throughout: checked once on entry, then not again by
        each read inside (an answer read it ~7 times, asking Chroma each time, ~1 ms a check), so
        one answer never mixes passages from before and after another process's write. Per
        thread; nested uses share the outer one; a write in this thread ends it."""
        if self._pinned_generation() is not None:
            yield
            return
        self.refresh()
        self._pinned.generation = self._seen_generation  # what `refresh` just read
        try:
            yield
        finally:
            self._pinned.generation = None

    def _live_generation(self) -> int:
        cols = self._collections()
        if cols is None:
            return 0
        live = self._client.get_collection(cols[0].name, embedding_function=None)
        if live.id != cols[0].id:
            # Replaced under us (an index import swapped collections in): reopen by name.
            self.reopen()
            return self._live_generation()
        return int((live.metadata or {}).get("generation", 0))

    def reopen(self) -> None:
        """Forget every cached view (collections, BM25, sentence vectors): the index was swapped."""
        with self._lock:
            self._passages = self._documents = None
            self._lexical = self._committed = None
            self._seen_generation = -1
            self._sentences = None
            self._embedded = SentenceCache(self.embeddings.embed_documents)

    def _bump_generation(self) -> None:
        cols = self._collections(create=True)
        assert cols is not None
        passages = cols[0]
        self._pinned.generation = None  # this thread now reads what it writes
        current = self._live_generation()
        if self._changes.base is None:
            self._changes.base = current
        passages.modify(metadata=self._metadata(current + 1))
        self._wrote = True
        if self._client_generation is not None:
            self._client_generation = current + 1  # our own write: our client holds it already

    # ---------------------------------------------------------------- the write protocol
    @contextlib.contextmanager
    def writing(self, purpose: str, *, repair: bool = True, drop_other_model: bool = False) -> Iterator[None]:
        """Hold the single-writer lock for a block of writes: `repair()` first, then, on leaving,
        bring BM25 and the sentence vectors up to date with what this block wrote.

        The lock is refused at once when another process holds it (`WriterBusyError`); a full disk
        surfaces as `DiskFullError`. On an error the derived indexes are still finished for the
        documents committed before it (each document is whole or absent); a crash leaves them to
        the next reader, which rebuilds what no longer matches Chroma. `drop_other_model` starts
        over when another embedding model built the index (`ingest --reindex`); `repair=False`
        only holds the lock (an export reads a stable index).
        """
        with self._admitted(purpose), disk_errors_explained(self.settings.data_dir, purpose):
            if drop_other_model:
                self.drop_if_other_model()
            if repair:
                self.repair()
                self._upload_local_sentences()
            try:
                yield
            except Exception:
                if self._wrote:
                    try:
                        self.finish_writes()
                    except Exception:
                        log.warning("could not bring the derived indexes up to date", exc_info=True)
                raise
            if self._wrote:
                self.finish_writes()

    @contextlib.contextmanager
    def _admitted(self, purpose: str) -> Iterator[None]:
        """The one place a writer is admitted: the file lock of the data directory (embedded), or
        the lease in the Chroma server that writers on every machine share (server mode)."""
        if not self.settings.chroma_host:
            with writer_lock(self.settings.data_dir, purpose=purpose):
                yield
            return
        # Loading the model imports torch and transformers, which holds the GIL for seconds on a
        # busy machine and would starve the thread that renews the lease: load it first.
        _ = self.embeddings.dimension
        s = self.settings
        lease = WriterLease(
            self._client,
            s.collection_prefix,
            f"the Chroma server {s.chroma_host}:{s.chroma_port} (collections {s.collection_prefix}_*)",
            server_holder(purpose, str(s.data_dir.resolve())),
            seconds=s.lease_seconds,
            settle=s.lease_settle_seconds,
        )
        with lease.held():
            self._lease = lease
            try:
                yield
            finally:
                self._lease = None

    def _upload_local_sentences(self) -> None:
        """Server mode, once after an upgrade: sentence vectors an earlier version kept in this
        machine's data directory move to the server, so no replica has to embed them."""
        local = self.settings.sentences_path
        if not self.settings.chroma_host or not local.is_dir():
            return
        found = SentenceVectors(local, self.embeddings.dimension).get(self.passage_ids())
        if found:
            log.info("moving the sentence vectors of %d passages from %s to the server", len(found), local)
            server = self._sentence_vectors()
            server.add((cid, list(rows), np.stack(list(rows.values()))) for cid, rows in found.items())
            server.flush()
        shutil.rmtree(local, ignore_errors=True)

    def _check_writer(self) -> None:
        """Stop a writer whose server lease was lost before it writes anything more."""
        if self._lease is not None:
            self._lease.check()

    def _fault(self, step: WriteStep, source: str) -> None:
        if self.faults is not None:
            self.faults(step, source)

    # ---------------------------------------------------------------- documents
    @_reopening
    def list_documents(self) -> list[DocumentRecord]:
        cols = self._collections()
        if cols is None:
            return []
        got = cols[1].get(include=["metadatas"])
        records = [DocumentRecord.from_metadata(meta) for meta in got["metadatas"] or []]
        return sorted(records, key=lambda r: r.source)

    @_reopening
    def get_document(self, source: str) -> DocumentRecord | None:
        cols = self._collections()
        if cols is None:
            return None
        got = cols[1].get(ids=[source], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        return DocumentRecord.from_metadata(got["metadatas"][0], got["documents"][0])

    def committed_versions(self) -> dict[str, str]:
        """source -> content hash of every committed document."""
        return {r.source: r.content_hash for r in self.list_documents()}

    @_reopening
    def write_document(
        self, record: DocumentRecord, chunks: Sequence[ChunkRecord], vectors: Sequence[Sequence[float]]
    ) -> None:
        """Store a document's chunks and commit it (see the module docstring for the order)."""
        self.write_documents([(record, chunks, vectors)])

    def write_documents(
        self, documents: Sequence[tuple[DocumentRecord, Sequence[ChunkRecord], Sequence[Sequence[float]]]]
    ) -> None:
        """Store several documents' chunks and commit them, in the order of `write_document`
        phase by phase: every passage is written before any of the documents' records, so a crash
        leaves each document whole or absent. One Chroma call per phase, not per document: on 200
        small files the per-document calls took 10 of an ingest's 66 seconds."""
        for record, chunks, vectors in documents:
            if len(chunks) != len(vectors):
                raise ValueError(f"one vector per chunk is required ({record.source})")
        if not documents:
            return
        self._check_writer()
        cols = self._collections(create=True)
        assert cols is not None
        passages, records = cols
        sentences = self._sentence_vectors()
        sentences.add(
            (c.chunk_id, c.sentence_spans, c.sentence_vectors)
            for _, chunks, _ in documents
            for c in chunks
            if c.sentence_spans and c.sentence_vectors is not None  # None: embedded when first asked
        )
        sources = [record.source for record, _, _ in documents]
        before: dict[str, set[str]] = {source: set() for source in sources}
        got = passages.get(where={"source": {"$in": sources}}, include=["metadatas"])
        for i, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            before[str((meta or {}).get("source"))].add(i)
        keep = {r.source: {c.chunk_id for c in chunks} for r, chunks, _ in documents}
        # Upserting an id the committed version also uses relabels that passage as the new
        # version; uncommit first so a crash leaves the document absent, never half present.
        reused = [source for source in sources if keep[source] & before[source]]
        if reused:
            records.delete(ids=reused)
            for source in reused:
                self._fault("uncommitted", source)
        ids, texts, metas, rows = [], [], [], []
        for record, chunks, vectors in documents:
            ids += [c.chunk_id for c in chunks]
            texts += [c.text for c in chunks]
            metas += [c.metadata(record) for c in chunks]
            rows += [np.asarray(v, dtype=np.float32) for v in vectors]
        if ids:
            _upsert(passages, RecordPage(ids, texts, metas, np.asarray(rows, dtype=np.float32)))
        for source in sources:
            self._fault("passages_written", source)
        means = [_mean_vector(vectors, self.embeddings.dimension) for _, _, vectors in documents]
        _upsert(
            records,
            RecordPage(
                sources,
                [record.text for record, _, _ in documents],
                [record.metadata() for record, _, _ in documents],
                np.asarray(means, dtype=np.float32),
            ),
        )
        for source in sources:
            self._fault("committed", source)
        stale = {source: sorted(before[source] - keep[source]) for source in sources}
        if any(stale.values()):
            passages.delete(ids=[i for ids in stale.values() for i in ids])
        self._bump_generation()
        for record, chunks, _ in documents:
            added = [(c.chunk_id, index_text(record.title, c.section, c.text), record.lang) for c in chunks]
            self._changes.note(added, stale[record.source])

    @_reopening
    def delete_document(self, source: str) -> bool:
        """Uncommit first, then remove the passages: a crash in between leaves only orphans."""
        self._check_writer()
        cols = self._collections()
        if cols is None or not cols[1].get(ids=[source], include=[])["ids"]:
            return False
        cols[1].delete(ids=[source])
        self._fault("uncommitted", source)
        ids = self._ids_where({"source": source})
        if ids:
            cols[0].delete(ids=ids)
        self._bump_generation()
        self._changes.note([], ids)
        return True

    def repair(self) -> int:
        """Delete passages that belong to no committed document version; return how many."""
        cols = self._collections()
        if cols is None:
            return 0
        committed = self.committed_versions()
        orphans = [
            chunk_id
            for got in self._pages("passages", ["metadatas"])
            for chunk_id, meta in zip(got["ids"], got["metadatas"], strict=True)
            if not _is_committed(meta, committed)
        ]
        for start in range(0, len(orphans), _PAGE):
            cols[0].delete(ids=orphans[start : start + _PAGE])
        if orphans:
            self._bump_generation()
            self._changes.note([], orphans)
        return len(orphans)

    # ---------------------------------------------------------------- passages
    def _ids_where(self, where: dict[str, Any]) -> list[str]:
        cols = self._collections()
        if cols is None:
            return []
        return list(cols[0].get(where=where, include=[])["ids"])

    @_reopening
    def passage_ids(self, sources: Sequence[str] | None = None) -> list[str]:
        """Ids of every stored passage, or of those from `sources` (no text or metadata read)."""
        if sources is not None:
            return self._ids_where({"source": {"$in": list(sources)}}) if sources else []
        return [i for got in self._pages("passages", [], _PAGE * 5) for i in got["ids"]]

    def _pages(self, collection: Collection, include: list[str], page: int = _PAGE) -> Iterator[Any]:
        """Every record of a collection, `page` at a time (what one `get` returns is capped)."""
        cols = self._collections()
        if cols is None:
            return
        target = cols[0] if collection == "passages" else cols[1]
        offset = 0
        while True:
            got = target.get(include=include, limit=page, offset=offset)
            if not got["ids"]:
                return
            yield got
            offset += len(got["ids"])

    def iter_passages(self) -> Iterator[Document]:
        """Every stored passage (committed or not), page by page."""
        for got in self._pages("passages", ["metadatas", "documents"]):
            for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield Document(id=chunk_id, page_content=text, metadata=dict(meta))

    @_reopening
    def get_passages(self, ids: Sequence[str]) -> list[Document]:
        cols = self._collections()
        if cols is None or not ids:
            return []
        got = cols[0].get(ids=list(ids), include=["metadatas", "documents"])
        by_id = {
            i: Document(id=i, page_content=t, metadata=dict(m))
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }
        committed = self._committed_map()
        return [by_id[i] for i in ids if i in by_id and _is_committed(by_id[i].metadata, committed)]

    @_reopening
    def passage_vectors(self, chunk_ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored dense vectors of these passages."""
        self.refresh()
        cols = self._collections()
        if cols is None or not chunk_ids:
            return {}
        got = cols[0].get(ids=list(chunk_ids), include=["embeddings"])
        return {i: [float(x) for x in v] for i, v in zip(got["ids"], got["embeddings"], strict=True)}

    def _sentence_vectors(self) -> SentenceVectors | ChromaSentenceVectors:
        """Local files next to an embedded index; a collection of the server in server mode, so
        a replica with an empty data directory has them too."""
        if self._sentences is None:
            if self.settings.chroma_host:
                self._sentences = ChromaSentenceVectors(
                    self._client,
                    self.settings.collection_prefix,
                    self.embeddings.model_id,
                    self.embeddings.dimension,
                )
            else:
                self._sentences = SentenceVectors(self.settings.sentences_path, self.embeddings.dimension)
        return self._sentences

    def sentence_vectors(
        self,
        ids: Sequence[str],
        embed_missing: Mapping[str, Sequence[Sentence]] | None = None,
        exact: Mapping[str, Sequence[Sentence]] | None = None,
    ) -> SpanVectors:
        """chunk id -> {sentence span: unit vector}, as embedded at ingest (passages without any
        are left out). `embed_missing` maps chunk ids to the sentences the caller needs: those
        without a stored vector (an older index, a crash before a flush) are embedded now, cached.
        `exact` names sentences whose own encoding is wanted even where a pooled (late-chunked)
        vector is stored: embedded now, cached."""
        found = self._embedded.fill(self._sentence_vectors().get(ids), embed_missing or {})
        return self._embedded.exact(found, exact) if exact else found

    def _committed_map(self) -> dict[str, str]:
        self.refresh()
        if self._committed is None:
            self._committed = self.committed_versions()
        return self._committed

    @_reopening
    def dense_search(
        self, query_vector: Sequence[float] | Any, k: int, sources: Sequence[str] | None = None
    ) -> list[tuple[Document, float]]:
        """Top-k committed passages by cosine similarity (1 = identical)."""
        self.refresh()
        cols = self._collections()
        if cols is None or k <= 0:
            return []
        where: Any = {"source": {"$in": list(sources)}} if sources else None
        got = cols[0].query(
            query_embeddings=[[float(x) for x in query_vector]],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        committed = self._committed_map()
        hits = zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True)
        return [
            (Document(id=i, page_content=text, metadata=dict(meta or {})), 1.0 - float(distance))
            for i, text, meta, distance in hits
            if text is not None and _is_committed(meta or {}, committed)
        ]

    def search(
        self,
        k: int,
        *,
        vector: Sequence[float] | np.ndarray | None = None,
        text: str | None = None,
        sources: Sequence[str] | None = None,
    ) -> SearchHits:
        """Top-k committed passages by cosine with `vector` and by BM25 for `text` (either may be
        left out), from `sources` only when given; the retriever fuses the two lists."""
        dense = self.dense_search(vector, k, sources) if vector is not None else []
        if text is None:
            return SearchHits(dense, [], ())
        index = self.lexical()
        allowed = set(self.passage_ids(sources)) if sources else None
        return SearchHits(dense, index.search(text, k, allowed), tuple(index.manifest.languages))

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """BM25's inverse document frequency of each analysed term, in the index of the last
        search (one answer weighs its words against one version of the index)."""
        index = self._lexical or self.lexical()
        return index.idf(terms)

    # ---------------------------------------------------------------- raw records (backup)
    @_reopening
    def collection_metadata(self) -> dict[str, Any]:
        """Metadata of the passages collection: model identity and generation ({} without an index)."""
        cols = self._collections()
        return {} if cols is None else dict(cols[0].metadata or {})

    @_reopening
    def search_breadth(self) -> int | None:
        """The passages' HNSW `ef_search` (None without an index): how exhaustively dense search looks."""
        cols = self._collections()
        return None if cols is None else _ef_search(cols[0])

    @_reopening
    def counts(self) -> dict[str, int]:
        cols = self._collections()
        if cols is None:
            return {"passages": 0, "documents": 0}
        return {"passages": int(cols[0].count()), "documents": int(cols[1].count())}

    def iter_records(self, collection: Collection, page: int = _PAGE) -> Iterator[RecordPage]:
        """Every record of a collection with its embedding, page by page."""
        for got in self._pages(collection, ["documents", "metadatas", "embeddings"], page):
            yield RecordPage(
                list(got["ids"]),
                list(got["documents"]),
                [dict(m) for m in got["metadatas"]],
                np.asarray(got["embeddings"], dtype=np.float32),
            )

    def put_records(self, collection: Collection, records: RecordPage) -> None:
        """Upsert raw records as they are (an import; ingest goes through `write_document`)."""
        self._check_writer()
        cols = self._collections(create=True)
        assert cols is not None
        _upsert(cols[0] if collection == "passages" else cols[1], records)
        self._wrote = True

    def set_generation(self, generation: int) -> None:
        cols = self._collections(create=True)
        assert cols is not None
        cols[0].modify(metadata=self._metadata(generation))
        self._changes.base = None  # the saved BM25 index no longer describes these records
        self._wrote = True

    def put_sentence_vectors(self, entries: Sequence[tuple[str, Sequence[tuple[int, int]], Any]]) -> None:
        """Queue sentence vectors (chunk id, spans, one row per span); `finish_writes` flushes them."""
        self._sentence_vectors().add(entries)
        self._wrote = True

    def drop(self) -> None:
        """Delete this store's collections and derived files (a failed staging, a replaced index)."""
        names = collection_names(self._client)
        prefix = self.settings.collection_prefix
        for name in (f"{prefix}_passages", f"{prefix}_documents", sentences_collection_name(prefix)):
            if name in names:
                self._client.delete_collection(name)
        for path in (self.settings.lexical_path, self.settings.sentences_path):
            shutil.rmtree(path, ignore_errors=True)
        self.reopen()

    # ---------------------------------------------------------------- lexical index
    def refresh(self) -> None:
        """Drop cached views when another process has written since we last looked (once per
        `one_read`)."""
        if self._pinned_generation() is not None:
            return
        generation = self._live_generation()
        if self._owns_client:
            if self._client_generation is None:
                self._client_generation = generation
            elif generation != self._client_generation:
                log.info("the index changed in another process (generation %s); reopening it", generation)
                self._client = make_client(self.settings)
                self.reopen()  # its sentence vectors too (this process wrote none)
                self._client_generation = generation
                generation = self._live_generation()
        if generation != self._seen_generation:
            with self._lock:
                self._lexical = None
                self._committed = None
                self._seen_generation = generation

    def lexical(self) -> LexicalIndex:
        """The BM25 index, loaded from disk, rebuilt when it does not match Chroma."""
        self.refresh()
        with self._lock:
            if self._lexical is not None:
                return self._lexical
            generation = self._seen_generation
            index = LexicalIndex.load(self.settings.lexical_path)
            if index is None or index.manifest.generation != generation or not self._matches(index):
                index = self.rebuild_lexical(generation)
            self._lexical = index
            return index

    def _matches(self, index: LexicalIndex, ids: Sequence[str] | None = None) -> bool:
        ids = self.passage_ids() if ids is None else ids
        return index.manifest.count == len(ids) and index.manifest.digest == id_digest(ids)

    def finish_writes(self) -> LexicalIndex:
        """Bring the derived indexes up to date after this process's writes (end of an ingest).

        Sentence vectors are flushed to disk. For BM25, when the saved index matched Chroma before
        the first write, only the changed passages are analysed and appended; otherwise (another
        writer, a crash, a missing index) it is rebuilt. Either way the result is checked against
        Chroma's ids before it is saved.
        """
        generation = self._live_generation()
        ids = self.passage_ids()
        self._sentence_vectors().flush(live_ids=set(ids))
        index = self._changes.applied(LexicalIndex.load(self.settings.lexical_path), generation)
        if index is None or not self._matches(index, ids):
            index = self.rebuild_lexical(generation)
        else:
            index.save(self.settings.lexical_path)
        self._changes, self._wrote = LexicalChanges(), False
        with self._lock:
            self._lexical, self._committed, self._seen_generation = index, None, generation
        return index

    def rebuild_lexical(self, generation: int | None = None) -> LexicalIndex:
        """Build the BM25 index from every passage in Chroma and save it."""
        entries = [_bm25_entry(doc) for doc in self.iter_passages()]
        index = LexicalIndex.build(entries, self._live_generation() if generation is None else generation)
        index.save(self.settings.lexical_path)
        return index


def _is_committed(meta: Mapping[str, Any], committed: dict[str, str]) -> bool:
    return committed.get(str(meta.get("source"))) == meta.get("doc_version")


def _bm25_entry(doc: Document) -> tuple[str, str, str]:
    """(chunk id, text, language) as BM25 indexes a stored passage."""
    title, section = str(doc.metadata.get("title", "")), str(doc.metadata.get("section", ""))
    return doc.id or "", index_text(title, section, doc.page_content), str(doc.metadata.get("lang", "nb"))


def _upsert(collection: Any, records: RecordPage) -> None:
    for start in range(0, len(records.ids), _PAGE):
        end = start + _PAGE
        collection.upsert(
            ids=records.ids[start:end],
            embeddings=records.embeddings[start:end],
            documents=records.documents[start:end],
            metadatas=records.metadatas[start:end],
        )


def _mean_vector(vectors: Sequence[Sequence[float]], dim: int) -> list[float]:
    if not vectors:
        return [0.0] * (dim - 1) + [1.0]
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean)) or 1.0
    return [float(x) for x in mean / norm]
