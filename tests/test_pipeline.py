"""Ingest as a user runs it, on the fake embedder: safe to re-run, replaces, prunes, reports bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from ingest.settings import IngestSettings
from tests.conftest import CORPUS
from tests.documents import make_docx, make_pdf
from tests.fakes import FakeEmbeddings
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore

INNLANDET = "innlandet-kompetansepiloter.txt"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the sample corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def _ids_by_source(store: ChunkStore) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for doc in store.iter_passages():
        out.setdefault(str(doc.metadata["source"]), set()).add(str(doc.id))
    return out


def _assert_consistent(store: ChunkStore) -> None:
    """Chroma holds exactly the committed chunks: no document lost a chunk or has one twice."""
    documents = store.list_documents()
    assert store.count() == sum(d.n_chunks for d in documents)
    for doc in store.iter_passages():
        record = store.get_document(str(doc.metadata["source"]))
        assert record is not None and record.content_hash == doc.metadata["doc_version"]
        assert (
            record.text[int(doc.metadata["char_start"]) : int(doc.metadata["char_end"])] == doc.page_content
        )
    by_source: dict[str, list[int]] = {}
    for doc in store.iter_passages():
        by_source.setdefault(str(doc.metadata["source"]), []).append(int(doc.metadata["position"]))
    for record in documents:
        assert sorted(by_source.get(record.source, [])) == list(range(record.n_chunks)), record.source
    lexical = store.lexical()
    assert set(lexical.ids) == {str(d.id) for d in store.iter_passages()}


def test_first_ingest_adds_every_document(store: ChunkStore, corpus: Path) -> None:
    report = ingest_paths([corpus], store)
    assert report.count("added") == 4 and report.skipped == []
    docs = {d.source: d for d in store.list_documents()}
    assert set(docs) == {p.name for p in corpus.iterdir()}
    assert docs["herning-uddannelsesstrategi.txt"].lang == "da"
    assert docs[INNLANDET].lang == "nb"
    assert (
        docs[INNLANDET].title
        == "6,3 millioner kroner til kompetanseheving i distriktene - Innlandet fylkeskommune"
    )
    assert docs[INNLANDET].publisher == "Innlandet fylkeskommune"
    assert all(d.root == str(corpus.resolve()) and d.file_format == "txt" for d in docs.values())
    stored = store.get_document(INNLANDET)
    assert stored is not None
    assert "Tretorget" in stored.text and "Klikk for stort bilde" not in stored.text
    assert report.chunks_written == store.count() > 4
    _assert_consistent(store)


def test_reingest_of_unchanged_files_embeds_nothing(
    store: ChunkStore, corpus: Path, fake_embeddings: FakeEmbeddings
) -> None:
    ingest_paths([corpus], store)
    ids_before = _ids_by_source(store)
    calls_before = fake_embeddings.calls
    report = ingest_paths([corpus], store)
    assert report.count("unchanged") == 4
    assert report.chunks_written == 0
    assert fake_embeddings.calls == calls_before
    assert _ids_by_source(store) == ids_before


def test_changed_file_replaces_its_chunks_and_leaves_others_alone(
    store: ChunkStore, corpus: Path, fake_embeddings: FakeEmbeddings
) -> None:
    ingest_paths([corpus], store)
    before = _ids_by_source(store)
    path = corpus / INNLANDET
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "sier Tore Gregersen.", "sier fylkesdirektør Tore Gregersen."
        ),
        encoding="utf-8",
    )
    embedded_before = fake_embeddings.texts_embedded
    report = ingest_paths([corpus], store)
    assert [(f.source, f.status) for f in report.files if f.status != "unchanged"] == [(INNLANDET, "updated")]
    after = _ids_by_source(store)
    for source in before:
        if source != INNLANDET:
            assert after[source] == before[source]
    # Only the changed document was embedded again: its passages and their quotable sentences.
    record = store.get_document(INNLANDET)
    assert record is not None
    stored = store.sentence_vectors(sorted(after[INNLANDET]))
    n_sentences = sum(len(spans) for spans in stored.values())
    assert n_sentences > record.n_chunks
    assert fake_embeddings.texts_embedded - embedded_before == record.n_chunks + n_sentences
    gone = before[INNLANDET] - after[INNLANDET]
    assert gone, "the chunk holding the edited sentence must get a new id"
    assert store.get_passages(sorted(gone)) == []
    texts = [d.page_content for d in store.iter_passages() if d.metadata["source"] == INNLANDET]
    assert any("sier fylkesdirektør Tore Gregersen." in t for t in texts)
    assert not any("sier Tore Gregersen." in t for t in texts)
    _assert_consistent(store)


def test_prune_removes_documents_whose_files_are_gone(
    store: ChunkStore, corpus: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "notat.txt").write_text("Et notat om Hamar kommune og kompetanse.", encoding="utf-8")
    ingest_paths([corpus], store)
    ingest_paths([other], store)
    (corpus / INNLANDET).unlink()

    without_prune = ingest_paths([corpus], store)
    assert without_prune.count("removed") == 0
    assert store.get_document(INNLANDET) is not None

    report = ingest_paths([corpus], store, prune=True)
    assert [(f.source, f.status) for f in report.files if f.status == "removed"] == [(INNLANDET, "removed")]
    assert store.get_document(INNLANDET) is None
    assert INNLANDET not in _ids_by_source(store)
    # A document from another folder is not touched by pruning this one.
    assert store.get_document("notat.txt") is not None
    _assert_consistent(store)


def test_prune_with_a_single_file_keeps_its_siblings(store: ChunkStore, corpus: Path) -> None:
    ingest_paths([corpus], store)
    report = ingest_paths([corpus / INNLANDET], store, prune=True)
    assert report.count("removed") == 0
    assert len(store.list_documents()) == 4


def test_bad_files_are_reported_and_skipped_the_rest_is_ingested(store: ChunkStore, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(CORPUS / INNLANDET, folder / INNLANDET)
    (folder / "notat.md").write_text("# Notat\n\nHamar satser på spill og bioøkonomi.\n", encoding="utf-8")
    make_docx(folder / "strategi.docx")
    (folder / "rapport.pdf").write_bytes(make_pdf([["Innlandet satser på treindustri."]]))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    (folder / "locked.pdf").write_bytes(make_pdf([["Hemmelig."]], user_password="hemmelig"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" + bytes(range(256)))
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "huge.txt").write_bytes(b"ord " * 400_000)
    (folder / ".hidden.txt").write_text("Skjult fil.", encoding="utf-8")

    report = ingest_paths([folder], store, settings=IngestSettings(max_file_mb=1))

    assert sorted(f.source for f in report.files if f.status == "added") == [
        INNLANDET, "notat.md", "rapport.pdf", "strategi.docx",
    ]  # fmt: skip
    reasons = {f.source: f.reason for f in report.skipped}
    assert set(reasons) == {"broken.pdf", "locked.pdf", "empty.txt", "image.txt", "budget.xlsx", "huge.txt"}
    assert "corrupt" in reasons["broken.pdf"]
    assert "encrypted" in reasons["locked.pdf"]
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["image.txt"]
    assert "unsupported" in reasons["budget.xlsx"]
    assert "limit" in reasons["huge.txt"]
    assert ".hidden.txt" not in {f.source for f in report.files}
    # Nothing at all was written for a bad file.
    assert set(_ids_by_source(store)) == {INNLANDET, "notat.md", "rapport.pdf", "strategi.docx"}
    summary = report.summary()
    assert summary.startswith("10 files: 4 added, 0 updated, 0 unchanged, 0 removed, 6 skipped;")
    _assert_consistent(store)


def test_three_reingests_lose_and_duplicate_nothing(store: ChunkStore, corpus: Path) -> None:
    first = ingest_paths([corpus], store)
    counts = {d.source: d.n_chunks for d in store.list_documents()}
    for _ in range(3):
        report = ingest_paths([corpus], store)
        assert report.count("unchanged") == 4
        assert store.count() == first.chunks_written == sum(counts.values())
        assert {d.source: d.n_chunks for d in store.list_documents()} == counts
        _assert_consistent(store)


def test_reindex_rewrites_everything_with_the_same_ids(
    store: ChunkStore, corpus: Path, fake_embeddings: FakeEmbeddings
) -> None:
    ingest_paths([corpus], store)
    before = _ids_by_source(store)
    report = ingest_paths([corpus], store, reindex=True)
    assert report.count("updated") == 4
    assert _ids_by_source(store) == before
    _assert_consistent(store)


def test_reindex_with_another_model_rebuilds_the_index(corpus: Path, _isolated_data_dir: Path) -> None:
    settings = StoreSettings(data_dir=_isolated_data_dir)
    ingest_paths([corpus], ChunkStore(settings, FakeEmbeddings(model_id="old-model")))
    new_store = ChunkStore(settings, FakeEmbeddings(model_id="new-model", dim=32))
    report = ingest_paths([corpus], new_store, reindex=True)
    assert report.count("added") == 4
    reopened = ChunkStore(settings, FakeEmbeddings(model_id="new-model", dim=32))
    assert len(reopened.list_documents()) == 4
    _assert_consistent(reopened)


def test_report_and_progress(store: ChunkStore, corpus: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    report = ingest_paths(
        [corpus], store, progress=lambda done, total, name: seen.append((done, total, name))
    )
    done = [s[0] for s in seen]
    assert done[0] == 0 and done == sorted(done) and {1, 2, 3, 4} <= set(done)  # moves file by file
    assert {s[1] for s in seen} == {4}
    assert seen[-1] == (4, 4, "")
    summary = report.summary()
    assert summary.startswith("4 files: 4 added, 0 updated, 0 unchanged, 0 removed, 0 skipped;")
    assert f"{store.count()} chunks written in" in summary
    assert report.seconds > 0


def test_missing_path_is_an_error(store: ChunkStore, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no-such-folder"):
        ingest_paths([tmp_path / "no-such-folder"], store)
