"""The onnxruntime backends give the torch model's vectors, are chosen by EMBEDDING_BACKEND, work offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.chunking import chunk_text
from ingest.clean import clean_text
from tests.conftest import CORPUS, PROJECT
from vectorstore.embeddings import IndexEmbeddings, SentenceTransformerEmbeddings, load_embeddings
from vectorstore.onnx_backend import OnnxEmbeddings
from vectorstore.settings import DEFAULT_EMBEDDING_MODEL, StoreSettings
from vectorstore.store import ChunkStore, ModelMismatchError, index_text

pytestmark = pytest.mark.integration

QUERIES = [
    "Hvor mye penger får ordningen Kompetansepiloter til sammen?",
    "Which ministry finances the competence pilots?",
    "Hvilke partnere samarbejder Herning med om uddannelse?",
]


def _corpus_passages() -> list[str]:
    passages: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = clean_text(path.read_text(encoding="utf-8"))
        passages += [index_text(path.stem, c.section, c.text) for c in chunk_text(path.name, text)]
    return passages


def _backend(backend: str) -> IndexEmbeddings:
    return load_embeddings(StoreSettings(embedding_backend=backend))


@pytest.fixture(scope="module")
def torch_embeddings() -> IndexEmbeddings:
    """The sentence-transformers (torch) run of the model: the reference the ONNX graphs must match."""
    return _backend("torch")


@pytest.fixture(scope="module")
def onnx_fp32() -> IndexEmbeddings:
    return _backend("onnx")


@pytest.fixture(scope="module")
def onnx_int8() -> IndexEmbeddings:
    return _backend("onnx-int8")


def _cosines(a: IndexEmbeddings, b: IndexEmbeddings, passages: list[str]) -> np.ndarray:
    return (np.asarray(a.embed_documents(passages)) * np.asarray(b.embed_documents(passages))).sum(axis=1)


def _query_cosines(a: IndexEmbeddings, b: IndexEmbeddings) -> list[float]:
    return [float(np.dot(a.embed_query(q), b.embed_query(q))) for q in QUERIES]


def test_onnx_fp32_gives_the_torch_vectors(torch_embeddings, onnx_fp32) -> None:  # type: ignore[no-untyped-def]
    passages = _corpus_passages()
    assert len(passages) >= 15
    cosines = _cosines(torch_embeddings, onnx_fp32, passages)
    assert cosines.min() >= 0.999, cosines  # measured 0.99999
    assert min(_query_cosines(torch_embeddings, onnx_fp32)) >= 0.999
    # Same vectors, so the same identity: an index built on torch can be queried on ONNX.
    assert onnx_fp32.model_id == torch_embeddings.model_id == DEFAULT_EMBEDDING_MODEL
    assert onnx_fp32.dimension == 384


def test_onnx_int8_stays_close_to_torch(torch_embeddings, onnx_int8) -> None:  # type: ignore[no-untyped-def]
    cosines = _cosines(torch_embeddings, onnx_int8, _corpus_passages())
    assert cosines.mean() >= 0.99, cosines  # measured mean 0.997, min 0.996 (per-channel int8)
    assert cosines.min() >= 0.99, cosines
    assert min(_query_cosines(torch_embeddings, onnx_int8)) >= 0.99
    assert onnx_int8.model_id == DEFAULT_EMBEDDING_MODEL + "+int8"


def test_padding_truncation_and_order_do_not_change_a_vector(torch_embeddings, onnx_fp32) -> None:  # type: ignore[no-untyped-def]
    passages = _corpus_passages()
    # Alone (no padding), in a mixed batch (padded), and a text far past 512 tokens (truncated).
    long_text = " ".join(passages) * 2
    texts = [passages[3], "Kort.", long_text, passages[0]]
    batch = np.asarray(onnx_fp32.embed_documents(texts))
    alone = np.asarray([onnx_fp32.embed_documents([t])[0] for t in texts])
    assert ((batch * alone).sum(axis=1) >= 0.9999).all()
    torch_vectors = np.asarray(torch_embeddings.embed_documents(texts))
    assert ((batch * torch_vectors).sum(axis=1) >= 0.999).all()
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-4)
    assert onnx_fp32.embed_documents([]) == []


def test_the_setting_selects_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMBEDDING_BACKEND", raising=False)
    default = load_embeddings(StoreSettings())
    assert isinstance(default, OnnxEmbeddings) and default.precision == "fp32"  # the measured fastest
    monkeypatch.setenv("EMBEDDING_BACKEND", "torch")
    assert isinstance(load_embeddings(StoreSettings()), SentenceTransformerEmbeddings)
    for backend, model_id in [
        ("onnx", DEFAULT_EMBEDDING_MODEL),
        ("onnx-int8", DEFAULT_EMBEDDING_MODEL + "+int8"),
    ]:
        monkeypatch.setenv("EMBEDDING_BACKEND", backend)
        embeddings = load_embeddings(StoreSettings())
        assert isinstance(embeddings, OnnxEmbeddings)
        assert embeddings.model_id == model_id
    monkeypatch.setenv("EMBEDDING_BACKEND", "openvino")
    with pytest.raises(ValueError, match="EMBEDDING_BACKEND"):
        StoreSettings()


def test_an_int8_process_refuses_a_full_precision_index(
    _isolated_data_dir: Path, torch_embeddings, onnx_fp32, onnx_int8
) -> None:  # type: ignore[no-untyped-def]
    from ingest.pipeline import ingest_paths

    settings = StoreSettings(data_dir=_isolated_data_dir)
    writer = ChunkStore(settings, onnx_fp32)
    ingest_paths([CORPUS / "innlandet-kompetansepiloter.txt"], writer)
    # Built on ONNX fp32, searched on torch: the same model, so it is allowed and finds the text.
    hits = ChunkStore(settings, torch_embeddings).dense_search(
        torch_embeddings.embed_query("Hvem finansierer Kompetansepiloter?"), k=3
    )
    assert hits
    with pytest.raises(ModelMismatchError, match=r"\+int8"):
        ChunkStore(settings, onnx_int8).list_documents()


def test_loads_offline(tmp_path: Path, onnx_int8) -> None:  # type: ignore[no-untyped-def]
    """With the hub unreachable and forbidden, the exported model loads and embeds."""
    code = (
        "from vectorstore.embeddings import load_embeddings\n"
        "from vectorstore.settings import StoreSettings\n"
        "e = load_embeddings(StoreSettings())\n"
        "print(e.model_id, len(e.embed_query('Hvem er partnere?')))\n"
    )
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_ENDPOINT": "http://127.0.0.1:9",  # any hub request would fail loudly
        "EMBEDDING_BACKEND": "onnx-int8",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [DEFAULT_EMBEDDING_MODEL + "+int8", "384"]
