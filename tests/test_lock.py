"""One writer at a time, across processes; a killed writer never leaves the index locked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS, PROJECT
from tests.fakes import FakeEmbeddings
from vectorstore.lock import WriterBusyError, writer_lock
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore

pytestmark = pytest.mark.timeout(60)

HOLDER = """
import sys, time
from pathlib import Path
from vectorstore.lock import writer_lock
with writer_lock(Path(sys.argv[1]), purpose="ingest"):
    print("locked", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that holds the writer lock on the test's data directory."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "data")],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "locked"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_second_writer_is_refused_at_once_naming_the_holder(
    holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    started = time.perf_counter()
    with pytest.raises(WriterBusyError) as caught, writer_lock(tmp_path / "data", purpose="ingest"):
        pytest.fail("the second writer got the lock")
    assert time.perf_counter() - started < 1.0
    message = str(caught.value)
    assert f"pid {holder.pid}" in message
    assert "ingest" in message and "try again" in message


def test_lock_is_released_when_the_holder_is_killed(holder: subprocess.Popen[str], tmp_path: Path) -> None:
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)
    with writer_lock(tmp_path / "data", purpose="ingest"):
        pass  # acquired without waiting


def test_lock_is_released_after_the_block_and_after_an_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with writer_lock(data), pytest.raises(WriterBusyError), writer_lock(data):
        pass  # the same process asking twice is refused too
    with pytest.raises(RuntimeError, match="boom"), writer_lock(data):
        raise RuntimeError("boom")
    with writer_lock(data):
        pass


def test_ingest_is_refused_while_another_process_writes(
    holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    store = ChunkStore(StoreSettings(data_dir=tmp_path / "data"), FakeEmbeddings())
    with pytest.raises(WriterBusyError, match=f"pid {holder.pid}"):
        ingest_paths([CORPUS], store)
    assert store.count() == 0
