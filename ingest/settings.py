"""Settings of ingestion: file size limit, chunk sizes, batching and the parser sandbox (INGEST_*)."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.chunking import ChunkingConfig

__all__ = ["IngestSettings"]


class IngestSettings(BaseSettings):
    """Read from INGEST_* environment variables; every default works offline on a fresh machine."""

    model_config = SettingsConfigDict(env_prefix="INGEST_", extra="ignore")

    max_file_mb: float = 50.0
    # Passages of several documents embedded together. The model sorts a batch by length and pads
    # each run to its longest text, so a bigger batch wastes less on padding: on 486 NorQuAD
    # passages 256 gave 0.48 of the bare model's rate against 0.41 with 32 (benchmarks/scale.py).
    embed_batch_passages: int = 256
    # How quotable sentences get their vectors. "late" (default): pooled from the passage's own
    # forward pass (late chunking), no second pass, so ingest runs at 0.94 of the bare model;
    # answering re-encodes the likeliest few (same answer quality on NorQuAD validation, answer
    # p95 ~200-230 ms up to 100k passages; README "Ingest speed"). "separate": each sentence
    # encoded on its own at ingest, a second pass of ~0.76 of the passage pass (0.55 of the bare
    # model), the fastest answers. "lazy": only passages at ingest; a sentence is encoded the
    # first time a question needs it (same vectors as "separate", p95 823 ms on NorQuAD).
    sentence_vectors: Literal["separate", "lazy", "late"] = "late"
    max_words: int = 220
    min_words: int = 80
    # Each file is parsed in a child process that is stopped after this long or above this much
    # memory (see ingest/sandbox.py), so one crafted file costs that file only.
    sandbox: bool = True
    parse_timeout_s: float = 120.0
    parse_memory_mb: int = 2048

    @property
    def chunking(self) -> ChunkingConfig:
        return ChunkingConfig(max_words=self.max_words, min_words=self.min_words)
