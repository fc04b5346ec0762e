"""Loaders that misbehave on purpose, run inside the parse sandbox by tests/test_sandbox.py.

Not in tests/fakes.py: the sandbox child imports this module under its memory limit, so it must
import nothing heavier than the loaders themselves.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from ingest.loaders import LoadedDocument, load_file


def hang_on_slow(path: Path, max_bytes: int) -> LoadedDocument:
    """Hangs on a file named slow*, loads anything else normally."""
    if path.name.startswith("slow"):
        time.sleep(3600)
    return load_file(path, max_bytes)


def eat_memory(path: Path, max_bytes: int) -> LoadedDocument:
    """Allocates without end, as a decompression bomb does."""
    hoard = []
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))


def segfault(path: Path, max_bytes: int) -> LoadedDocument:
    """Dies the way a crashing C parser does."""
    os.kill(os.getpid(), signal.SIGSEGV)
    raise AssertionError("unreachable")


def raise_bug(path: Path, max_bytes: int) -> LoadedDocument:
    """A parser bug that is not a LoadError."""
    raise ZeroDivisionError("bug in a parser")
