"""`index export` / `index import`: a round trip answers alike; a refusal or failure changes nothing."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import uuid
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.settings import AssistantSettings
from ingest.pipeline import ingest_paths
from tests.chroma_server import ChromaServer
from tests.conftest import CORPUS
from tests.fakes import FakeEmbeddings
from vectorstore.backup import ArchiveError, export_index, import_index
from vectorstore.client import collection_names
from vectorstore.diskspace import DiskFullError
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore, ModelMismatchError, StoreError

pytestmark = pytest.mark.timeout(180)

QUESTION = "Hvem finansierer ordningen Kompetansepiloter?"
INNLANDET = "innlandet-kompetansepiloter.txt"


def _store(data: Path, **settings: object) -> ChunkStore:
    return ChunkStore(StoreSettings(data_dir=data, **settings), FakeEmbeddings())


def _answer(store: ChunkStore) -> tuple[str, list[tuple[str, str, int, int]]]:
    answer = Assistant(store=store, settings=AssistantSettings(abstain_threshold=-1.0)).ask(QUESTION)
    return answer.text, [(c.source, c.chunk_id, c.char_start, c.char_end) for c in answer.citations]


def _snapshot(store: ChunkStore) -> dict[str, object]:
    """What a user could notice of an index: its documents, passages, BM25 ids."""
    return {
        "documents": [(d.source, d.content_hash, d.n_chunks) for d in store.list_documents()],
        "passages": sorted((str(p.id), p.page_content) for p in store.iter_passages()),
        "bm25": sorted(store.lexical().ids),
    }


@pytest.fixture
def exported(store: ChunkStore, tmp_path: Path) -> Path:
    """The sample corpus, ingested with the fake embedder and exported."""
    ingest_paths([CORPUS], store)
    return export_index(store, tmp_path / "backup" / "index.tar.gz").path


def _collection_names(store: ChunkStore) -> set[str]:
    return collection_names(store.client)


def test_round_trip_answers_the_same_question_with_the_same_citations(
    store: ChunkStore, exported: Path, tmp_path: Path
) -> None:
    before = _answer(store)
    assert before[1], "the question must be answered with citations"
    target = _store(tmp_path / "restored")
    summary = import_index(target, exported)
    assert summary.counts["passages"] == store.count() and summary.counts["documents"] == 4
    assert summary.counts["sentence_vectors"] == store.count()  # every passage had quotable sentences
    assert summary.self_check == (summary.counts["passages"], summary.counts["passages"])
    assert _snapshot(target) == _snapshot(store)
    reopened = _store(tmp_path / "restored")
    assert _answer(reopened) == before
    ids = sorted(reopened.passage_ids())
    assert reopened.sentence_vectors(ids).keys() == store.sentence_vectors(ids).keys()
    assert "4 documents" in summary.summary("Imported") and "self-check" in summary.summary("Imported")


def test_archive_holds_a_manifest_with_model_counts_and_checksums(store: ChunkStore, exported: Path) -> None:
    with tarfile.open(exported) as tar:
        assert tar.getnames()[0] == "manifest.json"
        manifest_file = tar.extractfile("manifest.json")
        assert manifest_file is not None
        manifest = json.load(manifest_file)
        assert set(tar.getnames()) == {"manifest.json", *manifest["members"]}
    assert manifest["format_version"] == 1
    assert manifest["embedding_model"] == "fake-hash-64" and manifest["embedding_dim"] == 64
    assert manifest["counts"]["passages"] == store.count()
    assert manifest["collection_metadata"]["generation"] == store.generation()
    assert all(len(digest) == 64 for digest in manifest["members"].values())
    assert {"passages/embeddings.npy", "documents/records.jsonl", "sentences/vectors.npy"} <= set(
        manifest["members"]
    )


def test_a_non_empty_index_is_refused_unless_replace(
    store: ChunkStore, exported: Path, tmp_path: Path
) -> None:
    target = _store(tmp_path / "other")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "notat.txt").write_text("Et notat om Hamar kommune og bioøkonomi.", encoding="utf-8")
    ingest_paths([notes], target)
    before = _snapshot(target)
    reader = _store(tmp_path / "other")  # a running app, opened before the import
    assert [d.source for d in reader.list_documents()] == ["notat.txt"]

    with pytest.raises(StoreError, match=r"not empty.*--replace"):
        import_index(target, exported)
    assert _snapshot(target) == before

    import_index(target, exported, replace=True)
    assert _snapshot(target) == _snapshot(store)
    assert _snapshot(reader) == _snapshot(store)  # sees the new index without reopening
    assert _answer(reader) == _answer(store)
    leftovers = {n for n in _collection_names(target) if "import" in n or "retired" in n}
    assert leftovers == set()
    assert [p.name for p in (tmp_path / "other").iterdir() if p.name.startswith(".")] == []


def _tamper(archive: Path, member: str, out: Path) -> Path:
    """A copy of the archive with one member changed and the manifest left as it was."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info)
            assert data is not None
            content = data.read()
            if info.name == member:
                content = content.replace(b"Tretorget", "Trætorget".encode())
                info.size = len(content)
            dst.addfile(info, io.BytesIO(content))
    return out


