"""The server-mode writer lease and sentence-vector collection, on Chroma's in-memory client (fast).

The lease only talks to a collection, so these run without a server; tests/test_server_replicas.py
runs the same against a real `chroma run` with killed processes.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from vectorstore.client import in_memory_client
from vectorstore.lease import LeaseLostError, WriterLease, server_holder
from vectorstore.lock import WriterBusyError
from vectorstore.sentence_collection import ChromaSentenceVectors

pytestmark = pytest.mark.timeout(60)


def _lease(prefix: str, data_dir: str, seconds: float = 5.0, settle: float = 0.1) -> WriterLease:
    return WriterLease(
        in_memory_client(),
        prefix,
        "the Chroma server db:8000",
        server_holder("ingest", data_dir),
        seconds,
        settle,
    )


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"  # in-memory clients of one process share data


def test_second_writer_is_refused_naming_the_holder(prefix: str) -> None:
    with (
        _lease(prefix, "/srv/a/data").held(),
        pytest.raises(WriterBusyError) as caught,
        _lease(prefix, "/srv/b/data").held(),
    ):
        pytest.fail("the second writer got the lease")
    message = str(caught.value)
    assert message.startswith("The index in the Chroma server db:8000 is being written by another process")
    assert "data dir /srv/a/data" in message and "ingest" in message and "try again" in message
    with _lease(prefix, "/srv/b/data").held():
        pass  # released on leaving the block


def test_an_expired_lease_is_taken_over_and_its_holder_stops(prefix: str) -> None:
    stalled = _lease(prefix, "/srv/a/data", seconds=0.5)
    stalled.acquire()  # never renewed: as if killed or cut off
    with pytest.raises(WriterBusyError):
        _lease(prefix, "/srv/b/data").acquire()
    time.sleep(0.6)
    with _lease(prefix, "/srv/b/data").held():
        with pytest.raises(LeaseLostError, match="expired"):
            stalled.check()
        stalled.renew()  # its claim is gone: it does not come back
        with pytest.raises(WriterBusyError, match="/srv/b/data"):
            _lease(prefix, "/srv/c/data").acquire()


def test_a_held_lease_is_renewed_past_its_duration(prefix: str) -> None:
    with _lease(prefix, "/srv/a/data", seconds=0.6).held() as lease:
        time.sleep(1.5)
        lease.check()
        with pytest.raises(WriterBusyError, match="/srv/a/data"):
            _lease(prefix, "/srv/b/data").acquire()


def test_of_writers_racing_for_the_lease_exactly_one_wins(prefix: str) -> None:
    start = threading.Barrier(4)
    winners: list[str] = []
    refused: list[str] = []

    def contend(name: str) -> None:
        lease = _lease(prefix, name, settle=0.3)
        start.wait()
        try:
            lease.acquire()
            winners.append(name)
        except WriterBusyError:
            refused.append(name)

    threads = [threading.Thread(target=contend, args=(f"/srv/{n}",)) for n in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1 and len(refused) == 3, (winners, refused)


def test_sentence_vectors_in_a_collection_round_trip(prefix: str) -> None:
    client = in_memory_client()
    rows = np.random.default_rng(0).normal(size=(2, 8)).astype(np.float32)
    writer = ChromaSentenceVectors(client, prefix, "model-a", 8)
    writer.add([("c1", [(0, 10), (11, 30)], rows), ("c2", [(0, 5)], rows[:1]), ("empty", [], rows[:0])])
    writer.flush()
    got = ChromaSentenceVectors(client, prefix, "model-a", 8).get(["c1", "c2", "empty", "absent"])
    assert set(got) == {"c1", "c2"} and set(got["c1"]) == {(0, 10), (11, 30)}
    expected = rows[1] / np.linalg.norm(rows[1])
    assert np.allclose(got["c1"][(11, 30)], expected, atol=1e-2)  # stored as float16
    assert ChromaSentenceVectors(client, prefix, "model-b", 8).get(["c1"]) == {}  # another model's
    writer.flush(live_ids={"c2"})
    assert set(ChromaSentenceVectors(client, prefix, "model-a", 8).get(["c1", "c2"])) == {"c2"}


def test_lease_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from vectorstore.settings import StoreSettings

    monkeypatch.setenv("STORE_LEASE_SECONDS", "3")
    assert StoreSettings().lease_seconds == 3.0
