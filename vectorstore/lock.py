"""One writer at a time: an exclusive, non-blocking file lock in the data directory.

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["WriterBusyError", "writer_lock"]


class WriterBusyError(RuntimeError):
    """Another process is writing to the index."""


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
            raise WriterBusyError(
                f"The index in {data_dir} is being written by another process "
                f"(pid {info.get('pid', '?')} on {info.get('host', '?')}, {info.get('purpose', '?')}, "
                f"since {info.get('since', '?')}). Wait for it to finish and try again."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "purpose": purpose,
                    "command": " ".join(sys.argv[:3]),
                    "since": time.strftime("%Y-%m-%d %H:%M:%S"),
                }
            )
        )
        handle.flush()
        yield
    finally:
        handle.close()
