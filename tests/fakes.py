"""Test doubles, all in one place: a deterministic embedder that needs no model, a crashing writer."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

import numpy as np

from vectorstore.index_embeddings import IndexEmbeddings
from vectorstore.late_chunking import PassageVectors, Span, pool_spans
from vectorstore.sentence_vectors import Sentence, SentenceVectorsFn, SpanVectors
from vectorstore.store import FaultHook, WriteStep


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


class FakeLateEmbeddings(FakeEmbeddings):
    """Late chunking without a model: each whitespace word is a token whose state is its hashed
    vector; the first `max_tokens` words are "seen", like a model's input limit."""

    def __init__(self, max_tokens: int = 10_000) -> None:
        super().__init__()
        self.max_tokens = max_tokens
        self.passage_calls = 0

    def token_states(self, text: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
        words = list(re.finditer(r"\S+", text))[: self.max_tokens]
        states = np.asarray([self._vector(w.group()) for w in words], dtype=np.float32)
        return states.reshape(len(words), self._dim), [w.span() for w in words]

    def embed_passages(self, texts: list[str], spans: Sequence[Sequence[Span]]) -> list[PassageVectors]:
        self.passage_calls += 1
        found = []
        for text, wanted in zip(texts, spans, strict=True):
            states, offsets = self.token_states(text)
            pooled, missing = pool_spans(states, offsets, [0] * len(offsets), wanted)
            found.append(PassageVectors(self._vector(text), pooled, missing))
        return found


class SimulatedCrash(BaseException):
    """The process dying mid-write (a BaseException, so no `except Exception` swallows it)."""


def embedded_sentences(embeddings: FakeEmbeddings) -> SentenceVectorsFn:
    """A `ChunkStore.sentence_vectors` with nothing stored: every wanted sentence is embedded."""

    def vectors(
        ids: Sequence[str],
        embed_missing: Mapping[str, Sequence[Sentence]] | None = None,
        exact: Mapping[str, Sequence[Sentence]] | None = None,
    ) -> SpanVectors:
        wanted = {**(embed_missing or {}), **(exact or {})}
        return {
            chunk_id: {
                (s.start, s.end): np.asarray(v, dtype=np.float32)
                for s, v in zip(
                    sentences, embeddings.embed_documents([s.embed_text for s in sentences]), strict=True
                )
            }
            for chunk_id, sentences in wanted.items()
        }

    return vectors


def crash_at(step: WriteStep) -> FaultHook:
    """A store fault hook (`ChunkStore.faults`) that dies at `step` of a document write."""

    def hook(at: WriteStep, source: str) -> None:
        if at == step:
            raise SimulatedCrash(f"simulated crash at {step} of {source}")

    return hook
