"""The interface every embedding backend implements: langchain's `Embeddings` with an identity.

The index records which model built it (`model_id`, `dimension`); vectors from another model are
meaningless against it, so the store refuses a mismatch instead of returning nonsense. Kept apart
from the backends and from `load_embeddings` (which picks one), so no backend imports its chooser.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from vectorstore.late_chunking import PassageVectors, Span

__all__ = ["IndexEmbeddings", "PassageVectors"]


class IndexEmbeddings(Embeddings):
    """An `Embeddings` that can name itself, so an index knows which model built it."""

    model_id: str

    @property
    def dimension(self) -> int:
        raise NotImplementedError

    def embed_words(self, words: list[str]) -> list[list[float]]:
        """Vectors of bare words or short phrases, without the query/passage instruction: both sides
        of a word-to-word comparison (assistant/translation.py) are words, and the three tokens of
        "query: " cost a third of the time of encoding a word. This default embeds them as queries."""
        return [self.embed_query(word) for word in words]

    def embed_passages(self, texts: list[str], spans: Sequence[Sequence[Span]]) -> list[PassageVectors]:
        """Passage vectors (exactly `embed_documents`) plus a vector for each character span of
        each passage, from the same forward pass (vectorstore/late_chunking.py).

        This default has no token states: it pools nothing and reports every span missing, so the
        caller embeds those sentences on their own (a backend without late chunking, test fakes).
        """
        vectors = self.embed_documents(texts) if texts else []
        return [
            PassageVectors(v, np.zeros((len(s), self.dimension), dtype=np.float32), tuple(range(len(s))))
            for v, s in zip(vectors, spans, strict=True)
        ]
