"""INGEST_SENTENCE_VECTORS=lazy: ingest encodes passages only; a sentence is encoded the first time
a question needs it, so the answers are those of the default mode and ingest skips the second pass."""

from __future__ import annotations

from pathlib import Path

from assistant.core import Assistant
from ingest.pipeline import ingest_paths
from ingest.settings import IngestSettings
from tests.conftest import CORPUS
from tests.fakes import FakeEmbeddings
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore

LAZY = IngestSettings(sentence_vectors="lazy")
QUESTIONS = [
    "Hvor mye bidrar Innlandet fylkeskommune med til Kompetansepiloter?",
    "Hvem samarbeider Trondheim kommune med om Universitetskommune 3.0?",
    "Hvad ønsker Herning allervigtigst at skabe mellem uddannelserne og arbejdsmarkedet?",
]


def _store(data_dir: Path) -> tuple[ChunkStore, FakeEmbeddings]:
    embeddings = FakeEmbeddings()
    return ChunkStore(StoreSettings(data_dir=data_dir), embeddings), embeddings


def test_lazy_ingest_embeds_each_passage_once_and_stores_no_sentence_vectors(tmp_path: Path) -> None:
    store, embeddings = _store(tmp_path / "lazy")
    ingest_paths([CORPUS], store, settings=LAZY)
    passages = list(store.iter_passages())
    assert embeddings.texts_embedded == len(passages)
    assert store.sentence_vectors([str(p.id) for p in passages]) == {}


def test_lazy_answers_equal_the_default_modes_and_a_repeat_embeds_nothing(tmp_path: Path) -> None:
    lazy_store, lazy_embeddings = _store(tmp_path / "lazy")
    ingest_paths([CORPUS], lazy_store, settings=LAZY)
    default_store, _ = _store(tmp_path / "default")
    ingest_paths([CORPUS], default_store)
    lazy, default = Assistant(lazy_store), Assistant(default_store)
    for question in QUESTIONS:
        got, expected = lazy.ask(question), default.ask(question)
        assert got.text == expected.text
        quoted = [(c.source, c.quote) for c in got.citations]
        assert quoted == [(c.source, c.quote) for c in expected.citations]
    before = lazy_embeddings.texts_embedded
    lazy.ask(QUESTIONS[0])
    assert lazy_embeddings.texts_embedded == before + 1, "only the question: its sentences are cached"


def test_switching_to_lazy_re_reads_unchanged_files(tmp_path: Path) -> None:
    store, _ = _store(tmp_path / "switch")
    assert ingest_paths([CORPUS], store).count("added") == 4
    assert ingest_paths([CORPUS], store, settings=LAZY).count("updated") == 4
