"""Index backup and restore: the whole index as one tar.gz that any Chroma deployment can load.

The export is logical, not a copy of Chroma's files: the records of each collection (ids, texts,
metadata, float32 embeddings) and the sentence vectors of the exported passages, with a manifest
that names the embedding model and holds a sha256 per member. So an embedded index can be restored
into a server and back, and a damaged archive is refused before anything is written.

An import is built under other collection names and a hidden folder of the data directory, checked
(counts, and each sampled passage's own vector finds it first), and only then swapped in by renaming
(`_adopt`): a failed or interrupted import leaves the previous index as it was.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.client import collection_names
from vectorstore.diskspace import disk_errors_explained
from vectorstore.errors import ModelMismatchError, StoreError
from vectorstore.files import replacing
from vectorstore.records import Collection, RecordPage
from vectorstore.sentence_collection import sentences_collection_name
from vectorstore.store import ChunkStore

__all__ = ["ArchiveError", "BackupSummary", "export_index", "import_index"]

FORMAT = "strategy-assistant-index"
FORMAT_VERSION = 1
SELF_CHECK_SAMPLE = 50
_MANIFEST = "manifest.json"
_KINDS: tuple[Collection, ...] = ("passages", "documents")  # import order: commit records last
_SENTENCE_PAGE = 1000

Progress = Callable[[str, int, int], None]  # stage, done, total


class ArchiveError(StoreError):
    """The file is not an intact index export; nothing was written."""


@dataclass(frozen=True)
class BackupSummary:
    """What an export wrote or an import loaded, for the CLI to print."""

    path: Path
    counts: dict[str, int]
    embedding_model: str
    seconds: float
    self_check: tuple[int, int] = (0, 0)  # passages that found themselves first, passages sampled
    manifest: dict[str, Any] = field(default_factory=dict)

    def summary(self, verb: str) -> str:
        c = self.counts
        text = (
            f"{verb} {c['passages']} passages, {c['documents']} documents and sentence vectors of "
            f"{c['sentence_vectors']} passages ({self.embedding_model}) in {self.seconds:.1f} s"
        )
        if self.self_check[1]:
            text += f"; self-check: {self.self_check[0]}/{self.self_check[1]} passages found themselves first"
        return text


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


# ------------------------------------------------------------------------------ export
def export_index(
    store: ChunkStore,
    path: Path,
    progress: Progress | None = None,
    producer: dict[str, Any] | None = None,
) -> BackupSummary:
    """Write every committed document and its passages to `path` (a .tar.gz, replaced atomically).

    Holds the writer lock, so no ingest changes the index half-way through the export.
    `producer` is recorded in the manifest (e.g. the ingest pipeline version).
    """
    started = time.perf_counter()
    progress = progress or _no_progress
    path = Path(path)
    with store.writing("export", repair=False):
        metadata = store.collection_metadata()
        if not metadata:
            raise StoreError(f"There is no index to export in {_where(store)}.")
        committed = store.committed_versions()
        totals = store.counts()
        path.parent.mkdir(parents=True, exist_ok=True)
        # The archive's disk, not the index's, is the one that fills up here.
        with (
            disk_errors_explained(path.parent, "export"),
            tempfile.TemporaryDirectory(prefix=".export-", dir=path.parent) as tmp,
        ):
            folder = Path(tmp)
            counts: dict[str, int] = {}
            passage_ids: list[str] = []
            for kind in _KINDS:
                # Passages of no committed document version are crash leftovers: not worth keeping.
                keep: Callable[[dict[str, Any]], bool] = (
                    (lambda m: committed.get(str(m.get("source"))) == m.get("doc_version"))
                    if kind == "passages"
                    else (lambda m: True)
                )
                ids = _write_records(folder / kind, store.iter_records(kind), keep, progress, totals[kind])
                counts[kind] = len(ids)
                if kind == "passages":
                    passage_ids = ids
            counts["sentence_vectors"] = _write_sentences(folder / "sentences", store, passage_ids, progress)
            members = {
                str(p.relative_to(folder)): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()
            }
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "embedding_model": store.embeddings.model_id,
                "embedding_dim": int(metadata.get("embedding_dim", 0)),
                "collection_metadata": metadata,
                "counts": counts,
                "producer": producer or {},
                "members": members,
            }
            (folder / _MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
            with replacing(path, suffix=".tar.gz") as partial, tarfile.open(partial, "w:gz") as tar:
                tar.add(folder / _MANIFEST, arcname=_MANIFEST)  # first, so it is read first
                for name in members:
                    tar.add(folder / name, arcname=name)
    return BackupSummary(
        path, counts, store.embeddings.model_id, time.perf_counter() - started, (0, 0), manifest
    )


def _write_records(
    folder: Path,
    pages: Iterator[RecordPage],
    keep: Callable[[dict[str, Any]], bool],
    progress: Progress,
    total: int,
) -> list[str]:
    folder.mkdir(parents=True)
    ids: list[str] = []
    vectors: list[np.ndarray] = []
    with open(folder / "records.jsonl", "w", encoding="utf-8") as out:
        for page in pages:
            rows = [i for i, meta in enumerate(page.metadatas) if keep(meta)]
            for i in rows:
                record = {"id": page.ids[i], "document": page.documents[i], "metadata": page.metadatas[i]}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                ids.append(page.ids[i])
            vectors.append(page.embeddings[rows])
            progress(f"export {folder.name}", len(ids), total)
    matrix = np.concatenate(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
    np.save(folder / "embeddings.npy", matrix.astype(np.float32))
    return ids


def _write_sentences(folder: Path, store: ChunkStore, passage_ids: list[str], progress: Progress) -> int:
    folder.mkdir(parents=True)
    ids: list[str] = []
    offsets = [0]
    spans: list[tuple[int, int]] = []
    vectors: list[np.ndarray] = []
    for start in range(0, len(passage_ids), _SENTENCE_PAGE):
        found = store.sentence_vectors(passage_ids[start : start + _SENTENCE_PAGE])
        for chunk_id, by_span in found.items():
            ids.append(chunk_id)
            spans.extend(by_span)
            vectors.extend(by_span.values())
            offsets.append(len(spans))
        progress("export sentence vectors", min(start + _SENTENCE_PAGE, len(passage_ids)), len(passage_ids))
    (folder / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
    np.save(folder / "offsets.npy", np.asarray(offsets, dtype=np.int64))
    np.save(folder / "spans.npy", np.asarray(spans, dtype=np.int32).reshape(-1, 2))
    dim = store.embeddings.dimension
    matrix = np.asarray(vectors, dtype=np.float16).reshape(-1, dim) if vectors else np.zeros((0, dim))
    np.save(folder / "vectors.npy", matrix.astype(np.float16))
    return len(ids)


# ------------------------------------------------------------------------------ import
def import_index(
    store: ChunkStore,
    path: Path,
    replace: bool = False,
    progress: Progress | None = None,
) -> BackupSummary:
    """Load an export into this store's index; refuses a non-empty index unless `replace`.

    Everything is checked before the swap: the archive's checksums and model, then the staged
    index's counts and self-retrieval. A refusal or failure leaves the current index untouched.
    """
    started = time.perf_counter()
    progress = progress or _no_progress
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such archive: {path}")
    with store.writing("import", repair=False), tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest = _unpack(path, folder)
        _check_model(manifest, store)
        existing, old_generation = _existing(store)
        if existing and not replace:
            raise StoreError(
                f"The index in {_where(store)} is not empty ({existing}). Import with --replace to "
                "replace it; the current index stays until the imported one has passed its checks."
            )
        staged = _staging(store, f"import_{uuid.uuid4().hex[:8]}")
        try:
            for kind in _KINDS:
                _load_records(staged, kind, folder / kind, progress)
            _load_sentences(staged, folder / "sentences")
            generation = max(old_generation, int(manifest["collection_metadata"].get("generation", 0))) + 1
            staged.set_generation(generation)
            progress("rebuild BM25 index", 0, 1)
            staged.finish_writes()
            progress("rebuild BM25 index", 1, 1)
            _check_counts(staged, manifest["counts"], f"the imported index from {path}")
            found, sampled = _self_check(staged, progress)
            if found < sampled:
                raise StoreError(
                    f"The imported index failed its self-check: only {found} of {sampled} sampled "
                    "passages were found first by their own vector. The previous index is unchanged."
                )
            _adopt(store, staged)
        except BaseException:
            staged.drop()
            shutil.rmtree(staged.settings.data_dir, ignore_errors=True)
            raise
        _check_counts(store, manifest["counts"], _where(store))
    counts = dict(manifest["counts"])
    seconds = time.perf_counter() - started
    return BackupSummary(path, counts, manifest["embedding_model"], seconds, (found, sampled), manifest)


def _staging(store: ChunkStore, name: str) -> ChunkStore:
    """An empty sibling store on the same Chroma, under other collection names and a hidden folder
    of the data directory: an import is built and verified there before `_adopt` swaps it in."""
    settings = store.settings.model_copy(
        update={
            "collection_prefix": f"{store.settings.collection_prefix}_{name}",
            "data_dir": store.settings.data_dir / f".{name}",
        }
    )
    return ChunkStore(settings, store.embeddings, client=store.client)


def _adopt(store: ChunkStore, staged: ChunkStore) -> None:
    """Make a staged store the index of `store`, replacing whatever was there.

    The old collections are renamed away before the staged ones take their names, so at every
    step one whole index exists under some name; they are deleted only after the swap.
    """
    client = store.client

    def rename(old: str, new: str) -> None:
        client.get_collection(old, embedding_function=None).modify(name=new)

    retired = _staging(store, f"retired_{uuid.uuid4().hex[:8]}")
    own, old_prefix = store.settings.collection_prefix, retired.settings.collection_prefix
    names = collection_names(client)
    moved: list[tuple[str, str]] = []
    try:
        for kind in _KINDS:
            if f"{own}_{kind}" in names:
                rename(f"{own}_{kind}", f"{old_prefix}_{kind}")
                moved.append((f"{old_prefix}_{kind}", f"{own}_{kind}"))
        for kind in _KINDS:
            rename(f"{staged.settings.collection_prefix}_{kind}", f"{own}_{kind}")
        # Server mode keeps sentence vectors in a collection too; it moves with the index.
        staged_sentences = sentences_collection_name(staged.settings.collection_prefix)
        if sentences_collection_name(own) in names:
            rename(sentences_collection_name(own), sentences_collection_name(old_prefix))
            moved.append((sentences_collection_name(old_prefix), sentences_collection_name(own)))
        if staged_sentences in collection_names(client):
            rename(staged_sentences, sentences_collection_name(own))
    except Exception:
        for old, new in moved:  # put the previous index back
            if new not in collection_names(client):
                rename(old, new)
        raise
    for part in ("lexical_path", "sentences_path"):
        current: Path = getattr(store.settings, part)
        if current.exists():
            retired.settings.data_dir.mkdir(parents=True, exist_ok=True)
            current.rename(getattr(retired.settings, part))
        incoming: Path = getattr(staged.settings, part)
        if incoming.exists():
            incoming.rename(current)
    retired.drop()
    shutil.rmtree(retired.settings.data_dir, ignore_errors=True)
    shutil.rmtree(staged.settings.data_dir, ignore_errors=True)
    staged.reopen()
    store.reopen()


def _unpack(path: Path, folder: Path) -> dict[str, Any]:
    """Extract and verify the archive; any damage is an `ArchiveError` naming what is wrong."""
    try:
        with tarfile.open(path, "r:*") as tar:
            manifest_file = tar.extractfile(_MANIFEST)
            if manifest_file is None:
                raise KeyError(_MANIFEST)
            manifest: dict[str, Any] = json.loads(manifest_file.read().decode("utf-8"))
            if manifest.get("format") != FORMAT:
                raise ArchiveError(f"{path} is not an index export of this program.")
            if manifest.get("format_version") != FORMAT_VERSION:
                raise ArchiveError(
                    f"{path} has export format {manifest.get('format_version')}; this program reads "
                    f"format {FORMAT_VERSION}."
                )
            expected = set(manifest["members"]) | {_MANIFEST}
            found = {m.name for m in tar.getmembers() if m.isfile()}
            if found != expected:
                raise ArchiveError(
                    f"{path} is damaged: members differ from its manifest "
                    f"(missing {sorted(expected - found)}, unexpected {sorted(found - expected)})."
                )
            tar.extractall(folder, filter="data")
    except ArchiveError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, KeyError, ValueError, UnicodeError) as exc:
        raise ArchiveError(f"{path} is not a readable index export ({type(exc).__name__}: {exc}).") from exc
    for name, digest in manifest["members"].items():
        if _sha256(folder / name) != digest:
            raise ArchiveError(
                f"{path} is damaged: the checksum of {name} does not match its manifest. "
                "Nothing was imported; use another copy of the export."
            )
    return manifest


def _check_model(manifest: dict[str, Any], store: ChunkStore) -> None:
    model, dim = manifest["embedding_model"], int(manifest["embedding_dim"])
    if model != store.embeddings.model_id or dim != store.embeddings.dimension:
        raise ModelMismatchError(
            f"The export was made with the embedding model '{model}' ({dim} dimensions), but this "
            f"process uses '{store.embeddings.model_id}'. Set EMBEDDING_MODEL={model} to import it "
            "(its vectors mean nothing to another model), or re-ingest the documents instead."
        )


def _existing(store: ChunkStore) -> tuple[str, int]:
    """What the target index holds (empty if nothing) and its generation."""
    try:
        counts = store.counts()
        generation = store.generation()
    except ModelMismatchError:
        return "an index built with another embedding model", 0
    if counts["passages"] or counts["documents"]:
        return f"{counts['documents']} documents, {counts['passages']} passages", generation
    return "", generation


def _load_records(staged: ChunkStore, kind: Collection, folder: Path, progress: Progress) -> None:
    with open(folder / "records.jsonl", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    vectors = np.load(folder / "embeddings.npy")
    if len(records) != len(vectors):
        raise ArchiveError(f"The export holds {len(records)} {kind} but {len(vectors)} vectors.")
    page = 1000
    for start in range(0, len(records), page):
        chunk = records[start : start + page]
        staged.put_records(
            kind,
            RecordPage(
                [r["id"] for r in chunk],
                [r["document"] for r in chunk],
                [r["metadata"] for r in chunk],
                vectors[start : start + page],
            ),
        )
        progress(f"import {kind}", min(start + page, len(records)), len(records))


def _load_sentences(staged: ChunkStore, folder: Path) -> None:
    ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
    offsets = np.load(folder / "offsets.npy")
    spans = np.load(folder / "spans.npy")
    vectors = np.load(folder / "vectors.npy")
    staged.put_sentence_vectors(
        [
            (
                chunk_id,
                [(int(a), int(b)) for a, b in spans[offsets[i] : offsets[i + 1]]],
                vectors[offsets[i] : offsets[i + 1]],
            )
            for i, chunk_id in enumerate(ids)
        ]
    )


def _check_counts(store: ChunkStore, expected: dict[str, int], where: str) -> None:
    counts = store.counts()
    passage_ids = store.passage_ids()
    actual = {
        "passages": counts["passages"],
        "documents": counts["documents"],
        "sentence_vectors": len(store.sentence_vectors(passage_ids)),
    }
    bm25 = len(store.lexical().ids)
    if actual != expected or bm25 != counts["passages"]:
        raise StoreError(
            f"Counts in {where} do not match the export: expected {expected}, found {actual} "
            f"and {bm25} passages in the BM25 index."
        )


def _self_check(store: ChunkStore, progress: Progress) -> tuple[int, int]:
    """How many of up to 50 evenly spread passages come first when searched by their own vector."""
    ids = sorted(store.passage_ids())
    step = max(1, len(ids) // SELF_CHECK_SAMPLE)
    sample = ids[::step][:SELF_CHECK_SAMPLE]
    vectors = store.passage_vectors(sample)
    found = 0
    for n, chunk_id in enumerate(sample, 1):
        hits = store.dense_search(vectors[chunk_id], k=3)
        # A passage whose text occurs twice (two documents quoting it) ties with its twin.
        best = hits[0][1] if hits else 0.0
        if any(doc.id == chunk_id and score >= best - 1e-5 for doc, score in hits):
            found += 1
        progress("self-check", n, len(sample))
    return found, len(sample)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _where(store: ChunkStore) -> str:
    s = store.settings
    return f"the Chroma server {s.chroma_host}:{s.chroma_port}" if s.chroma_host else str(s.data_dir)
