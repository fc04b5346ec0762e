"""Replica benchmark: answer latency of the writer and of a replica with an empty data directory.

Both are app processes' views of one Chroma server (started here on loopback unless --chroma-host
is given): the writer ingests the bundled corpus, the replica has nothing local. After a warm-up
they answer the seed-dev questions in turn, interleaved so both see the same machine load, and
the p50/p95 of each is printed for the first pass (a fresh replica) and for the warm passes, with
how many sentences the replica embedded on the fly (0 when every sentence vector comes from the
server; before, a replica embedded them and kept them in memory, so only its first pass paid).

    python -m benchmarks.replicas --rounds 5
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "eval" / "seed-dev.jsonl"


@contextmanager
def _chroma_server(path: Path) -> Iterator[int]:
    """`chroma run` of this venv on a free loopback port, stopped on leaving."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    binary = Path(sys.executable).parent / "chroma"
    args = [str(binary), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("chroma server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over seed-dev")
    parser.add_argument("--warmup", type=int, default=2, help="untimed passes first")
    parser.add_argument("--chroma-host", default=None, help="an existing server (default: start one)")
    parser.add_argument("--chroma-port", type=int, default=8000)
    args = parser.parse_args(argv)

    from assistant.core import Assistant
    from assistant.runtime import offline_environment
    from ingest.pipeline import ingest_paths
    from vectorstore.embeddings import load_embeddings
    from vectorstore.settings import StoreSettings
    from vectorstore.store import ChunkStore

    offline_environment()
    questions = [json.loads(line)["question"] for line in SEED.read_text("utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory(prefix="replicas-") as tmp:
        server = (
            _chroma_server(Path(tmp) / "chroma")
            if args.chroma_host is None
            else contextmanager(lambda: iter([args.chroma_port]))()
        )
        with server as port:
            settings = StoreSettings(
                data_dir=Path(tmp) / "writer",
                chroma_host=args.chroma_host or "127.0.0.1",
                chroma_port=port,
                collection_prefix=f"bench{uuid.uuid4().hex[:8]}",
            )
            embeddings = load_embeddings(settings)
            writer_store = ChunkStore(settings, embeddings)
            started = time.perf_counter()
            ingest_paths([ROOT / "corpus"], writer_store)
            print(f"writer ingested the corpus in {time.perf_counter() - started:.1f} s")
            replica_settings = settings.model_copy(update={"data_dir": Path(tmp) / "replica"})
            replica_store = ChunkStore(replica_settings, embeddings)
            embedded: list[int] = []
            original = replica_store._embedded._embed  # the benchmark's probe

            def counted(texts: list[str]) -> list[list[float]]:
                embedded.append(len(texts))
                return original(texts)

            replica_store._embedded._embed = counted
            writer, replica = Assistant(store=writer_store), Assistant(store=replica_store)
            writer.warm_up()  # the model's first call, not a question's cost
            replica.warm_up()
            first: dict[str, list[float]] = {"writer": [], "replica": []}
            timings: dict[str, list[float]] = {"writer": [], "replica": []}
            for round_ in range(1 + args.warmup + args.rounds):
                for question in questions:
                    for name, assistant in (("writer", writer), ("replica", replica)):
                        t0 = time.perf_counter()
                        assistant.ask(question)
                        ms = (time.perf_counter() - t0) * 1000
                        if round_ == 0:  # what a user of a fresh replica meets
                            first[name].append(ms)
                        elif round_ > args.warmup:
                            timings[name].append(ms)
                if round_ == 0:
                    print(f"first pass: the replica embedded {sum(embedded)} sentences on the fly")
            for label, table in (("first pass", first), ("warm", timings)):
                for name, values in table.items():
                    print(
                        f"{label:10s} {name:8s} p50 {statistics.median(values):6.1f} ms  "
                        f"p95 {_percentile(values, 95):6.1f} ms  ({len(values)} answers)"
                    )
                ratio = statistics.median(table["replica"]) / statistics.median(table["writer"])
                print(f"{label:10s} replica/writer p50 ratio {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
