"""Turn "the disk is full" during a write into one clear error instead of a storage engine's traceback.

Chroma's Rust core reports a failed write without its cause ("Error in compaction: Failed to apply
logs to the metadata segment"), so the cause is looked for in the exception chain first and then on
the disk itself: little free space, or a file size limit (RLIMIT_FSIZE) in force. The index stays
usable: each document is committed whole or not at all (see vectorstore/store.py).
"""

from __future__ import annotations

import errno
import resource
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vectorstore.errors import StoreError

__all__ = ["DiskFullError", "disk_errors_explained"]

_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_FULL_WORDS = ("no space left", "disk is full", "file too large", "quota exceeded")
_LOW_SPACE_BYTES = 64 * 1024 * 1024


class DiskFullError(StoreError):
    """Writing the index failed for lack of space; the message says what to do."""


# What failed and what to do next, by what was being written (`ChunkStore.writing`'s purpose).
_FAILED = {"export": "Writing the export archive in {where}", "import": "Importing into the index in {where}"}
_NEXT = {
    "export": "Free some space (or export to another disk) and export again; the index is unchanged "
    "and no partial archive was left.",
    "import": "Free some space and import again; the current index is unchanged.",
}
_NEXT_DEFAULT = (
    "Free some space and run the ingest again; every document is in the index whole or not at all, "
    "and the index still answers questions."
)


@contextmanager
def disk_errors_explained(where: Path, purpose: str = "ingest") -> Iterator[None]:
    """Re-raise a write failure caused by a full disk or a file size limit as `DiskFullError`,
    saying what failed and what to do for `purpose`; free space is measured at `where`."""
    try:
        yield
    except DiskFullError:
        raise  # explained already, closer to the write (an export's archive)
    except Exception as exc:
        detail = _full_disk_detail(exc, where)
        if detail is None:
            raise
        failed = _FAILED.get(purpose, "Writing the index in {where}").format(where=where)
        raise DiskFullError(
            f"{failed} failed: the disk is full or a file size limit was reached ({detail}). "
            f"{_NEXT.get(purpose, _NEXT_DEFAULT)}"
        ) from exc


def _full_disk_detail(exc: BaseException, data_dir: Path) -> str | None:
    """What points at a full disk, or None if this failure is something else."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    space = _space(data_dir)
    for error in chain:
        if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
            return f"{error.strerror}; {space}"
        if any(word in str(error).lower() for word in _FULL_WORDS):
            return f"{error}; {space}"
    from_storage = any(isinstance(e, OSError) or type(e).__module__.startswith("chromadb") for e in chain)
    free = _free_bytes(data_dir)
    limited = resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY
    if from_storage and ((free is not None and free < _LOW_SPACE_BYTES) or limited):
        return f"{type(exc).__name__}: {exc}; {space}"
    return None


def _free_bytes(data_dir: Path) -> int | None:
    try:
        return shutil.disk_usage(data_dir).free
    except OSError:
        return None


def _space(data_dir: Path) -> str:
    free = _free_bytes(data_dir)
    parts = [f"{free / 1e6:.0f} MB free" if free is not None else "free space unknown"]
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit != resource.RLIM_INFINITY:
        parts.append(f"file size limit {limit / 1e6:.1f} MB")
    return ", ".join(parts)
