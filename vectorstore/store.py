"""The passage index: Chroma (embedded or server) plus the BM25 index derived from it.

Two collections: `<prefix>_passages` holds chunk text, metadata and vectors; `<prefix>_documents`
holds one record per document (cleaned text, title, language, content hash). The document record is
the commit point of an ingest: passages are written first, then the record, then stale passages of
older versions are deleted. Readers only trust passages whose version matches a committed record,
so a crash at any moment leaves every document either fully old, fully new, or absent, and
`repair()` sweeps the leftovers.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

import numpy as np
from langchain_core.documents import Document

from vectorstore.embeddings import IndexEmbeddings
from vectorstore.lexical import LexicalIndex, id_digest
from vectorstore.sentence_vectors import SentenceVectors
from vectorstore.settings import StoreSettings

__all__ = [
    "ChunkRecord",
    "ChunkStore",
    "DocumentRecord",
    "ModelMismatchError",
    "RecordPage",
    "StoreError",
    "check_server_version",
    "index_text",
    "warn_if_exposed",
]

_PAGE = 2000
# The Rust server of every chromadb 1.x reports this fixed version (chroma-core/chroma#4849).
_RUST_SERVER_VERSION = "1.0.0"

log = logging.getLogger(__name__)

Collection = Literal["passages", "documents"]


class StoreError(RuntimeError):
    """The index cannot be used as asked; the message says what to do."""


class ModelMismatchError(StoreError):
    """The index was built with another embedding model."""


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


@dataclass(frozen=True)
class RecordPage:
    """Raw records of one collection, as exported and imported (embeddings: float32, one row per id)."""

    ids: list[str]
    documents: list[str]
    metadatas: list[dict[str, Any]]
    embeddings: np.ndarray


def index_text(title: str, section: str, text: str) -> str:
    """What gets embedded and BM25-indexed: the passage with its document title and section."""
    head = " — ".join(p for p in (title, section) if p and p not in text[: len(p) + 40])
    return f"{head}\n{text}" if head else text


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
            self._forget_collections()
            return method(self, *args, **kwargs)

    functools.update_wrapper(wrapper, method)
    return wrapper


class ChunkStore:
    """Read and write passages and documents.

    >>> store = ChunkStore(StoreSettings(), load_embeddings(StoreSettings()))
    >>> hits = store.dense_search(store.embeddings.embed_query("Hvem er partnere?"), k=5)
    """

    def __init__(
        self,
        settings: StoreSettings,
        embeddings: IndexEmbeddings,
        client: Any | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self._client = client if client is not None else _make_client(settings)
        # An embedded client keeps the vector index it loaded: another process's writes reach its
        # SQLite reads but not its dense search (and `get` with embeddings fails with "Error finding
        # id"), so a client we made is reopened when the index changed under it (see `refresh`).
        self._owns_client = client is None and not settings.chroma_host
        self._client_generation: int | None = None
        self._lock = threading.Lock()
        self._passages: Any = None
        self._documents: Any = None
        self._lexical: LexicalIndex | None = None
        self._committed: dict[str, str] | None = None
        self._seen_generation = -1
        self._langchain: Any = None
        # BM25 changes made by this process since the saved index was last in sync (see finish_writes).
        self._lexical_added: dict[str, tuple[str, str, str]] = {}
        self._lexical_removed: set[str] = set()
        self._lexical_base: int | None = None
        self._sentences: SentenceVectors | None = None

    @classmethod
    def in_memory(cls, settings: StoreSettings, embeddings: IndexEmbeddings) -> ChunkStore:
        """A store on Chroma's in-memory client, for tests and throwaway demos (BM25 and sentence
        vectors still go to `settings.data_dir`). In-memory clients of one process share data, so
        give each store its own `collection_prefix`."""
        import chromadb
        from chromadb.config import Settings

        return cls(
            settings, embeddings, client=chromadb.EphemeralClient(Settings(anonymized_telemetry=False))
        )

    # ---------------------------------------------------------------- collections and identity
    def _metadata(self, generation: int) -> dict[str, Any]:
        return {
            "embedding_model": self.embeddings.model_id,
            "embedding_dim": self.embeddings.dimension,
            "generation": generation,
        }

    def _collections(self, create: bool = False) -> tuple[Any, Any] | None:
        if self._passages is not None:
            return self._passages, self._documents
        prefix = self.settings.collection_prefix
        names = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
        if f"{prefix}_passages" not in names:
            if not create:
                return None
            config = {"hnsw": {"space": "cosine"}}
            self._client.get_or_create_collection(
                f"{prefix}_passages",
                metadata=self._metadata(0),
                configuration=config,
                embedding_function=None,
            )
            self._client.get_or_create_collection(
                f"{prefix}_documents",
                metadata=self._metadata(0),
                configuration=config,
                embedding_function=None,
            )
        passages = self._client.get_collection(f"{prefix}_passages", embedding_function=None)
        documents = self._client.get_collection(f"{prefix}_documents", embedding_function=None)
        self._check_identity(passages.metadata or {})
        self._passages, self._documents = passages, documents
        return passages, documents

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
            prefix = self.settings.collection_prefix
            for name in (f"{prefix}_passages", f"{prefix}_documents"):
                self._client.delete_collection(name)
            shutil.rmtree(self.settings.lexical_path, ignore_errors=True)
            self._passages = self._documents = self._langchain = None
            self._lexical = self._committed = None
            return True
        return False

    def is_empty(self) -> bool:
        return self.count() == 0

    @_reopening
    def count(self) -> int:
        cols = self._collections()
        return 0 if cols is None else int(cols[0].count())

    def generation(self) -> int:
        cols = self._collections()
        if cols is None:
            return 0
        live = self._client.get_collection(cols[0].name, embedding_function=None)
        if live.id != cols[0].id:
            # Replaced under us (an index import swapped collections in): reopen by name.
            self._forget_collections()
            return self.generation()
        return int((live.metadata or {}).get("generation", 0))

    def _forget_collections(self) -> None:
        with self._lock:
            self._passages = self._documents = self._langchain = None
            self._lexical = self._committed = None
            self._seen_generation = -1

    def _bump_generation(self) -> None:
        cols = self._collections(create=True)
        assert cols is not None
        passages = cols[0]
        current = self.generation()
        if self._lexical_base is None:
            self._lexical_base = current
        passages.modify(metadata=self._metadata(current + 1))
        if self._client_generation is not None:
            self._client_generation = current + 1  # our own write: our client holds it already

    def _note_lexical(self, added: Sequence[tuple[str, str, str]], removed: Sequence[str]) -> None:
        for chunk_id in removed:
            self._lexical_added.pop(chunk_id, None)
            self._lexical_removed.add(chunk_id)
        for triple in added:
            self._lexical_added[triple[0]] = triple

    # ---------------------------------------------------------------- documents
    @_reopening
    def list_documents(self) -> list[DocumentRecord]:
        cols = self._collections()
        if cols is None:
            return []
        got = cols[1].get(include=["metadatas"])
        records = [_record(meta) for meta in got["metadatas"] or []]
        return sorted(records, key=lambda r: r.source)

    @_reopening
    def get_document(self, source: str) -> DocumentRecord | None:
        cols = self._collections()
        if cols is None:
            return None
        got = cols[1].get(ids=[source], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        return _record(got["metadatas"][0], got["documents"][0])

    def committed_versions(self) -> dict[str, str]:
        """source -> content hash of every committed document."""
        return {r.source: r.content_hash for r in self.list_documents()}

    @_reopening
    def write_document(
        self, record: DocumentRecord, chunks: Sequence[ChunkRecord], vectors: Sequence[Sequence[float]]
    ) -> None:
        """Store a document's chunks and commit it (see the module docstring for the order)."""
        if len(chunks) != len(vectors):
            raise ValueError("one vector per chunk is required")
        cols = self._collections(create=True)
        assert cols is not None
        passages, documents = cols
        metas = [
            {
                "source": record.source,
                "title": record.title,
                "lang": record.lang,
                "publisher": record.publisher,
                "doc_version": record.content_hash,
                "section": c.section,
                "position": c.position,
                "char_start": c.char_start,
                "char_end": c.char_end,
                **c.extra,
            }
            for c in chunks
        ]
        sentences = self._sentence_vectors()
        sentences.add((c.chunk_id, c.sentence_spans, c.sentence_vectors) for c in chunks if c.sentence_spans)
        keep = {c.chunk_id for c in chunks}
        if keep.intersection(self._ids_where({"source": record.source})):
            # Upserting an id the committed version also uses relabels that passage as the new
            # version; uncommit first so a crash leaves the document absent, never half present.
            documents.delete(ids=[record.source])
        for start in range(0, len(chunks), _PAGE):
            end = start + _PAGE
            passages.upsert(
                ids=[c.chunk_id for c in chunks[start:end]],
                embeddings=[list(v) for v in vectors[start:end]],
                documents=[c.text for c in chunks[start:end]],
                metadatas=metas[start:end],
            )
        doc_meta = {k: v for k, v in asdict(record).items() if k != "text"}
        documents.upsert(
            ids=[record.source],
            embeddings=[_mean_vector(vectors, self.embeddings.dimension)],
            documents=[record.text],
            metadatas=[doc_meta],
        )
        stale = [i for i in self._ids_where({"source": record.source}) if i not in keep]
        if stale:
            passages.delete(ids=stale)
        self._bump_generation()
        added = [(c.chunk_id, index_text(record.title, c.section, c.text), record.lang) for c in chunks]
        self._note_lexical(added, stale)

    @_reopening
    def delete_document(self, source: str) -> bool:
        """Uncommit first, then remove the passages: a crash in between leaves only orphans."""
        cols = self._collections()
        if cols is None or not cols[1].get(ids=[source], include=[])["ids"]:
            return False
        cols[1].delete(ids=[source])
        ids = self._ids_where({"source": source})
        if ids:
            cols[0].delete(ids=ids)
        self._bump_generation()
        self._note_lexical([], ids)
        return True

    def repair(self) -> int:
        """Delete passages that belong to no committed document version; return how many."""
        cols = self._collections()
        if cols is None:
            return 0
        committed = self.committed_versions()
        orphans: list[str] = []
        for chunk_id, meta in self._iter_meta():
            if committed.get(str(meta.get("source"))) != meta.get("doc_version"):
                orphans.append(chunk_id)
        for start in range(0, len(orphans), _PAGE):
            cols[0].delete(ids=orphans[start : start + _PAGE])
        if orphans:
            self._bump_generation()
            self._note_lexical([], orphans)
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
        cols = self._collections()
        ids: list[str] = []
        while cols is not None:
            got = cols[0].get(include=[], limit=_PAGE * 5, offset=len(ids))["ids"]
            if not got:
                break
            ids.extend(got)
        return ids

    def _iter_meta(self) -> Iterator[tuple[str, dict[str, Any]]]:
        cols = self._collections()
        if cols is None:
            return
        offset = 0
        while True:
            got = cols[0].get(include=["metadatas"], limit=_PAGE, offset=offset)
            if not got["ids"]:
                return
            yield from zip(got["ids"], got["metadatas"], strict=True)
            offset += len(got["ids"])

    def iter_passages(self) -> Iterator[Document]:
        """Every stored passage (committed or not), page by page."""
        cols = self._collections()
        if cols is None:
            return
        offset = 0
        while True:
            got = cols[0].get(include=["metadatas", "documents"], limit=_PAGE, offset=offset)
            if not got["ids"]:
                return
            for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield Document(id=chunk_id, page_content=text, metadata=dict(meta))
            offset += len(got["ids"])

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
        return [by_id[i] for i in ids if i in by_id and _is_committed(by_id[i], committed)]

    @_reopening
    def passage_vectors(self, chunk_ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored dense vectors of these passages."""
        self.refresh()
        cols = self._collections()
        if cols is None or not chunk_ids:
            return {}
        got = cols[0].get(ids=list(chunk_ids), include=["embeddings"])
        return {i: [float(x) for x in v] for i, v in zip(got["ids"], got["embeddings"], strict=True)}

    def _sentence_vectors(self) -> SentenceVectors:
        if self._sentences is None:
            self._sentences = SentenceVectors(self.settings.sentences_path, self.embeddings.dimension)
        return self._sentences

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, dict[tuple[int, int], Any]]:
        """chunk id -> {sentence span: unit vector} embedded at ingest (missing ones left out)."""
        return self._sentence_vectors().get(chunk_ids)

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
        if self._langchain is None:
            from langchain_chroma import Chroma

            self._langchain = Chroma(
                client=self._client,
                collection_name=cols[0].name,
                embedding_function=self.embeddings,
                create_collection_if_not_exists=False,
            )
        where: Any = {"source": {"$in": list(sources)}} if sources else None
        # Despite its name this returns the cosine *distance* for a cosine collection.
        hits = self._langchain.similarity_search_by_vector_with_relevance_scores(
            [float(x) for x in query_vector], k=k, filter=where
        )
        committed = self._committed_map()
        return [(doc, 1.0 - float(distance)) for doc, distance in hits if _is_committed(doc, committed)]

    # ---------------------------------------------------------------- raw records (backup)
    @_reopening
    def collection_metadata(self) -> dict[str, Any]:
        """Metadata of the passages collection: model identity and generation ({} without an index)."""
        cols = self._collections()
        return {} if cols is None else dict(cols[0].metadata or {})

    @_reopening
    def counts(self) -> dict[str, int]:
        cols = self._collections()
        if cols is None:
            return {"passages": 0, "documents": 0}
        return {"passages": int(cols[0].count()), "documents": int(cols[1].count())}

    def iter_records(self, collection: Collection, page: int = _PAGE) -> Iterator[RecordPage]:
        """Every record of a collection with its embedding, page by page."""
        cols = self._collections()
        if cols is None:
            return
        target = cols[0] if collection == "passages" else cols[1]
        offset = 0
        while True:
            got = target.get(include=["documents", "metadatas", "embeddings"], limit=page, offset=offset)
            if not got["ids"]:
                return
            yield RecordPage(
                list(got["ids"]),
                list(got["documents"]),
                [dict(m) for m in got["metadatas"]],
                np.asarray(got["embeddings"], dtype=np.float32),
            )
            offset += len(got["ids"])

    def put_records(self, collection: Collection, records: RecordPage) -> None:
        """Upsert raw records as they are (an import; ingest goes through `write_document`)."""
        cols = self._collections(create=True)
        assert cols is not None
        target = cols[0] if collection == "passages" else cols[1]
        for start in range(0, len(records.ids), _PAGE):
            end = start + _PAGE
            target.upsert(
                ids=records.ids[start:end],
                embeddings=records.embeddings[start:end],
                documents=records.documents[start:end],
                metadatas=records.metadatas[start:end],
            )

    def set_generation(self, generation: int) -> None:
        cols = self._collections(create=True)
        assert cols is not None
        cols[0].modify(metadata=self._metadata(generation))
        self._lexical_base = None  # the saved BM25 index no longer describes these records

    def put_sentence_vectors(self, entries: Sequence[tuple[str, Sequence[tuple[int, int]], Any]]) -> None:
        """Queue sentence vectors (chunk id, spans, one row per span); `finish_writes` flushes them."""
        self._sentence_vectors().add(entries)

    def staging(self, name: str) -> ChunkStore:
        """An empty sibling store on the same Chroma, under other collection names and a hidden folder
        of the data directory: an import is built and verified there before `adopt` swaps it in."""
        settings = self.settings.model_copy(
            update={
                "collection_prefix": f"{self.settings.collection_prefix}_{name}",
                "data_dir": self.settings.data_dir / f".{name}",
            }
        )
        return ChunkStore(settings, self.embeddings, client=self._client)

    def drop(self) -> None:
        """Delete this store's collections and derived files (a failed staging, a replaced index)."""
        names = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
        prefix = self.settings.collection_prefix
        for name in (f"{prefix}_passages", f"{prefix}_documents"):
            if name in names:
                self._client.delete_collection(name)
        for path in (self.settings.lexical_path, self.settings.sentences_path):
            shutil.rmtree(path, ignore_errors=True)
        self._forget_collections()

    def adopt(self, staged: ChunkStore) -> None:
        """Make a staged store this store's index, replacing whatever was here.

        The old collections are renamed away before the staged ones take their names, so at every
        step one whole index exists under some name; they are deleted only after the swap.
        """
        retired = self.staging(f"retired_{uuid.uuid4().hex[:8]}")
        own = self.settings.collection_prefix
        names = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
        moved: list[tuple[str, str]] = []
        try:
            for kind in ("passages", "documents"):
                if f"{own}_{kind}" in names:
                    self._rename(f"{own}_{kind}", f"{retired.settings.collection_prefix}_{kind}")
                    moved.append((f"{retired.settings.collection_prefix}_{kind}", f"{own}_{kind}"))
            for kind in ("passages", "documents"):
                self._rename(f"{staged.settings.collection_prefix}_{kind}", f"{own}_{kind}")
        except Exception:
            for old, new in moved:  # put the previous index back
                if new not in {c if isinstance(c, str) else c.name for c in self._client.list_collections()}:
                    self._rename(old, new)
            raise
        for part in ("lexical_path", "sentences_path"):
            current: Path = getattr(self.settings, part)
            if current.exists():
                retired.settings.data_dir.mkdir(parents=True, exist_ok=True)
                current.rename(getattr(retired.settings, part))
            incoming: Path = getattr(staged.settings, part)
            if incoming.exists():
                incoming.rename(current)
        retired.drop()
        shutil.rmtree(retired.settings.data_dir, ignore_errors=True)
        shutil.rmtree(staged.settings.data_dir, ignore_errors=True)
        staged._forget_collections()
        self._forget_collections()
        self._sentences = None

    def _rename(self, old: str, new: str) -> None:
        self._client.get_collection(old, embedding_function=None).modify(name=new)

    # ---------------------------------------------------------------- lexical index
    def refresh(self) -> None:
        """Drop cached views when another process has written since we last looked."""
        generation = self.generation()
        if self._owns_client:
            if self._client_generation is None:
                self._client_generation = generation
            elif generation != self._client_generation:
                log.info("the index changed in another process (generation %s); reopening it", generation)
                self._client = _make_client(self.settings)
                self._forget_collections()
                self._sentences = None  # its sentence vectors too (this process wrote none)
                self._client_generation = generation
                generation = self.generation()
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
        generation = self.generation()
        ids = self.passage_ids()
        self._sentence_vectors().flush(live_ids=set(ids))
        base = LexicalIndex.load(self.settings.lexical_path)
        index = None
        if (
            base is not None
            and self._lexical_base is not None
            and base.manifest.generation == self._lexical_base
        ):
            index = base.apply(list(self._lexical_added.values()), sorted(self._lexical_removed), generation)
            if not self._matches(index, ids):
                index = None
        if index is None:
            index = self.rebuild_lexical(generation)
        else:
            index.save(self.settings.lexical_path)
        self._lexical_added, self._lexical_removed, self._lexical_base = {}, set(), None
        with self._lock:
            self._lexical, self._committed, self._seen_generation = index, None, generation
        return index

    def rebuild_lexical(self, generation: int | None = None) -> LexicalIndex:
        """Build the BM25 index from every passage in Chroma and save it."""
        triples = [
            (
                doc.id or "",
                index_text(
                    str(doc.metadata.get("title", "")), str(doc.metadata.get("section", "")), doc.page_content
                ),
                str(doc.metadata.get("lang", "nb")),
            )
            for doc in self.iter_passages()
        ]
        index = LexicalIndex.build(
            triples, generation=self.generation() if generation is None else generation
        )
        index.save(self.settings.lexical_path)
        return index


def _is_committed(doc: Document, committed: dict[str, str]) -> bool:
    return committed.get(str(doc.metadata.get("source"))) == doc.metadata.get("doc_version")


def _record(meta: dict[str, Any], text: str | None = None) -> DocumentRecord:
    fields = DocumentRecord.__dataclass_fields__
    values = {k: v for k, v in meta.items() if k in fields and k != "text"}
    return DocumentRecord(**values, text=text or "")


def _mean_vector(vectors: Sequence[Sequence[float]], dim: int) -> list[float]:
    import numpy as np

    if not vectors:
        return [0.0] * (dim - 1) + [1.0]
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean)) or 1.0
    return [float(x) for x in mean / norm]


