"""Sentence vectors stored at ingest: what answers read instead of running the model per question."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.core import Assistant
from assistant.settings import AssistantSettings
from ingest.chunking import answer_sentences
from ingest.pipeline import ingest_paths
from tests.fakes import FakeEmbeddings
from vectorstore.sentence_vectors import pack, unpack
from vectorstore.store import ChunkStore

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_packed_vectors_come_back_per_span_within_float16_precision() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    spans = [(0, 40), (41, 97), (98, 150)]
    restored = unpack(pack(spans, vectors), 384)
    assert list(restored) == spans
    for span, row in zip(spans, vectors, strict=True):
        assert float(restored[span] @ row) > 0.9999


def test_vectors_of_another_dimension_are_ignored_not_misread() -> None:
    packed = pack([(0, 10)], np.ones((1, 64), dtype=np.float32))
    assert unpack(packed, 384) == {}
    assert unpack({}, 384) == {}


def test_every_quotable_sentence_is_stored_with_its_passage(store: ChunkStore) -> None:
    ingest_paths([CORPUS], store)
    passages = list(store.iter_passages())
    stored = store.sentence_vectors([p.id or "" for p in passages])
    for passage in passages:
        expected = [
            (s.start, s.end) for s in answer_sentences(passage.page_content, passage.metadata["section"])
        ]
        assert list(stored[passage.id or ""]) == expected


def test_answering_runs_the_model_once_for_the_question_only(
    store: ChunkStore, fake_embeddings: FakeEmbeddings
) -> None:
    ingest_paths([CORPUS], store)
    # The fake embedder's scores are not calibrated: answer whatever scores best.
    assistant = Assistant(store=store, settings=AssistantSettings(abstain_threshold=-10.0))
    calls, embedded = fake_embeddings.calls, fake_embeddings.texts_embedded
    answer = assistant.ask("Hvor mye penger får Kompetansepiloter til sammen?")
    assert answer.citations
    assert fake_embeddings.calls == calls + 1  # embed_query
    assert fake_embeddings.texts_embedded == embedded + 1
