"""One settings class per package, each with its own prefix; the names earlier versions read still work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.runtime import OFFLINE_DEFAULTS, offline_environment
from assistant.settings import AssistantSettings
from ingest.settings import IngestSettings
from vectorstore.settings import StoreSettings


@pytest.mark.parametrize(
    ("older", "prefixed", "field", "value", "expected"),
    [
        ("ASSISTANT_DATA_DIR", "STORE_DATA_DIR", "data_dir", "/srv/index", Path("/srv/index")),
        ("EMBEDDING_BACKEND", "STORE_EMBEDDING_BACKEND", "embedding_backend", "torch", "torch"),
        ("CHROMA_HOST", "STORE_CHROMA_HOST", "chroma_host", "db.internal", "db.internal"),
        ("CHROMA_PORT", "STORE_CHROMA_PORT", "chroma_port", "9000", 9000),
        ("CHROMA_COLLECTION_PREFIX", "STORE_COLLECTION_PREFIX", "collection_prefix", "other", "other"),
    ],
)
def test_store_settings_read_store_names_and_the_older_ones(
    monkeypatch: pytest.MonkeyPatch, older: str, prefixed: str, field: str, value: str, expected: object
) -> None:
    monkeypatch.delenv("ASSISTANT_DATA_DIR", raising=False)
    monkeypatch.setenv(older, value)
    assert getattr(StoreSettings(), field) == expected
    monkeypatch.delenv(older)
    monkeypatch.setenv(prefixed, value)
    assert getattr(StoreSettings(), field) == expected


def test_the_store_name_wins_over_the_older_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", "/old")
    monkeypatch.setenv("STORE_DATA_DIR", "/new")
    assert StoreSettings().data_dir == Path("/new")
    assert StoreSettings(data_dir=Path("/given")).data_dir == Path("/given")  # code beats environment


def test_each_package_reads_only_its_own_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_MAX_FILE_MB", "7")
    monkeypatch.setenv("ASSISTANT_TOP_K", "9")
    monkeypatch.setenv("STORE_TOP_K", "1")
    assert IngestSettings().max_file_mb == 7.0
    assert AssistantSettings().top_k == 9


def test_offline_environment_sets_defaults_and_keeps_what_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in OFFLINE_DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "true")
    offline_environment()
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["ANONYMIZED_TELEMETRY"] == "False"
    assert os.environ["TOKENIZERS_PARALLELISM"] == "true"
