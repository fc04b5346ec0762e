"""Re-ingesting loses or duplicates nothing, and a running app sees another process's ingest at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.core import Assistant
from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS, run_cli
from vectorstore.lexical import LexicalIndex
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore

INNLANDET = "innlandet-kompetansepiloter.txt"
HERNING = "herning-uddannelsesstrategi.txt"


def _counted(store: ChunkStore) -> dict[str, int]:
    """Ids counted, not compared as sets: a duplicate shows up as a difference."""
    chroma = store.passage_ids()
    bm25 = store.lexical().ids
    saved = LexicalIndex.load(store.settings.lexical_path)
    assert saved is not None
    return {
        "chroma": len(chroma),
        "chroma_unique": len(set(chroma)),
        "bm25": len(bm25),
        "bm25_unique": len(set(bm25)),
        "bm25_saved": saved.manifest.count,
        "committed": sum(d.n_chunks for d in store.list_documents()),
    }


@pytest.mark.parametrize("reindex", [False, True], ids=["unchanged", "reindex"])
def test_ingesting_the_same_folder_three_times_loses_and_duplicates_nothing(
    store: ChunkStore, tmp_path: Path, reindex: bool
) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    ingest_paths([folder], store)
    first = _counted(store)
    ids = sorted(store.passage_ids())
    assert len(set(first.values())) == 1 and first["chroma"] > 4
    for _ in range(3):
        report = ingest_paths([folder], store, reindex=reindex)
        assert report.count("updated" if reindex else "unchanged") == 4
        assert _counted(store) == first
        assert sorted(store.passage_ids()) == ids
    assert sorted(ChunkStore(store.settings, store.embeddings).lexical().ids) == ids  # as saved


@pytest.mark.integration
@pytest.mark.timeout(600)
def test_a_running_assistant_sees_an_ingest_by_another_process(real_embeddings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / INNLANDET, folder)
    store = ChunkStore(StoreSettings(data_dir=data), real_embeddings)
    ingest_paths([folder], store)
    assistant = Assistant(store=store)
    assistant.warm_up()
    question = "Hvilken skole blev etableret for eksport?"
    assert HERNING not in {c.source for c in assistant.ask(question).citations}

    shutil.copy(CORPUS / HERNING, folder)
    done = run_cli("ingest", str(folder), "--quiet", data=data, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 added" in done.stdout and "1 unchanged" in done.stdout

    answer = assistant.ask(question)  # the same, already open assistant: no restart
    assert answer.citations and answer.citations[0].source == HERNING
    assert "Eksportskolen" in " ".join(c.quote for c in answer.citations)
    assert {d.source for d in store.list_documents()} == {INNLANDET, HERNING}
    assert set(store.lexical().ids) == set(store.passage_ids())
    # Dense search too, not only BM25: the open Chroma client reloads the other process's vectors.
    hits = store.dense_search(real_embeddings.embed_query(question), k=3)
    assert hits[0][0].metadata["source"] == HERNING
    ids = store.passage_ids()
    assert set(store.passage_vectors(ids)) == set(ids)
