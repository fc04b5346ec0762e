"""Late chunking with the real model: ingest encodes each passage once, the stored sentence vectors
are those pooled from its token states, and the seed questions are still answered right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.compose import REFINE_SENTENCES
from assistant.core import Assistant
from assistant.evaluation import fold
from ingest.chunking import answer_sentences
from ingest.pipeline import ingest_paths
from ingest.settings import IngestSettings
from tests.conftest import CORPUS, SHARED
from vectorstore.embeddings import load_embeddings
from vectorstore.onnx_backend import OnnxEmbeddings
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore, index_text

pytestmark = pytest.mark.integration

LATE = IngestSettings(sentence_vectors="late")

SEED = SHARED / "eval" / "seed-dev.jsonl"


class _CountingSession:
    """The onnxruntime session, counting the texts that go through the encoder."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self.texts = 0

    def run(self, outputs: Any, feed: dict[str, np.ndarray]) -> Any:
        self.texts += int(feed["input_ids"].shape[0])
        return self._session.run(outputs, feed)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> tuple[ChunkStore, _CountingSession]:
    embeddings = load_embeddings(StoreSettings())
    assert isinstance(embeddings, OnnxEmbeddings)
    embeddings.embed_query("load")
    counter = _CountingSession(embeddings._session)
    embeddings._session = counter
    store = ChunkStore(StoreSettings(data_dir=tmp_path_factory.mktemp("late")), embeddings)
    report = ingest_paths([CORPUS], store, settings=LATE)
    assert report.count("added") == 4, report.summary()
    return store, counter


def test_ingest_encodes_each_passage_once(counted: tuple[ChunkStore, _CountingSession]) -> None:
    store, counter = counted
    passages = list(store.iter_passages())
    assert counter.texts == len(passages), "no sentence went through the encoder a second time"
    stored = store.sentence_vectors([str(p.id) for p in passages])
    sentences = sum(len(answer_sentences(p.page_content, str(p.metadata["section"]))) for p in passages)
    assert sum(len(v) for v in stored.values()) == sentences > 5 * len(passages)
    # The stored rows are the passage's token states pooled over each sentence, not the sentence
    # encoded alone: re-pool one passage and compare.
    p = passages[0]
    section = str(p.metadata["section"])
    full = index_text(str(p.metadata["title"]), section, p.page_content)
    shift = len(full) - len(p.page_content)
    own = answer_sentences(p.page_content, section)
    [late] = store.embeddings.embed_passages([full], [[(s.start + shift, s.end + shift) for s in own]])
    for s, row in zip(own, late.span_vectors, strict=True):
        assert float(np.dot(stored[str(p.id)][(s.start, s.end)], row)) > 0.999


def test_seed_questions_are_answered_right(counted: tuple[ChunkStore, _CountingSession]) -> None:
    store, _ = counted
    assistant = Assistant(store=store)
    cases = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    wrong = []
    for case in cases:
        answer = assistant.ask(case["question"])
        if not case["answerable"]:
            right = answer.abstained
        else:
            cited = {c.source for c in answer.citations}
            right = bool(cited & set(case["expected_sources"])) and any(
                fold(a) in fold(answer.text) for a in case["expected_answers"]
            )
        if not right:
            wrong.append((case["id"], answer.text[:120]))
    assert not wrong, wrong


def test_the_loaded_graph_outputs_token_states() -> None:
    """A graph exported before the token-state output lives under another cache key: the one the
    backend loads always has both outputs."""
    from vectorstore import onnx_backend

    embeddings = load_embeddings(StoreSettings())
    assert isinstance(embeddings, OnnxEmbeddings)
    key = onnx_backend._cache_key(embeddings.model_dir)
    assert onnx_backend._GRAPH_VERSION
    embeddings._load()
    names = [o.name for o in embeddings._session.get_outputs()]
    assert names == ["sentence_embedding", "token_embeddings"]
    assert (embeddings.cache_dir / "onnx" / key / "model.onnx").is_file()


def test_torch_and_onnx_pool_the_same_sentence_vectors(counted: tuple[ChunkStore, _CountingSession]) -> None:
    """An index built on one backend and extended on the other gets the same late-chunked rows."""
    store, _ = counted
    torch_embeddings = load_embeddings(StoreSettings(embedding_backend="torch"))
    passages = list(store.iter_passages())[:6]
    texts, spans = [], []
    for p in passages:
        section = str(p.metadata["section"])
        texts.append(index_text(str(p.metadata["title"]), section, p.page_content))
        shift = len(texts[-1]) - len(p.page_content)
        spans.append([(s.start + shift, s.end + shift) for s in answer_sentences(p.page_content, section)])
    for a, b in zip(
        store.embeddings.embed_passages(texts, spans),
        torch_embeddings.embed_passages(texts, spans),
        strict=True,
    ):
        assert float(np.dot(a.vector, b.vector)) > 0.999
        assert ((a.span_vectors * b.span_vectors).sum(axis=1) > 0.999).all()
        assert a.missing == b.missing == ()


def test_a_question_re_embeds_only_its_likeliest_sentences_and_only_once(
    counted: tuple[ChunkStore, _CountingSession],
) -> None:
    """Pooled sentence vectors are marked as such; answering embeds the question and the few
    sentences the selector names (not every candidate, as `lazy` does), and a repeat embeds none."""
    store, counter = counted
    assert all(p.metadata.get("sentence_vectors") == "pooled" for p in store.iter_passages())
    store.reopen()  # forget what earlier tests' questions embedded
    assistant = Assistant(store=store)
    question = "Hvor mye penger har departementet bevilget til Kompetansepiloter?"
    before = counter.texts
    answer = assistant.ask(question)
    first = counter.texts - before
    candidates = sum(len(answer_sentences(p.text, p.section)) for p in answer.passages[:4])
    assert 1 < first <= 1 + REFINE_SENTENCES + 6 < candidates + 1, (first, candidates)
    again = counter.texts
    assert assistant.ask(question).text == answer.text
    assert counter.texts - again <= 1, "the refined sentences are cached"


CORPUS_QUESTIONS = (
    "Which documents mention bioeconomy?",
    "Sammenlign Hamar og Herning om samarbeid med næringslivet",
    "Hvilke dokumenter nevner praksis?",
)


def test_corpus_questions_quote_what_separate_vectors_quote(
    counted: tuple[ChunkStore, _CountingSession], tmp_path: Path
) -> None:
    """Per-document answers (comparisons, "which documents mention") pick each document's best
    sentence by its vector: from pooled vectors they re-encode the best few, so they find and
    quote what an index with separate sentence vectors does."""
    late, _ = counted
    separate = ChunkStore(StoreSettings(data_dir=tmp_path), late.embeddings)
    ingest_paths([CORPUS], separate, settings=IngestSettings(sentence_vectors="separate"))
    for question in CORPUS_QUESTIONS:
        got = Assistant(store=late).ask(question)
        expected = Assistant(store=separate).ask(question)
        assert got.corpus_kind and got.per_document
        assert [(f.source, f.mentioned, f.text) for f in got.per_document] == [
            (f.source, f.mentioned, f.text) for f in expected.per_document
        ], question
