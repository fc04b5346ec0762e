"""The interface every embedding backend implements: langchain's `Embeddings` with an identity.

The index records which model built it (`model_id`, `dimension`); vectors from another model are
meaningless against it, so the store refuses a mismatch instead of returning nonsense. Kept apart
from the backends and from `load_embeddings` (which picks one), so no backend imports its chooser.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

__all__ = ["IndexEmbeddings"]


class IndexEmbeddings(Embeddings):
    """An `Embeddings` that can name itself, so an index knows which model built it."""

    model_id: str

    @property
    def dimension(self) -> int:
        raise NotImplementedError
