"""Temp-then-rename: how every derived file of the index (and every model cache) is written.

Readers open these files while a writer replaces them (BM25 segments, sentence-vector segments,
the exported archive, the materialised model, the ONNX export). Writing to a hidden sibling and
renaming it over the target means a reader sees the old version or the new one, and a crash
leaves at most a hidden leftover, never a half-written file that a later run would trust.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["replacing"]


@contextmanager
def replacing(
    target: Path, *, directory: bool = False, keep_existing: bool = False, suffix: str = ""
) -> Iterator[Path]:
    """Yield a hidden temporary sibling of `target` (a file, or a folder with `directory`) to write;
    when the block succeeds it is flushed to disk and renamed over `target`; on any error it is
    removed and `target` is untouched.

    `keep_existing`: a folder that another process renamed into place first is kept (two processes
    building the same cache), instead of failing. `suffix` ends the temporary name (tools that
    choose a format by extension).

    >>> with replacing(Path("data/lexical/manifest.json")) as tmp:
    ...     tmp.write_text("{}")
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}."
    if directory:
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    else:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
        os.close(fd)
        tmp = Path(name)
    try:
        yield tmp
        _sync(tmp)
        try:
            os.replace(tmp, target)
        except OSError:
            if not (keep_existing and target.exists()):
                raise
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    """fsync the file (or every file of the folder), so the rename never exposes unwritten data."""
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    for file in files:
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
