"""The README's LCEL chain, run as written with a fake chat model: the retriever hands langchain
Documents with every citation field, and the passages reach the model numbered with their source."""

from __future__ import annotations

import re
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import FakeListChatModel

import assistant.runtime
from assistant.retrieval import HybridRetriever
from assistant.settings import AssistantSettings
from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS, PROJECT
from tests.fakes import FakeEmbeddings
from vectorstore.store import ChunkStore

QUESTION = "Hvem finansierer Kompetansepiloter?"
CITATION_FIELDS = {"source", "title", "chunk_id", "char_start", "char_end", "lang", "score"}


def _readme_chain() -> str:
    """The python block under "Using the retriever in your own langchain chain"."""
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Using the retriever in your own langchain chain", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README section has a python block"
    return match.group(1)


class _Prompts(BaseCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.seen += [str(m.content) for batch in messages for m in batch]


@pytest.fixture
def indexed(store: ChunkStore, monkeypatch: pytest.MonkeyPatch) -> ChunkStore:
    """The bundled corpus in the test's data folder; `open_store()` then opens it with the fake model."""
    ingest_paths([CORPUS], store)
    monkeypatch.setattr(assistant.runtime, "load_embeddings", lambda settings: FakeEmbeddings())
    return store


def test_invoke_returns_documents_with_every_citation_field(indexed: ChunkStore) -> None:
    docs = HybridRetriever(store=indexed, settings=AssistantSettings()).invoke(QUESTION)
    assert docs and docs[0].metadata["source"] == "innlandet-kompetansepiloter.txt"
    for doc in docs:
        assert set(doc.metadata) >= CITATION_FIELDS
        record = indexed.get_document(doc.metadata["source"])
        assert record is not None
        # The offsets locate the passage in the cleaned document: a citation can point into it.
        assert record.text[doc.metadata["char_start"] : doc.metadata["char_end"]] == doc.page_content
        assert doc.id == doc.metadata["chunk_id"]


def test_the_readme_chain_runs_with_any_chat_model(
    indexed: ChunkStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _readme_chain()
    model_line = next(line for line in code.splitlines() if line.startswith("model = ChatOpenAI("))
    reply = "Kommunal- og moderniseringsdepartementet finansierer ordningen [1]."
    code = code.replace(model_line, f"model = FakeListChatModel(responses=[{reply!r}])")
    prompts = _Prompts()
    code = code.replace("print(chain.invoke(", "print(chain.with_config(callbacks=[prompts]).invoke(")
    exec(compile(code, "README.md", "exec"), {"FakeListChatModel": FakeListChatModel, "prompts": prompts})
    assert capsys.readouterr().out.strip() == reply
    shown = "\n".join(prompts.seen)
    assert "[1] " in shown and "innlandet-kompetansepiloter.txt" in shown and QUESTION in shown
    assert "som finansierer ordningen" in shown  # the passage text itself reached the model
