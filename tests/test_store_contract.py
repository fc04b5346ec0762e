"""One store contract, three Chroma deployments: embedded, in-memory and a real `chroma run` server.

The rest of the code never knows which one it talks to, so each must behave the same for the
operations ingest and retrieval rely on. Plus the server-mode guards: version check, exposure warning.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.chroma_server import ChromaServer
from tests.conftest import PARAGRAPHS, all_ids, document_of, write_paragraphs
from tests.fakes import FakeEmbeddings
from vectorstore.client import check_server_version, warn_if_exposed
from vectorstore.lock import WriterBusyError
from vectorstore.sentence_vectors import SentenceVectors
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore, ModelMismatchError, StoreError

pytestmark = pytest.mark.timeout(120)

StoreFactory = Callable[..., ChunkStore]


@pytest.fixture(
    params=["embedded", "memory", pytest.param("server", marks=pytest.mark.server)],
)
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """Opens stores on one index of the given deployment; each call is a new process's view."""
    prefix = f"t{uuid.uuid4().hex[:10]}"  # in-memory and server data outlive a test: keep apart
    settings = StoreSettings(data_dir=tmp_path / "data", collection_prefix=prefix)
    if request.param == "server":
        server: ChromaServer = request.getfixturevalue("chroma_server")
        settings = settings.model_copy(update={"chroma_host": server.host, "chroma_port": server.port})

    def factory(model_id: str = "fake-hash-64", dim: int = 64) -> ChunkStore:
        embeddings = FakeEmbeddings(dim=dim, model_id=model_id)
        if request.param == "memory":
            return ChunkStore.in_memory(settings, embeddings)
        return ChunkStore(settings, embeddings)

    return factory


def test_writing_the_same_document_again_changes_nothing(open_store: StoreFactory) -> None:
    store = open_store()
    ids = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    before = all_ids(store)
    for _ in range(2):
        assert write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"]) == ids
    assert all_ids(store) == before and store.count() == 5
    assert [d.source for d in store.list_documents()] == ["herning.txt", "innlandet.txt"]
    assert sorted(store.finish_writes().ids) == sorted(before)


def test_a_new_version_replaces_the_old_passages(open_store: StoreFactory) -> None:
    store = open_store()
    old = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    changed = [PARAGRAPHS["innlandet.txt"][0], "Fylket bidrar med 1,882 millioner kroner."]
    new = write_paragraphs(store, "innlandet.txt", changed, version="v2")
    assert new[0] == old[0]
    assert store.get_passages(old[1:]) == []
    assert [p.page_content for p in store.get_passages(new)] == changed
    assert store.count() == 2
    record = store.get_document("innlandet.txt")
    assert record is not None and record.content_hash == "v2"
    assert store.lexical().search("1,882 millioner", k=1)[0][0] == new[1]


def test_delete_removes_the_document_and_its_passages(open_store: StoreFactory) -> None:
    store = open_store()
    ids = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    assert store.delete_document("innlandet.txt") is True
    assert store.delete_document("innlandet.txt") is False
    assert store.get_passages(ids) == [] and store.count() == 2
    assert set(store.lexical().ids) == all_ids(store)


def test_search_filters_by_source(open_store: StoreFactory) -> None:
    store = open_store()
    innlandet = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    query = store.embeddings.embed_query(PARAGRAPHS["innlandet.txt"][1])
    assert store.dense_search(query, k=1)[0][0].id == innlandet[1]
    only = store.dense_search(query, k=5, sources=["herning.txt"])
    assert only and {d.metadata["source"] for d, _ in only} == {"herning.txt"}
    assert sorted(store.passage_ids(["innlandet.txt"])) == sorted(innlandet)


