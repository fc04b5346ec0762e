"""Sentence vectors stored at ingest: what answers read instead of running the model per question."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from assistant.core import Assistant
from assistant.settings import AssistantSettings
from ingest.chunking import answer_sentences
from ingest.pipeline import ingest_paths
from tests.fakes import FakeEmbeddings
from vectorstore.sentence_vectors import SentenceVectors
from vectorstore.store import ChunkStore

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUESTION = "Hvor mye penger får Kompetansepiloter til sammen?"


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    rows = rng.normal(size=(n, 384)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_vectors_come_back_per_span_within_float16_precision(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    first, second = _unit(rng, 3), _unit(rng, 1)
    store = SentenceVectors(tmp_path / "sentences", 384)
    store.add([("a", [(0, 40), (41, 97), (98, 150)], first), ("b", [(0, 12)], second)])
    store.flush()
    reader = SentenceVectors(tmp_path / "sentences", 384)  # another process
    got = reader.get(["a", "b", "never-stored"])
    assert list(got) == ["a", "b"]
    assert list(got["a"]) == [(0, 40), (41, 97), (98, 150)]
    for span, row in zip(got["a"], first, strict=True):
        assert float(got["a"][span] @ row) > 0.9999


def test_a_newer_entry_wins_and_merging_drops_deleted_passages(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    store = SentenceVectors(tmp_path / "sentences", 384)
    for i in range(10):
        store.add([(f"p{i}", [(0, 10)], _unit(rng, 1))])
        store.flush()
    newer = _unit(rng, 1)
    store.add([("p0", [(0, 11)], newer)])
    store.flush(live_ids={"p0", "p1"})  # the 11th segment triggers a merge
    assert len([p for p in (tmp_path / "sentences").iterdir() if p.is_dir()]) == 1
    got = SentenceVectors(tmp_path / "sentences", 384).get([f"p{i}" for i in range(10)])
    assert sorted(got) == ["p0", "p1"]
    assert list(got["p0"]) == [(0, 11)] and float(got["p0"][(0, 11)] @ newer[0]) > 0.9999


def test_every_quotable_sentence_is_stored_for_its_passage(store: ChunkStore) -> None:
    ingest_paths([CORPUS], store)
    passages = list(store.iter_passages())
    stored = store.sentence_vectors([p.id or "" for p in passages])
    for passage in passages:
        expected = [
            (s.start, s.end)
            for s in answer_sentences(
                passage.page_content, passage.metadata["section"], passage.metadata["title"]
            )
        ]
        assert list(stored[passage.id or ""]) == expected


def _assistant(store: ChunkStore) -> Assistant:
    # The fake embedder's scores are not calibrated: answer whatever scores best.
    return Assistant(store=store, settings=AssistantSettings(abstain_threshold=-10.0))


def test_answering_runs_the_model_for_the_question_only(
    store: ChunkStore, fake_embeddings: FakeEmbeddings
) -> None:
    ingest_paths([CORPUS], store)
    assistant = _assistant(store)
    calls, embedded = fake_embeddings.calls, fake_embeddings.texts_embedded
    answer = assistant.ask(QUESTION)
    assert answer.citations
    assert fake_embeddings.calls == calls + 1  # embed_query
    assert fake_embeddings.texts_embedded == embedded + 1


def test_an_index_without_stored_sentences_still_answers_the_same(
    store: ChunkStore, fake_embeddings: FakeEmbeddings
) -> None:
    ingest_paths([CORPUS], store)
    expected = _assistant(store).ask(QUESTION)
    shutil.rmtree(store.settings.sentences_path)  # an index built before this version
    fresh = ChunkStore(store.settings, fake_embeddings)
    embedded = fake_embeddings.texts_embedded
    answer = _assistant(fresh).ask(QUESTION)
    assert fake_embeddings.texts_embedded > embedded + 1  # its sentences were embedded on the fly
    assert [c.quote for c in answer.citations] == [c.quote for c in expected.citations]
