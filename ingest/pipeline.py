"""file -> text -> clean -> language, title -> chunks -> vectors -> store, one document at a time.

Safe to re-run: a file whose bytes (and this pipeline's version) are unchanged is skipped without
re-embedding; a changed file replaces its chunks atomically; `prune` removes documents whose files
are gone from a folder ingested before. A file that cannot be read is reported with its reason and
the rest is ingested.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest.chunking import AnswerSentence, Chunk, answer_sentences, chunk_text
from ingest.clean import clean_text
from ingest.extract import extract
from ingest.language import detect_language
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError
from ingest.sandbox import LoadFn, parser
from ingest.settings import IngestSettings
from vectorstore.index_embeddings import IndexEmbeddings, PassageVectors
from vectorstore.store import ChunkRecord, ChunkStore, DocumentRecord, index_text

__all__ = ["FileResult", "IngestReport", "ProgressFn", "discover", "ingest_paths", "tqdm_progress"]

# Bump when cleaning, chunking or what gets embedded changes, so documents are re-processed.
PIPELINE_VERSION = "6"


@dataclass(frozen=True)
class FileResult:
    source: str
    status: str  # added | updated | unchanged | skipped | removed
    chunks: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def chunks_written(self) -> int:
        return sum(f.chunks for f in self.files if f.status in {"added", "updated"})

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "skipped"]

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("added", "updated", "unchanged", "removed", "skipped")]
        return (
            f"{len(self.files)} files: "
            + ", ".join(parts)
            + f"; {self.chunks_written} chunks written in {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class _Candidate:
    root: Path
    path: Path
    source: str


def discover(paths: Iterable[Path]) -> list[_Candidate]:
    """Files to ingest: a folder contributes every file below it (hidden ones excluded)."""
    found: list[_Candidate] = []
    for given in paths:
        given = given.expanduser()
        if given.is_dir():
            root = given.resolve()
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                rel = path.relative_to(root)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                found.append(_Candidate(root, path, rel.as_posix()))
        elif given.is_file():
            found.append(_Candidate(given.resolve().parent, given.resolve(), given.name))
        else:
            raise FileNotFoundError(f"No such file or folder: {given}")
    return found


_PUBLISHER_RE = re.compile(
    r"\b((?:[A-ZÆØÅ][\wæøåÆØÅ-]+ )?[A-ZÆØÅ][\wæøåÆØÅ-]+ (?:fylkeskommune|[Kk]ommune|[Rr]egion|[Ff]ylke))\b"
)


def _title(loaded_title: str | None, text: str, source: str) -> str:
    """The file's own title, else its first line, unless a descriptive file name disagrees with it."""
    if loaded_title and loaded_title.strip():
        return loaded_title.strip()
    stem = re.sub(r"[-_]+", " ", Path(source).stem).strip()
    name_words = {w.lower() for w in stem.split() if len(w) >= 3 and not re.fullmatch(r"[0-9a-f]{6,}", w)}
    descriptive = len(name_words) >= 2
    first = text.split("\n", 1)[0].strip()
    if first and len(first.split()) <= 15 and not first.endswith("."):
        first_words = {w.lower() for w in re.findall(r"\w+", first)}
        # A short first line sharing no word with a descriptive file name is usually a glued caption.
        if not descriptive or any(
            w in first_words or any(f.startswith(w) for f in first_words) for w in name_words
        ):
            return first
    return stem[:1].upper() + stem[1:] if stem else source


def _publisher(title: str, text: str) -> str:
    """The municipality or county a document is from, when its title or opening names one."""
    for candidate in re.split(r" [-–|] ", title)[1:]:
        if _PUBLISHER_RE.fullmatch(candidate.strip()):
            return candidate.strip()
    mentions = Counter(m.group(1) for m in _PUBLISHER_RE.finditer(text[:3000]))
    return mentions.most_common(1)[0][0] if mentions else ""


def _content_hash(data: bytes, sentence_vectors: str = "separate") -> str:
    # Late-chunked sentence vectors mean something else: switching the setting re-embeds a file.
    version = PIPELINE_VERSION + ("" if sentence_vectors == "separate" else f"+{sentence_vectors}")
    return hashlib.sha256(version.encode() + b"\0" + data).hexdigest()


ProgressFn = Callable[[int, int, str], None]


