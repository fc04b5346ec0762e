"""Test doubles, all in one place: a deterministic embedder that needs no model, a crashing collection."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

from vectorstore.embeddings import IndexEmbeddings


class FakeEmbeddings(IndexEmbeddings):
    """Hashed bag of word prefixes: texts sharing words get similar vectors; no model is loaded."""

    def __init__(self, dim: int = 64, model_id: str = "fake-hash-64") -> None:
        self.model_id = model_id
        self._dim = dim
        self.calls = 0
        self.texts_embedded = 0

    @property
    def dimension(self) -> int:
        return self._dim

    def _vector(self, text: str) -> list[float]:
        v = np.zeros(self._dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            key = word[:6]
            h = int.from_bytes(hashlib.md5(key.encode()).digest()[:4], "little")
            v[h % self._dim] += 1.0
        v[0] += 0.01  # never the zero vector
        return [float(x) for x in v / np.linalg.norm(v)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts_embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        self.calls += 1
        self.texts_embedded += 1
        return self._vector(text)


class SimulatedCrash(BaseException):
    """The process dying mid-write (a BaseException, so no `except Exception` swallows it)."""


class CrashBeforeCommit:
    """Wraps the store's documents collection and dies where the document record would be written."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def upsert(self, **kwargs: Any) -> None:
        raise SimulatedCrash("simulated crash before the commit")
