"""Hybrid retrieval over a real embedded Chroma with the fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core import Assistant, QuestionRejected
from assistant.retrieval import HybridRetriever, genitive_bases
from assistant.settings import AssistantSettings
from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS
from tests.fakes import FakeEmbeddings
from vectorstore.store import ChunkStore


@pytest.fixture
def corpus_store(store: ChunkStore) -> ChunkStore:
    ingest_paths([CORPUS], store)
    return store


def test_each_mode_finds_the_funding_document(corpus_store: ChunkStore) -> None:
    retriever = HybridRetriever(store=corpus_store, settings=AssistantSettings())
    for mode in ("hybrid", "dense", "bm25"):
        passages = retriever.retrieve("Kompetansepiloter millioner kroner finansierer", "nb", 5, mode=mode)
        assert passages[0].source == "innlandet-kompetansepiloter.txt", mode


def test_results_are_deterministic_and_exact_spans(corpus_store: ChunkStore) -> None:
    retriever = HybridRetriever(store=corpus_store, settings=AssistantSettings())
    first = retriever.retrieve("Hvilke næringsklynger er etablert på Hamar?", "nb", 5)
    second = retriever.retrieve("Hvilke næringsklynger er etablert på Hamar?", "nb", 5)
    assert [p.chunk_id for p in first] == [p.chunk_id for p in second]
    for p in first:
        doc = corpus_store.get_document(p.source)
        assert doc is not None and doc.text[p.char_start : p.char_end] == p.text


def test_source_filter(corpus_store: ChunkStore) -> None:
    retriever = HybridRetriever(store=corpus_store, settings=AssistantSettings())
    passages = retriever.retrieve("millioner kroner", "nb", 5, sources=["herning-uddannelsesstrategi.txt"])
    assert passages and {p.source for p in passages} == {"herning-uddannelsesstrategi.txt"}


def test_langchain_retriever_interface(corpus_store: ChunkStore) -> None:
    retriever = HybridRetriever(store=corpus_store, settings=AssistantSettings(top_k=3))
    docs = retriever.invoke("Tretorget Norwegian Wood Cluster")
    assert docs and docs[0].metadata["source"] == "innlandet-kompetansepiloter.txt"


def test_oversized_question_is_refused_before_any_embedding(tmp_path: Path) -> None:
    embeddings = FakeEmbeddings()
    from vectorstore.settings import StoreSettings

    store = ChunkStore(StoreSettings(data_dir=tmp_path / "d"), embeddings)
    assistant = Assistant(store=store, settings=AssistantSettings(max_question_chars=1000))
    with pytest.raises(QuestionRejected, match="1000"):
        assistant.ask("x" * 100_000)
    assert embeddings.calls == 0


def test_empty_index_says_what_to_do(store: ChunkStore) -> None:
    answer = Assistant(store=store).ask("Hvem finansierer Kompetansepiloter?")
    assert answer.abstained and "ingest" in answer.text


def test_an_english_word_finds_the_passage_that_spells_it_the_norwegian_way(corpus_store: ChunkStore) -> None:
    """ "coordinates" has no shared stem with "Koordinatorer TK og NTNU" (slide 12): only its
    cognate does, and it is the rarest word of the question."""
    retriever = HybridRetriever(store=corpus_store, settings=AssistantSettings())
    passages = retriever.retrieve("Who coordinates University Municipality 3.0?", "en", 3, mode="bm25")
    assert "Koordinatorer TK og NTNU" in passages[0].text


def test_a_misspelt_name_finds_the_passage_that_spells_it_right(corpus_store: ChunkStore) -> None:
    """ "Tretrget" is in no passage; "Tretorget", one letter away, is. Only BM25 searches here, so
    without the correction nothing is found."""
    retriever = HybridRetriever(store=corpus_store, settings=AssistantSettings())
    passages = retriever.retrieve("Hva er Tretrget?", "nb", 3, mode="bm25")
    assert passages and "Tretorget" in passages[0].text


def test_a_name_in_the_genitive_finds_the_passages_that_name_it(corpus_store: ChunkStore) -> None:
    """The stemmer makes "Hamar" "ham" but "Hamars" "hamar": without the name's base form, BM25
    found no Hamar passage for a Swedish question and ranked Herning's first."""
    retriever = HybridRetriever(store=corpus_store, settings=AssistantSettings())
    question = "Hur står sig utbildningsnivån bland Hamars invånare jämfört med andra norska städer?"
    passages = retriever.retrieve(question, "sv", 3, mode="bm25")
    assert passages and passages[0].source == "hamar-kunnskap-og-kompetanse.txt"


def test_a_swedish_word_finds_the_passage_that_says_it_another_way(corpus_store: ChunkStore) -> None:
    """Swedish "styrgrupp" is Norwegian "styringsgruppe": another word, not another spelling, and
    the only word of the question that names the slide."""
    retriever = HybridRetriever(store=corpus_store, settings=AssistantSettings())
    passages = retriever.retrieve("Vem sitter i styrgruppen?", "sv", 3, mode="bm25")
    assert passages and "Styringsgruppe" in passages[0].text


@pytest.mark.parametrize(
    ("question", "bases"),
    [
        ("Hur står sig utbildningsnivån bland Hamars invånare?", ["Hamar"]),
        ("Hvad er NTNUs rolle i Trondheims samarbejde?", ["NTNU", "Trondheim"]),
        ("Hvis Hamar har flest innbyggere, hvorfor?", []),  # "Hvis" is no name
    ],
)
def test_genitive_bases_are_the_names_without_their_s(question: str, bases: list[str]) -> None:
    assert genitive_bases(question) == bases
