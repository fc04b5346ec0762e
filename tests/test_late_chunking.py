"""Late chunking: a sentence's vector is the mean of its own token states in the passage, and ingest
stores those instead of encoding every sentence a second time."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ingest.chunking import answer_sentences
from ingest.pipeline import ingest_paths
from ingest.settings import IngestSettings
from tests.conftest import CORPUS
from tests.fakes import FakeLateEmbeddings
from vectorstore.late_chunking import pool_spans
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore, index_text

INNLANDET = CORPUS / "innlandet-kompetansepiloter.txt"
LATE = IngestSettings(sentence_vectors="late")
SEPARATE = IngestSettings(sentence_vectors="separate")


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def test_a_span_gets_the_normalised_mean_of_the_tokens_inside_it() -> None:
    text = "<s> Første setning her. Andre setning. </s>"
    states = np.random.default_rng(0).normal(size=(8, 4)).astype(np.float32)
    # CLS, Første, setning, her., Andre, setning., SEP, a padding row past the text
    offsets = [(0, 0), (4, 10), (11, 18), (19, 23), (24, 29), (30, 38), (0, 0), (0, 0)]
    special = [1, 0, 0, 0, 0, 0, 1, 1]
    first, second = (4, 23), (24, 38)
    assert text[slice(*first)] == "Første setning her." and text[slice(*second)] == "Andre setning."
    pooled, missing = pool_spans(states, offsets, special, [first, second])
    assert missing == ()
    assert np.allclose(pooled[0], _unit(states[1:4].mean(axis=0)), atol=1e-6)
    assert np.allclose(pooled[1], _unit(states[4:6].mean(axis=0)), atol=1e-6)
    # A token that only partly overlaps a span (a sub-word cut by the span edge) counts.
    pooled, _ = pool_spans(states, offsets, special, [(6, 15)])
    assert np.allclose(pooled[0], _unit(states[1:3].mean(axis=0)), atol=1e-6)


def test_a_sentence_past_the_models_input_is_reported_missing() -> None:
    states = np.ones((3, 4), dtype=np.float32)
    # The text was truncated after "setning" (ends at 18): the second sentence was never seen whole.
    pooled, missing = pool_spans(states, [(4, 10), (11, 18), (19, 23)], [0, 0, 0], [(4, 18), (19, 40)])
    assert missing == (1,)
    assert np.allclose(np.linalg.norm(pooled[0]), 1.0) and not pooled[1].any()


def test_ingest_stores_late_chunked_sentence_vectors_without_a_second_pass(_isolated_data_dir: Path) -> None:
    embeddings = FakeLateEmbeddings()
    store = ChunkStore(StoreSettings(data_dir=_isolated_data_dir), embeddings)
    ingest_paths([INNLANDET], store, settings=LATE)
    assert embeddings.passage_calls >= 1
    assert embeddings.calls == 0, "no sentence was embedded on its own"
    passages = list(store.iter_passages())
    stored = store.sentence_vectors([str(p.id) for p in passages])
    title = store.list_documents()[0].title
    checked = 0
    for p in passages:
        section = str(p.metadata["section"])
        full = index_text(title, section, p.page_content)
        shift = len(full) - len(p.page_content)
        states, offsets = embeddings.token_states(full)
        starts, ends = np.array([o[0] for o in offsets]), np.array([o[1] for o in offsets])
        for s in answer_sentences(p.page_content, section):
            inside = (starts < s.end + shift) & (ends > s.start + shift)
            expected = _unit(states[inside].mean(axis=0))
            # Stored as float16, so equal to three decimals.
            assert np.allclose(stored[str(p.id)][(s.start, s.end)], expected, atol=2e-3)
            checked += 1
    assert checked >= 10


def test_sentences_past_the_input_limit_are_embedded_on_their_own(_isolated_data_dir: Path) -> None:
    embeddings = FakeLateEmbeddings(max_tokens=40)
    store = ChunkStore(StoreSettings(data_dir=_isolated_data_dir), embeddings)
    ingest_paths([INNLANDET], store, settings=LATE)
    passages = list(store.iter_passages())
    stored = store.sentence_vectors([str(p.id) for p in passages])
    assert embeddings.texts_embedded > 0
    for p in passages:
        for s in answer_sentences(p.page_content, str(p.metadata["section"])):
            vector = stored[str(p.id)][(s.start, s.end)]
            assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-2, "every sentence has a unit vector"


def test_by_default_sentences_are_pooled_from_one_pass_and_marked(_isolated_data_dir: Path) -> None:
    """Late chunking is the default: one pass per passage, and the passages say their sentence
    vectors are pooled, so answering re-encodes the likeliest few (compose._refined)."""
    embeddings = FakeLateEmbeddings()
    store = ChunkStore(StoreSettings(data_dir=_isolated_data_dir), embeddings)
    ingest_paths([INNLANDET], store)
    assert embeddings.passage_calls == 1
    assert all(p.metadata.get("sentence_vectors") == "pooled" for p in store.iter_passages())


def test_in_separate_mode_each_sentence_is_embedded_on_its_own(_isolated_data_dir: Path) -> None:
    """`separate` keeps the sentence vectors the selector was trained with, unmarked."""
    embeddings = FakeLateEmbeddings()
    store = ChunkStore(StoreSettings(data_dir=_isolated_data_dir), embeddings)
    ingest_paths([INNLANDET], store, settings=SEPARATE)
    assert embeddings.passage_calls == 0
    assert not any(p.metadata.get("sentence_vectors") for p in store.iter_passages())
    passages = list(store.iter_passages())
    stored = store.sentence_vectors([str(p.id) for p in passages])
    p = passages[0]
    s = answer_sentences(p.page_content, str(p.metadata["section"]))[0]
    own = np.asarray(embeddings.embed_documents([s.embed_text])[0])
    assert np.allclose(stored[str(p.id)][(s.start, s.end)], own, atol=2e-3)


def test_switching_to_late_chunking_re_embeds_unchanged_files(_isolated_data_dir: Path) -> None:
    store = ChunkStore(StoreSettings(data_dir=_isolated_data_dir), FakeLateEmbeddings())
    assert ingest_paths([INNLANDET], store, settings=SEPARATE).count("added") == 1
    assert ingest_paths([INNLANDET], store, settings=SEPARATE).count("unchanged") == 1
    assert ingest_paths([INNLANDET], store, settings=LATE).count("updated") == 1
