"""The BM25 index follows ingests and deletes incrementally and stays equal to a full rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.pipeline import ingest_paths
from vectorstore.lexical import LexicalIndex
from vectorstore.store import ChunkStore

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUERIES = ["Hvem samarbeider med Tretorget?", "bioøkonomi og spill", "erhvervsliv uddannelse", "NTNU"]


def _segments(store: ChunkStore) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in store.settings.lexical_path.glob("*.npz")}


def _same_as_rebuild(store: ChunkStore) -> None:
    saved = LexicalIndex.load(store.settings.lexical_path)
    assert saved is not None and saved.manifest.generation == store.generation()
    assert sorted(saved.ids) == sorted(store.passage_ids())
    rebuilt = store.rebuild_lexical()
    for query in QUERIES:
        assert saved.search(query, k=10) == rebuilt.search(query, k=10)


def test_adding_a_document_appends_a_segment_and_leaves_the_rest_untouched(
    store: ChunkStore, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    files = sorted(CORPUS.glob("*.txt"))
    for f in files[:-1]:
        shutil.copy(f, folder)
    ingest_paths([folder], store)
    before = _segments(store)
    shutil.copy(files[-1], folder)
    ingest_paths([folder], store)
    after = _segments(store)
    assert len(after) == len(before) + 1
    assert all(after.get(name) == inode for name, inode in before.items())  # not rewritten
    _same_as_rebuild(store)


def test_deleting_and_changing_documents_keeps_the_index_exact(store: ChunkStore, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    ingest_paths([folder], store)
    victim = sorted(folder.glob("*.txt"))[0]
    victim.write_text(
        victim.read_text(encoding="utf-8") + "\n\nEt nytt avsnitt om Tretorget.\n", encoding="utf-8"
    )
    ingest_paths([folder], store)
    _same_as_rebuild(store)
    assert store.delete_document(victim.name)
    store.finish_writes()
    _same_as_rebuild(store)


def test_an_index_left_behind_by_a_crash_is_rebuilt_not_extended(store: ChunkStore, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    ingest_paths([folder], store)
    stale = LexicalIndex.load(store.settings.lexical_path)
    assert stale is not None
    # Another writer commits a deletion and dies before updating the BM25 index.
    other = ChunkStore(store.settings, store.embeddings)
    assert other.delete_document(sorted(p.name for p in folder.glob("*.txt"))[0])
    victim = sorted(folder.glob("*.txt"))[1]
    victim.write_text(victim.read_text(encoding="utf-8") + "\n\nEndret tekst.\n", encoding="utf-8")
    ingest_paths([folder / victim.name], store)
    _same_as_rebuild(store)