def _make_client(settings: StoreSettings) -> Any:
    import chromadb
    from chromadb.config import Settings

    chroma_settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        where = f"{settings.chroma_host}:{settings.chroma_port}"
        warn_if_exposed(settings)
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                ssl=settings.chroma_ssl,
                headers=settings.chroma_headers or None,
                settings=chroma_settings,
            )
            server_version = str(client.get_version())
        except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
            raise StoreError(
                f"Cannot reach the Chroma server at {where} ({exc}). Start it with "
                f"`chroma run --path DIR --host {settings.chroma_host} --port {settings.chroma_port}`, "
                "or unset CHROMA_HOST to use the embedded index."
            ) from exc
        check_server_version(server_version, chromadb.__version__, where)
        return client
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    # chromadb shares one loaded system per folder within a process; a new client must load what is
    # on disk now, not a copy that another process's writes have made stale. Clients made earlier
    # keep their own system (they refresh themselves).
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(settings.chroma_path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(settings.chroma_path), None)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def check_server_version(server: str, client: str, where: str = "the server") -> None:
    """Refuse a server of another major.minor version: its storage and API may differ.

    The Rust server of every 1.x release answers "1.0.0" (chroma-core/chroma#4849), so that answer
    can only confirm the major version.
    """
    server_mm, client_mm = server.split(".")[:2], client.split(".")[:2]
    if server_mm == client_mm:
        return
    if server == _RUST_SERVER_VERSION and client_mm[0] == server_mm[0]:
        log.debug("Chroma server %s reports %s; only its major version can be checked", where, server)
        return
    raise StoreError(
        f"The Chroma server at {where} runs version {server}, but this program uses chromadb {client}; "
        f"client and server must have the same major.minor version. Run the server with "
        f"chromadb {'.'.join(client_mm)}.x (the `chroma run` of this installation), or install the "
        "server's version here."
    )


def warn_if_exposed(settings: StoreSettings) -> bool:
    """Log a warning (and return True) for a remote server reached without TLS or headers."""
    host = settings.chroma_host
    if not host or _is_loopback(host) or settings.chroma_ssl or settings.chroma_headers:
        return False
    log.warning(
        "Chroma server %s:%s is not on this machine and is reached without TLS or headers. "
        "Chroma 1.x has no authentication of its own: anyone who can reach it can read and change "
        "the index. Keep it on loopback or behind an authenticating proxy (CHROMA_SSL, CHROMA_HEADERS).",
        host,
        settings.chroma_port,
    )
    return True


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
