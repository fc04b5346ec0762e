"""One way to start the assistant: the offline environment, the index, the assistant over it.

The CLI, the evaluator, the benchmarks and the app all start the same way:

>>> from assistant.core import Assistant
>>> from assistant.library import DocumentLibrary
>>> from assistant.runtime import offline_environment, open_store
>>> offline_environment()                  # first thing in main(), before any model is loaded
>>> store = open_store()                   # StoreSettings from the environment, model loaded lazily
>>> assistant = Assistant.from_settings(store=store)    # AssistantSettings from ASSISTANT_*
>>> library = DocumentLibrary(store)       # staff uploads, re-index, delete (IngestSettings: INGEST_*)

Settings are read when these are called, never at import. Each package has one settings class
with its own prefix: `AssistantSettings` (ASSISTANT_*), `StoreSettings` (STORE_*, with the older
ASSISTANT_DATA_DIR, EMBEDDING_*, CHROMA_* names as aliases), `IngestSettings` (INGEST_*).
"""

from __future__ import annotations

import os

from vectorstore.embeddings import load_embeddings
from vectorstore.index_embeddings import IndexEmbeddings
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore

__all__ = ["OFFLINE_DEFAULTS", "offline_environment", "open_store"]

# Models come from installed packages, never from a hub: fail fast instead of hanging on the
# network; no tokenizer threads fighting the encoder's; no telemetry.
OFFLINE_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "ANONYMIZED_TELEMETRY": "False",
}


def offline_environment() -> None:
    """Set the offline defaults in this process's environment (values already set are kept)."""
    for name, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)


def open_store(
    settings: StoreSettings | None = None, embeddings: IndexEmbeddings | None = None
) -> ChunkStore:
    """The index `settings` describe (default: the environment's) with its embedding model.

    Chroma is connected now (a server's version checked); the model is loaded on first use.
    """
    settings = settings or StoreSettings()
    return ChunkStore(settings, embeddings if embeddings is not None else load_embeddings(settings))