def test_a_damaged_archive_is_refused_and_the_index_left_unchanged(
    store: ChunkStore, exported: Path, tmp_path: Path
) -> None:
    target = _store(tmp_path / "other")
    ingest_paths([CORPUS / INNLANDET], target)
    before = _snapshot(target)

    tampered = _tamper(exported, "passages/records.jsonl", tmp_path / "tampered.tar.gz")
    with pytest.raises(ArchiveError, match=r"checksum of passages/records.jsonl does not match"):
        import_index(target, tampered, replace=True)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(exported.read_bytes()[: exported.stat().st_size // 2])
    with pytest.raises(ArchiveError, match="not a readable index export"):
        import_index(target, truncated, replace=True)

    not_an_export = tmp_path / "notes.tar.gz"
    with tarfile.open(not_an_export, "w:gz") as tar:
        tar.add(CORPUS / INNLANDET, arcname=INNLANDET)
    with pytest.raises(ArchiveError, match="not a readable index export"):
        import_index(target, not_an_export, replace=True)

    assert _snapshot(target) == before
    assert {n for n in _collection_names(target) if "import" in n} == set()


def test_an_export_of_another_model_is_refused(exported: Path, tmp_path: Path) -> None:
    target = ChunkStore(StoreSettings(data_dir=tmp_path / "other"), FakeEmbeddings(model_id="other", dim=32))
    with pytest.raises(ModelMismatchError, match="EMBEDDING_MODEL=fake-hash-64"):
        import_index(target, exported)
    assert target.count() == 0


def test_a_failure_half_way_leaves_the_previous_index_whole(
    store: ChunkStore, exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _store(tmp_path / "other")
    ingest_paths([CORPUS / INNLANDET], target)
    before = _snapshot(target)

    def broken(self: ChunkStore, entries: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ChunkStore, "put_sentence_vectors", broken)
    with pytest.raises(OSError, match="disk full"):
        import_index(target, exported, replace=True)
    assert _snapshot(_store(tmp_path / "other")) == before
    assert {n for n in _collection_names(target) if "import" in n} == set()
    assert [p.name for p in (tmp_path / "other").iterdir() if p.name.startswith(".")] == []


def test_a_failed_self_check_imports_nothing(
    store: ChunkStore, exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vectorstore.backup

    monkeypatch.setattr(vectorstore.backup, "_self_check", lambda staged, progress: (48, 50))
    target = _store(tmp_path / "other")
    with pytest.raises(StoreError, match="only 48 of 50"):
        import_index(target, exported)
    assert target.count() == 0 and target.list_documents() == []


def test_an_empty_index_has_nothing_to_export(store: ChunkStore, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no index to export"):
        export_index(store, tmp_path / "x.tar.gz")
    assert not (tmp_path / "x.tar.gz").exists()


def test_cli_exports_and_imports_with_a_summary(
    store: ChunkStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant import cli

    ingest_paths([CORPUS], store)
    target = _store(tmp_path / "restored")
    stores = iter([store, target, _store(tmp_path / "restored")])
    monkeypatch.setattr(cli, "_store", lambda: next(stores))
    archive = tmp_path / "index.tar.gz"

    assert cli.main(["index", "export", str(archive), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"Exported {store.count()} passages, 4 documents" in out and str(archive) in out

    assert cli.main(["index", "import", str(archive), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"Imported {store.count()} passages, 4 documents" in out
    assert f"self-check: {store.count()}/{store.count()}" in out

    assert cli.main(["index", "import", str(archive), "--quiet"]) == 1
    assert "--replace" in capsys.readouterr().err


@pytest.mark.server
def test_round_trip_through_a_chroma_server(
    store: ChunkStore, exported: Path, tmp_path: Path, chroma_server: ChromaServer
) -> None:
    on_server = _store(
        tmp_path / "server-side",
        chroma_host=chroma_server.host,
        chroma_port=chroma_server.port,
        collection_prefix=f"t{uuid.uuid4().hex[:10]}",
    )
    import_index(on_server, exported)
    assert _snapshot(on_server) == _snapshot(store)
    assert _answer(on_server) == _answer(store)
    # And back: the server's export restores into a fresh embedded folder.
    again = export_index(on_server, tmp_path / "from-server.tar.gz").path
    embedded = _store(tmp_path / "back")
    import_index(embedded, again)
    assert _answer(embedded) == _answer(store)
    shutil.rmtree(tmp_path / "back")


def test_an_export_onto_a_full_disk_says_what_to_do_and_leaves_nothing_behind(
    store: ChunkStore, tmp_path: Path
) -> None:
    """A file size limit stands in for a full disk (Python ignores SIGXFSZ, so a write past it
    fails with EFBIG); the message speaks of the export, not of an ingest."""
    import resource

    ingest_paths([CORPUS], store)
    out = tmp_path / "backups"
    out.mkdir()
    archive = out / "index.tar.gz"
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, hard))
    try:
        with pytest.raises(DiskFullError) as caught:
            export_index(store, archive)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    message = str(caught.value)
    assert message.startswith(f"Writing the export archive in {out} failed: the disk is full")
    assert "export again" in message and "run the ingest" not in message
    assert list(out.iterdir()) == []  # no partial archive, no temporary folder
    assert export_index(store, archive).counts["passages"] == store.count()  # the retry works
