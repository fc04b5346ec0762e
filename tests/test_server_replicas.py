"""App replicas on one Chroma server with nothing local, and one writer at a time across machines.

A real `chroma run` on loopback and the real model: the writer ingests the bundled corpus; a
replica with an empty data directory (another machine) answers the seed questions the same way,
embedding no sentence the writer does not embed too (the few late-chunked ones each answer
re-encodes, see compose._refined); a second ingest (another data directory) is refused while a
writer holds the server's lease, and goes through once that writer is killed and its lease
expires; the replica, never restarted, then finds the new document.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.compose import REFINE_SENTENCES
from assistant.core import Assistant
from tests.chroma_server import ChromaServer
from tests.conftest import CORPUS, PROJECT, SHARED, run_cli
from vectorstore.index_embeddings import IndexEmbeddings
from vectorstore.late_chunking import PassageVectors, Span
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore

pytestmark = [pytest.mark.server, pytest.mark.integration, pytest.mark.timeout(900)]

SEED = SHARED / "eval" / "seed-dev.jsonl"
QUESTIONS = [json.loads(line)["question"] for line in SEED.read_text(encoding="utf-8").splitlines() if line]
LEASE_SECONDS = 8  # short for the test, yet renewals (every third of it) survive a loaded CI machine

HOLDER = """
import time
from assistant.runtime import open_store
with open_store().writing("ingest"):
    print("held", flush=True)
    time.sleep(300)
"""

NEW_DOCUMENT = (
    "Sykkelstrategi for Lillehammer\n\n"
    "Lillehammer kommune bygger nye sykkelveier langs Mjøsa. Sykkelveiene får et budsjett på "
    "17,4 millioner kroner fram til 2030."
)


class CountingEmbeddings(IndexEmbeddings):
    """The real model, counting what it is asked to embed (a replica should embed questions only)."""

    def __init__(self, inner: IndexEmbeddings) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.documents_embedded = 0
        self.queries_embedded = 0

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents_embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries_embedded += 1
        return self.inner.embed_query(text)

    def embed_passages(self, texts: list[str], spans: Sequence[Sequence[Span]]) -> list[PassageVectors]:
        self.documents_embedded += len(texts)
        return self.inner.embed_passages(texts, spans)


@dataclass
class SharedIndex:
    settings: StoreSettings  # the writer's
    writer: Assistant
    replica: Assistant
    replica_embeddings: CountingEmbeddings
    writer_embeddings: CountingEmbeddings
    replica_dir: Path


@pytest.fixture(scope="module")
def shared(
    chroma_server: ChromaServer,
    real_embeddings: IndexEmbeddings,
    tmp_path_factory: pytest.TempPathFactory,
) -> SharedIndex:
    from ingest.pipeline import ingest_paths

    settings = StoreSettings(
        data_dir=tmp_path_factory.mktemp("writer") / "data",
        chroma_host=chroma_server.host,
        chroma_port=chroma_server.port,
        collection_prefix=f"r{uuid.uuid4().hex[:10]}",
        lease_seconds=LEASE_SECONDS,
    )
    writer_embeddings = CountingEmbeddings(real_embeddings)
    writer_store = ChunkStore(settings, writer_embeddings)
    assert ingest_paths([CORPUS], writer_store).count("added") == 4
    replica_dir = tmp_path_factory.mktemp("replica") / "data"  # another machine: nothing local
    counting = CountingEmbeddings(real_embeddings)
    replica_store = ChunkStore(settings.model_copy(update={"data_dir": replica_dir}), counting)
    writer, replica = Assistant(store=writer_store), Assistant(store=replica_store)
    writer.warm_up()
    replica.warm_up()
    return SharedIndex(settings, writer, replica, counting, writer_embeddings, replica_dir)


def _answer_key(answer) -> tuple:  # type: ignore[no-untyped-def,type-arg]
    return (
        answer.text,
        answer.abstained,
        [(c.chunk_id, c.quote) for c in answer.citations],
        [p.chunk_id for p in answer.passages],
    )


def test_a_replica_with_an_empty_data_directory_answers_like_the_writer(shared: SharedIndex) -> None:
    before = shared.replica_embeddings.documents_embedded
    writer_before = shared.writer_embeddings.documents_embedded
    for question in QUESTIONS:
        assert _answer_key(shared.replica.ask(question)) == _answer_key(shared.writer.ask(question)), question
    # Every sentence vector came from the server: the replica embedded only what the writer, which
    # ingested the documents, embedded too when answering (late-chunked sentences it re-encodes).
    replica_embedded = shared.replica_embeddings.documents_embedded - before
    assert replica_embedded == shared.writer_embeddings.documents_embedded - writer_before
    assert replica_embedded <= len(QUESTIONS) * (2 * REFINE_SENTENCES + 6)
    assert shared.replica_embeddings.queries_embedded >= len(QUESTIONS)
    assert not (shared.replica_dir / "sentences").exists()


@pytest.fixture
def lease_holder(shared: SharedIndex, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A writer on "another machine" (its own data directory) holding the lease, until killed."""
    env = _env(shared.settings, tmp_path / "holder-data")
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER], cwd=PROJECT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "held"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _env(settings: StoreSettings, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "STORE_"))}
    env.update(
        ASSISTANT_DATA_DIR=str(data_dir),
        CHROMA_HOST=str(settings.chroma_host),
        CHROMA_PORT=str(settings.chroma_port),
        CHROMA_COLLECTION_PREFIX=settings.collection_prefix,
        STORE_LEASE_SECONDS=str(LEASE_SECONDS),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    return env


def test_one_writer_at_a_time_across_machines_and_replicas_see_new_documents(
    shared: SharedIndex, lease_holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "lillehammer-sykkel.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    other = tmp_path / "second-writer-data"

    refused = run_cli("ingest", str(folder), data=other, env=_env(shared.settings, other), timeout=300)
    assert refused.returncode != 0, refused.stdout
    assert f"pid {lease_holder.pid}" in refused.stderr, refused.stderr
    assert str((tmp_path / "holder-data").resolve()) in refused.stderr  # which machine's process
    assert "being written by another process" in refused.stderr

    os.kill(lease_holder.pid, signal.SIGKILL)  # no chance to withdraw its claim
    lease_holder.wait(timeout=10)
    time.sleep(LEASE_SECONDS + 0.5)
    accepted = run_cli("ingest", str(folder), data=other, env=_env(shared.settings, other), timeout=600)
    assert accepted.returncode == 0, accepted.stderr

    replica = shared.replica.store  # the same process, never restarted
    assert "lillehammer-sykkel.txt" in {d.source for d in replica.list_documents()}
    answer = shared.replica.ask("Hvor stort budsjett får sykkelveiene i Lillehammer?")
    assert "lillehammer-sykkel.txt" in {c.source for c in answer.citations}, answer.text
    assert "17,4 millioner" in answer.text