def tqdm_progress(bar: Any) -> ProgressFn:
    """Show pipeline progress on a tqdm bar (files done of total, and the current file)."""

    def progress(done: int, total: int, name: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(name[-40:], refresh=True)

    return progress


def ingest_paths(
    paths: Sequence[Path],
    store: ChunkStore,
    *,
    prune: bool = False,
    reindex: bool = False,
    settings: IngestSettings | None = None,
    progress: ProgressFn | None = None,
) -> IngestReport:
    """Ingest files and folders into `store`, holding the writer lock for the whole run (the
    store repairs crash leftovers first and brings BM25 and sentence vectors up to date at the end)."""
    settings = settings or IngestSettings()
    started = time.perf_counter()
    report = IngestReport()
    candidates = discover(paths)
    with (
        store.writing("ingest", drop_other_model=reindex),
        parser(settings.sandbox, settings.parse_timeout_s, settings.parse_memory_mb) as load,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-write") as writer,
    ):
        existing = {r.source: r for r in store.list_documents()}
        batch: list[_Prepared] = []
        writing: Future[None] | None = None
        reporting = threading.Lock()

        def done(result: FileResult) -> None:
            # Called by the writer thread as each document commits, and by this one for the rest.
            with reporting:
                report.files.append(result)
                if progress:
                    progress(len(report.files), len(candidates), result.source)

        def finish_writing() -> None:
            nonlocal writing
            if writing is not None:
                writing.result()
                writing = None

        def write_batch() -> None:
            # The model encodes this batch while the writer thread stores the previous one.
            nonlocal writing
            embedded = _embed(store.embeddings, batch, mode=settings.sentence_vectors)
            finish_writing()
            writing = writer.submit(_write, store, list(batch), embedded, done)
            batch.clear()

        if progress:
            progress(0, len(candidates), candidates[0].source if candidates else "")
        for result in _prepared_in_order(candidates, existing, reindex, settings, load):
            if isinstance(result, FileResult):
                done(result)
                continue
            batch.append(result)
            if sum(len(d.chunks) for d in batch) >= settings.embed_batch_passages:
                write_batch()
        if batch:
            write_batch()
        finish_writing()
        if prune:
            present = {c.source for c in candidates}
            roots = {str(c.root) for c in candidates} | {
                str(p.expanduser().resolve()) for p in paths if p.is_dir()
            }
            for source, record in existing.items():
                # A single file given on the command line makes its folder a root: its siblings are
                # not in `present` but must stay unless their files are really gone.
                gone = source not in present and not (Path(record.root) / source).exists()
                if record.root in roots and gone and store.delete_document(source):
                    report.files.append(FileResult(source, "removed", reason="file no longer exists"))
        if progress:
            progress(len(candidates), len(candidates), "")
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _Prepared:
    """A document loaded, cleaned and chunked, waiting for its vectors."""

    record: DocumentRecord
    chunks: list[Chunk]
    sentences: list[list[AnswerSentence]]
    replaces: bool


def _prepare(
    cand: _Candidate, previous: DocumentRecord | None, reindex: bool, settings: IngestSettings, load: LoadFn
) -> FileResult | _Prepared:
    """Everything before the model: a result for files that need no embedding, else the chunks."""
    if cand.path.suffix.lower() not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        reason = f"unsupported file type; convert it to one of: {kinds}"
        return FileResult(cand.source, "skipped", reason=reason)
    try:
        data = cand.path.read_bytes() if cand.path.stat().st_size <= settings.max_file_mb * 1e6 else b""
        digest = _content_hash(data, settings.sentence_vectors) if data else ""
        if previous and digest and previous.content_hash == digest and not reindex:
            return FileResult(cand.source, "unchanged", previous.n_chunks)
        loaded = load(cand.path, int(settings.max_file_mb * 1e6))
    except LoadError as exc:
        return FileResult(cand.source, "skipped", reason=str(exc))
    except OSError as exc:
        return FileResult(cand.source, "skipped", reason=f"cannot read file: {exc.strerror or exc}")

    text = clean_text(loaded.text)
    if not text.strip():
        return FileResult(cand.source, "skipped", reason="no text left after removing page boilerplate")
    title = _title(loaded.title, text, cand.source)
    chunks = chunk_text(cand.source, text, settings.chunking)
    lang = detect_language(text[:5000])
    record = DocumentRecord(
        source=cand.source,
        title=title,
        lang=lang,
        content_hash=digest,
        file_format=loaded.file_format,
        n_chunks=len(chunks),
        ingested_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
        root=str(cand.root),
        publisher=_publisher(title, text),
        text=text,
        extracted=extract(cand.source, text, lang).to_json(),
    )
    sentences = [answer_sentences(c.text, c.section, title) for c in chunks]
    return _Prepared(record, chunks, sentences, replaces=previous is not None)


def _prepared_in_order(
    candidates: Sequence[_Candidate],
    existing: dict[str, DocumentRecord],
    reindex: bool,
    settings: IngestSettings,
    load: LoadFn,
) -> Iterator[FileResult | _Prepared]:
    """`_prepare` every candidate in a background thread, ahead of the consumer.

    Parsing and cleaning the next files then overlaps with embedding the current batch (the model
    releases the GIL while it computes). The look-ahead covers about one embedding batch of short
    files (half as many files as the batch has passages): four files ahead left the next batch's
    parsing mostly after the model's work, about a fifth of an ingest of small files. It is
    bounded, so memory stays flat.
    """
    lookahead = max(4, settings.embed_batch_passages // 2)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-prepare") as pool:
        pending: deque[Future[FileResult | _Prepared]] = deque()
        remaining = iter(candidates)

        def submit_next() -> None:
            cand = next(remaining, None)
            if cand is not None:
                previous = existing.get(cand.source)
                pending.append(pool.submit(_prepare, cand, previous, reindex, settings, load))

        for _ in range(lookahead):
            submit_next()
        while pending:
            result = pending.popleft().result()
            submit_next()
            yield result


def _embed(embeddings: IndexEmbeddings, batch: Sequence[_Prepared], *, mode: str) -> list[PassageVectors]:
    """The vectors of several documents' passages and of their quotable sentences.

    Several documents per call, not one: short documents otherwise make batches of two or three.
    With "lazy", only the passages: a sentence is embedded when a question first needs it (the
    store's sentence cache). With "late", the sentences cost no second pass: their vectors are
    pooled from the passage's own token states (late chunking, vectorstore/late_chunking.py).
    Otherwise, and for a sentence the encoder did not see whole (past its 512 tokens), a sentence
    is embedded on its own, in a
    call apart from the passages: a batch is padded to its longest text, and a 20-word sentence
    padded to a 250-word passage costs as much as the passage.
    """
    passages: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    for d in batch:
        for c, per_chunk in zip(d.chunks, d.sentences, strict=True):
            text = index_text(d.record.title, c.section, c.text)
            shift = len(text) - len(c.text)  # the passage ends with the chunk's own text
            passages.append(text)
            spans.append([(s.start + shift, s.end + shift) for s in per_chunk])
    if mode == "lazy":
        empty = np.zeros((0, embeddings.dimension), dtype=np.float32)
        return [PassageVectors(v, empty, ()) for v in embeddings.embed_documents(passages)]
    if mode == "late":
        embedded = embeddings.embed_passages(passages, spans)
    else:
        embedded = [
            PassageVectors(
                v, np.zeros((len(s), embeddings.dimension), dtype=np.float32), tuple(range(len(s)))
            )
            for v, s in zip(embeddings.embed_documents(passages), spans, strict=True)
        ]
    chunk_sentences = [per for d in batch for per in d.sentences]
    unseen = [(p, i) for p, e in enumerate(embedded) for i in e.missing]
    if unseen:
        extra = embeddings.embed_documents([chunk_sentences[p][i].embed_text for p, i in unseen])
        for (p, i), vector in zip(unseen, extra, strict=True):
            embedded[p].span_vectors[i] = vector
    return embedded


def _write(
    store: ChunkStore,
    batch: Sequence[_Prepared],
    embedded: Sequence[PassageVectors],
    done: Callable[[FileResult], None],
) -> None:
    """Write and commit an embedded batch (one store call: see `write_documents`), then report
    each document."""
    results = iter(embedded)
    documents = []
    for doc in batch:
        records: list[ChunkRecord] = []
        vectors = []
        for c, per_chunk in zip(doc.chunks, doc.sentences, strict=True):
            result = next(results)
            vectors.append(result.vector)
            # Late-chunked sentence vectors are marked, so answering re-embeds the few that matter.
            pooled = len(result.span_vectors) > 0 and len(result.missing) < len(per_chunk)
            records.append(
                ChunkRecord(
                    c.chunk_id,
                    c.text,
                    c.position,
                    c.char_start,
                    c.char_end,
                    c.section,
                    extra={"sentence_vectors": "pooled"} if pooled else {},
                    sentence_spans=tuple((s.start, s.end) for s in per_chunk),
                    sentence_vectors=result.span_vectors if per_chunk and len(result.span_vectors) else None,
                )
            )
        documents.append((doc.record, records, vectors))
    store.write_documents(documents)
    for doc, (_, records, _) in zip(batch, documents, strict=True):
        done(FileResult(doc.record.source, "updated" if doc.replaces else "added", len(records)))