def test_a_second_store_sees_commits_without_reopening(open_store: StoreFactory) -> None:
    writer, reader = open_store(), open_store()
    write_paragraphs(writer, "herning.txt", PARAGRAPHS["herning.txt"])
    assert len(reader.lexical().ids) == 2
    ids = write_paragraphs(writer, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    assert [p.id for p in reader.get_passages(ids)] == ids
    assert set(reader.lexical().ids) == all_ids(writer)


def test_another_embedding_model_is_refused(open_store: StoreFactory) -> None:
    write_paragraphs(open_store(model_id="model-a"), "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    other = open_store(model_id="model-b", dim=32)
    with pytest.raises(ModelMismatchError, match="model-a"):
        other.count()
    record, chunks = document_of("herning.txt", PARAGRAPHS["herning.txt"], "v1")
    with pytest.raises(ModelMismatchError):
        other.write_document(record, chunks, other.embeddings.embed_documents([c.text for c in chunks]))
    assert open_store(model_id="model-a").count() == 3


# ------------------------------------------------------------------------------ server-mode guards
@pytest.mark.parametrize(
    ("server", "client"),
    [("1.5.9", "1.5.9"), ("1.5.0", "1.5.9"), ("1.0.0", "1.5.9")],  # 1.0.0: every 1.x Rust server
)
def test_server_of_the_same_version_is_accepted(server: str, client: str) -> None:
    check_server_version(server, client)


@pytest.mark.parametrize("server", ["0.6.3", "1.4.2", "1.6.0", "2.0.0"])
def test_server_of_another_version_is_refused_with_both_versions(server: str) -> None:
    with pytest.raises(StoreError) as caught:
        check_server_version(server, "1.5.9", "db.internal:8000")
    message = str(caught.value)
    assert server in message and "1.5.9" in message and "db.internal:8000" in message
    assert "major.minor" in message


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    from tests.support import free_port

    settings = StoreSettings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(
        StoreError, match=f"Cannot reach the Chroma server at 127.0.0.1:{settings.chroma_port}"
    ):
        ChunkStore(settings, FakeEmbeddings())


@pytest.mark.parametrize(
    ("host", "ssl", "headers", "warned"),
    [
        ("127.0.0.1", False, {}, False),
        ("localhost", False, {}, False),
        ("::1", False, {}, False),
        ("chroma.internal", False, {}, True),
        ("10.0.0.5", False, {}, True),
        ("10.0.0.5", True, {}, False),
        ("10.0.0.5", False, {"Authorization": "Bearer x"}, False),
    ],
)
def test_remote_server_without_tls_or_headers_is_warned_about(
    host: str, ssl: bool, headers: dict[str, str], warned: bool, caplog: pytest.LogCaptureFixture
) -> None:
    settings = StoreSettings(chroma_host=host, chroma_ssl=ssl, chroma_headers=headers)
    with caplog.at_level(logging.WARNING, logger="vectorstore.store"):
        assert warn_if_exposed(settings) is warned
    assert ("no authentication" in caplog.text) is warned


def test_headers_are_read_as_json_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMA_HEADERS", '{"Authorization": "Bearer abc"}')
    assert StoreSettings().chroma_headers == {"Authorization": "Bearer abc"}


@pytest.mark.server
def test_server_mode_is_chosen_by_the_environment(
    chroma_server: ChromaServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CHROMA_HOST", chroma_server.host)
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server.port))
    monkeypatch.setenv("CHROMA_COLLECTION_PREFIX", f"t{uuid.uuid4().hex[:10]}")
    store = ChunkStore(StoreSettings(), FakeEmbeddings())
    write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to the embedded folder
    assert ChunkStore(StoreSettings(), FakeEmbeddings()).count() == 2


def _server_settings(chroma_server: ChromaServer, data_dir: Path, prefix: str) -> StoreSettings:
    return StoreSettings(
        data_dir=data_dir,
        chroma_host=chroma_server.host,
        chroma_port=chroma_server.port,
        collection_prefix=prefix,
    )


@pytest.mark.server
def test_server_writers_on_two_machines_are_kept_apart(chroma_server: ChromaServer, tmp_path: Path) -> None:
    prefix = f"t{uuid.uuid4().hex[:10]}"
    first = ChunkStore(_server_settings(chroma_server, tmp_path / "a", prefix), FakeEmbeddings())
    second = ChunkStore(_server_settings(chroma_server, tmp_path / "b", prefix), FakeEmbeddings())
    with first.writing("ingest"):
        write_paragraphs(first, "herning.txt", PARAGRAPHS["herning.txt"])
        with pytest.raises(WriterBusyError, match=str((tmp_path / "a").resolve())), second.writing("delete"):
            pytest.fail("a second writer got in")
    with second.writing("delete herning.txt"):  # the first released its lease on leaving
        assert second.delete_document("herning.txt")
    assert not (tmp_path / "a" / "write.lock").exists()  # the server's lease, not a local file


@pytest.mark.server
def test_sentence_vectors_an_earlier_version_kept_locally_move_to_the_server(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    prefix = f"t{uuid.uuid4().hex[:10]}"
    writer = ChunkStore(_server_settings(chroma_server, tmp_path / "writer", prefix), FakeEmbeddings())
    ids = write_paragraphs(writer, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    rows = np.asarray(writer.embeddings.embed_documents(["one sentence"] * len(ids)), dtype=np.float32)
    local = SentenceVectors(writer.settings.sentences_path, writer.embeddings.dimension)
    local.add([(chunk_id, [(0, 12)], rows[i : i + 1]) for i, chunk_id in enumerate(ids)])
    local.flush()  # as the previous version left them in the writer's data directory
    replica = ChunkStore(_server_settings(chroma_server, tmp_path / "replica", prefix), FakeEmbeddings())
    assert replica.sentence_vectors(ids) == {}
    with writer.writing("ingest"):
        pass  # the next write of any kind moves them
    assert set(replica.sentence_vectors(ids)) == set(ids)
    assert not writer.settings.sentences_path.exists()
