"""Faults during a real ingest (real model, real `strategy-assistant ingest` processes): kill -9 at
random moments, and a disk that fills up. Afterwards the index opens, every record reads back, no
document is half present in Chroma or in the BM25 index, and a re-run completes to the exact count.

The kill moments are seeded and printed (`pytest -s` shows them); docs/reliability.md lists results.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS, PROJECT, run_cli
from tests.fakes import FakeEmbeddings
from vectorstore.diskspace import DiskFullError, disk_errors_explained
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore, index_text

SEED = 6
KILLS = 5
Versions = dict[tuple[str, str], set[str]]  # (source, content hash) -> chunk ids of that version

# Python ignores SIGXFSZ, so a write past RLIMIT_FSIZE fails with EFBIG, as on a full disk.
_WITH_FILE_SIZE_LIMIT = """
import os, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
os.execv(sys.executable, [sys.executable, "-m", "assistant.cli", *sys.argv[2:]])
"""


def _env(data: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, ASSISTANT_DATA_DIR=str(data), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("CHROMA_HOST", None)
    env.update(extra)
    return env


def _make_folder(folder: Path, copies: int) -> Path:
    """The bundled corpus plus reworded copies of it, so the ingest runs long enough to interrupt."""
    folder.mkdir(parents=True)
    files = sorted(CORPUS.glob("*.txt"))
    for path in files:
        shutil.copy(path, folder / path.name)
        (folder / path.name).chmod(0o644)
    for n in range(copies):
        source = files[n % len(files)]
        paragraphs = source.read_text(encoding="utf-8").split("\n\n")
        shift = 1 + n // len(files)
        rotated = paragraphs[shift:] + paragraphs[:shift]
        (folder / f"utdrag-{n}-{source.name}").write_text(
            f"Utdrag {n} fra {source.stem}\n\n" + "\n\n".join(rotated), encoding="utf-8"
        )
    return folder


def _versions(paths: list[Path], scratch: Path) -> Versions:
    """What a clean ingest of these files produces (chunk ids do not depend on the embedder)."""
    store = ChunkStore(StoreSettings(data_dir=scratch), FakeEmbeddings())
    ingest_paths(paths, store)
    out: Versions = defaultdict(set)
    records = {d.source: d.content_hash for d in store.list_documents()}
    for passage in store.iter_passages():
        source = str(passage.metadata["source"])
        out[(source, records[source])].add(str(passage.id))
    return dict(out)


def _check_whole(data: Path, embeddings: Any, versions: Versions, sample: random.Random) -> dict[str, int]:
    """Open the index and read every record: each document is whole or absent, BM25 agrees."""
    store = ChunkStore(StoreSettings(data_dir=data), embeddings)
    if not store.collection_metadata():
        return {"documents": 0, "passages": 0, "orphans": 0}
    pages = list(store.iter_records("passages"))
    got = {
        "ids": [i for p in pages for i in p.ids],
        "embeddings": [v for p in pages for v in p.embeddings],
        "documents": [d for p in pages for d in p.documents],
        "metadatas": [m for p in pages for m in p.metadatas],
    }
    records = {d.source: d for d in store.list_documents()}
    visible: dict[str, set[str]] = defaultdict(set)
    vectors: dict[str, np.ndarray] = {}
    orphans = 0
    for chunk_id, vector, text, meta in zip(
        got["ids"], got["embeddings"], got["documents"], got["metadatas"], strict=True
    ):
        vec = np.asarray(vector, dtype=np.float32)
        assert vec.shape == (embeddings.dimension,) and abs(float(vec @ vec) - 1.0) < 1e-3, chunk_id
        assert text, chunk_id
        source, version = str(meta["source"]), str(meta["doc_version"])
        assert chunk_id in versions[(source, version)], f"{chunk_id} is no chunk of a clean ingest"
        record = records.get(source)
        if record is not None and record.content_hash == version:
            visible[source].add(chunk_id)
            vectors[chunk_id] = vec
        else:
            orphans += 1  # written before a commit that never came: invisible, swept by repair()
    for source, record in records.items():
        assert visible[source] == versions[(source, record.content_hash)], f"{source} is half present"
        assert record.n_chunks == len(visible[source])
    committed = set().union(*visible.values()) if visible else set()
    assert {d.id for d in store.get_passages(list(got["ids"]))} == committed
    assert set(store.lexical().ids) == set(got["ids"])  # BM25 holds what Chroma holds
    # Every stored vector finds its own passage among those tied with the best, searched to full
    # depth. Chroma 1.5.9's HNSW graph can leave a live record unreachable by its own vector after
    # deletes and upserts (chroma-core/chroma#7758, open), which a killed ingest's retry and its
    # orphan sweep do: about one run in six here lost one of ~50 passages that way. Hybrid
    # retrieval still finds such a passage by its words, so that is what is asserted for it.
    indexed = {
        i: index_text(str(m["title"]), str(m["section"]), t)
        for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
    }
    lexical = store.lexical()
    unreachable = []
    for chunk_id, vec in vectors.items():
        hits = store.dense_search(vec, k=len(got["ids"]))
        if chunk_id not in {d.id for d, score in hits if score > hits[0][1] - 1e-3}:
            unreachable.append(chunk_id)
            words = lexical.search(indexed[chunk_id], k=len(got["ids"]))
            assert chunk_id in {i for i, score in words if score >= words[0][1] - 1e-6}, chunk_id
    if unreachable:
        print(f"unreachable by their own vector (chroma-core/chroma#7758): {unreachable}")
    for passage in store.get_passages(sample.sample(sorted(committed), min(3, len(committed)))):
        meta = passage.metadata
        text = index_text(str(meta["title"]), str(meta["section"]), passage.page_content)
        fresh = embeddings.embed_documents([text])[0]
        assert float(np.dot(fresh, vectors[str(passage.id)])) > 0.99  # the vector belongs to this text
    return {"documents": len(records), "passages": len(committed), "orphans": orphans}


class _Ingest:
    """A `strategy-assistant ingest` process whose progress (files done) is read from its bar."""

    def __init__(self, folder: Path, data: Path) -> None:
        self.done = 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "ingest", str(folder)],
            cwd=PROJECT,
            env=_env(data, INGEST_EMBED_BATCH_PASSAGES="6"),  # several commits per run
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        threading.Thread(target=self._follow, daemon=True).start()

    def _follow(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        pending = b""
        for chunk in iter(lambda: stream.read1(4096), b""):
            *lines, pending = re.split(rb"[\r\n]", pending + chunk)
            for line in lines:
                for done in re.findall(rb"^Ingesting:.*?\|\s*(\d+)/\d+", line):
                    self.done = max(self.done, int(done))

    def wait_for(self, files_done: int, timeout: float = 180) -> bool:
        deadline = time.monotonic() + timeout
        while self.done < files_done and self.process.poll() is None:
            assert time.monotonic() < deadline, "the ingest made no progress"
            time.sleep(0.02)
        return self.process.poll() is None


@pytest.mark.integration
@pytest.mark.timeout(420)
def test_kill_9_at_random_moments_leaves_every_document_whole_or_absent(
    tmp_path: Path, real_embeddings: Any
) -> None:
    rng = random.Random(SEED)
    folder = _make_folder(tmp_path / "docs", copies=16)  # 20 files: the last kill still finds work left
    total = len(list(folder.iterdir()))
    data = tmp_path / "data"
    versions = _versions([folder], tmp_path / "reference-1")
    log: list[str] = []
    for round_no in range(1, KILLS + 1):
        committed = len(ChunkStore(StoreSettings(data_dir=data), real_embeddings).list_documents())
        if round_no == 3 and committed:
            # From here on a committed document changes too, so a kill can hit its replacement.
            first = sorted(folder.iterdir())[0]
            first.write_text(first.read_text(encoding="utf-8") + "\n\nEt nytt avsnitt.\n", encoding="utf-8")
            versions.update(_versions([folder], tmp_path / "reference-2"))
        target = min(committed + rng.randint(1, 2), total - 1)
        delay = rng.uniform(0.0, 2.0)
        ingest = _Ingest(folder, data)
        running = ingest.wait_for(target)
        time.sleep(delay)
        killed = ingest.process.poll() is None
        if killed:
            os.kill(ingest.process.pid, signal.SIGKILL)
        ingest.process.wait(timeout=30)
        state = _check_whole(data, real_embeddings, versions, rng)
        log.append(
            f"kill {round_no}: {delay:.2f} s after file {target}/{total} was done "
            f"({'killed' if killed else 'had already finished'}); afterwards {state}"
        )
        print(log[-1])
        assert running and killed, log[-1]

    final = run_cli("ingest", str(folder), "--quiet", "--json", data=data, timeout=300)
    assert final.returncode == 0, final.stderr[-2000:]
    print("re-run:", json.loads(final.stdout)["summary"])
    current = _versions([folder], tmp_path / "reference-3")
    state = _check_whole(data, real_embeddings, versions, rng)
    assert state == {"documents": total, "passages": sum(map(len, current.values())), "orphans": 0}
    store = ChunkStore(StoreSettings(data_dir=data), real_embeddings)
    assert set(store.passage_ids()) == set().union(*current.values())


@pytest.fixture
def previous_index(tmp_path: Path, real_corpus_store: ChunkStore) -> Path:
    """A copy of the real corpus index, to be damaged."""
    data = tmp_path / "data"
    shutil.copytree(real_corpus_store.settings.data_dir, data, ignore=shutil.ignore_patterns("write.lock"))
    return data


@pytest.mark.integration
@pytest.mark.timeout(300)
def test_file_size_limit_during_ingest_is_a_clean_error_and_the_index_still_answers(
    tmp_path: Path, previous_index: Path, real_embeddings: Any
) -> None:
    from assistant.core import Assistant

    extra = _make_folder(tmp_path / "more", copies=4)
    for path in CORPUS.glob("*.txt"):
        (extra / path.name).unlink()  # only the copies: the originals are in the index already
    largest = max(p.stat().st_size for p in previous_index.rglob("*") if p.is_file())
    limit = largest + 32 * 1024
    failed = subprocess.run(
        [sys.executable, "-c", _WITH_FILE_SIZE_LIMIT, str(limit), "ingest", str(extra), "--quiet"],
        cwd=PROJECT,
        env=_env(previous_index),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr[-2000:]
    assert "Traceback" not in failed.stderr, failed.stderr[-3000:]
    assert "the disk is full or a file size limit was reached" in failed.stderr
    assert "Free some space and run the ingest again" in failed.stderr
    print(failed.stderr.strip().splitlines()[-1])

    versions = _versions([CORPUS, extra], tmp_path / "reference")
    state = _check_whole(previous_index, real_embeddings, versions, random.Random(SEED))
    assert state["documents"] >= 4
    store = ChunkStore(StoreSettings(data_dir=previous_index), real_embeddings)
    answer = Assistant(store=store).ask("Hvor mye penger får Kompetansepiloter til sammen?")
    assert answer.citations and answer.citations[0].source == "innlandet-kompetansepiloter.txt"
    assert "6,3 millioner" in answer.text

    rerun = run_cli("ingest", str(extra), "--quiet", data=previous_index, timeout=240)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    state = _check_whole(previous_index, real_embeddings, versions, random.Random(SEED))
    assert state == {"documents": 8, "passages": sum(map(len, versions.values())), "orphans": 0}


def test_disk_errors_are_explained_and_other_errors_pass_through(tmp_path: Path) -> None:
    with pytest.raises(DiskFullError, match=r"disk is full.*Free some space") as caught:  # noqa: SIM117
        with disk_errors_explained(tmp_path):
            raise OSError(28, "No space left on device")
    assert "MB free" in str(caught.value)
    with pytest.raises(DiskFullError), disk_errors_explained(tmp_path):
        raise RuntimeError("sqlite3.OperationalError: database or disk is full")
    with pytest.raises(KeyError), disk_errors_explained(tmp_path):
        raise KeyError("a bug, not a full disk")
