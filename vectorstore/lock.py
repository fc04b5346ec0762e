"""One writer at a time: an exclusive, non-blocking file lock in the data directory (embedded mode;
a Chroma server is guarded by the lease in vectorstore/lease.py instead).

Concurrent writers to one embedded Chroma folder were seen to leave unreadable records, so a
second ingest is refused at once with a message naming the process that holds the lock. The lock
is released by the OS if its holder dies, so a killed ingest never leaves the index locked.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

__all__ = ["WriterBusyError", "holder_info", "writer_busy", "writer_lock"]


class WriterBusyError(RuntimeError):
    """Another process is writing to the index."""


def holder_info(purpose: str) -> dict[str, str | int]:
    """Who this process is, as a lock file or a lease record names a writer."""
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "purpose": purpose,
        "command": " ".join(sys.argv[:3]),
        "since": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def writer_busy(where: str, info: Mapping[str, object]) -> WriterBusyError:
    """The refusal a second writer gets, naming the holder (the local lock and the server lease
    word it the same way, so a user reads one message whichever mode refused them)."""
    extra = "".join(f", {k.replace('_', ' ')} {info[k]}" for k in ("data_dir", "until") if info.get(k))
    return WriterBusyError(
        f"The index in {where} is being written by another process "
        f"(pid {info.get('pid', '?')} on {info.get('host', '?')}, {info.get('purpose', '?')}, "
        f"since {info.get('since', '?')}{extra}). Wait for it to finish and try again."
    )


@contextmanager
def writer_lock(data_dir: Path, purpose: str = "ingest") -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "write.lock"
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole block
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "{}"
            try:
                info = json.loads(holder)
            except ValueError:
                info = {}
            raise writer_busy(str(data_dir), info) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(holder_info(purpose)))
        handle.flush()
        yield
    finally:
        handle.close()
