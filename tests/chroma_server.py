"""A real `chroma run` server for the tests marked `server`: loopback only, a free port, bounded start."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support import free_port

START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class ChromaServer:
    host: str
    port: int
    path: Path


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def running_chroma_server(path: Path) -> Iterator[ChromaServer]:
    """Start the `chroma` of this venv on 127.0.0.1, wait until it answers, always stop it."""
    binary = Path(sys.executable).parent / "chroma"
    port = free_port()
    log_path = path.parent / f"{path.name}-server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(binary), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(f"http://127.0.0.1:{port}/api/v2/heartbeat"):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"chroma server did not start on port {port}:\n{tail}")
            time.sleep(0.2)
        yield ChromaServer("127.0.0.1", port, path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
