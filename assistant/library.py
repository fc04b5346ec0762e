"""Staff operations on the indexed documents: list, add uploads, re-index, delete.

The UI calls these and renders the result; every write runs through the ingest pipeline or
`store.writing`, under the single-writer lock, so a staff upload and a command-line ingest cannot
collide. The UI needs nothing else from the store: `overview` gives the funding/partner/goal table.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.overview import Overview, build_overview
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import FileResult, IngestReport, ProgressFn, ingest_paths
from ingest.settings import IngestSettings
from vectorstore.store import ChunkStore, DocumentRecord

__all__ = ["DocumentLibrary", "UploadRejected", "safe_filename"]


class UploadRejected(ValueError):
    """An uploaded file that is refused before it is stored; the message says why."""


def safe_filename(name: str) -> str:
    """A plain file name: no folders, no leading dot, only letters, digits, '.', '-', '_'."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.-]+", "_", base, flags=re.UNICODE).strip("._")
    if not base or base in {".", ".."}:
        raise UploadRejected(f"unusable file name: {name!r}")
    return base[:120]


@dataclass(frozen=True)
class DocumentLibrary:
    store: ChunkStore
    ingest_settings: IngestSettings = field(default_factory=IngestSettings)

    @property
    def uploads_dir(self) -> Path:
        return self.store.settings.data_dir / "uploads"

    def documents(self) -> list[DocumentRecord]:
        return self.store.list_documents()

    def document(self, source: str) -> DocumentRecord | None:
        return self.store.get_document(source)

    def overview(self, sources: Sequence[str] | None = None) -> Overview:
        """Funding, partners and goals of these documents (all when None), each with its citation."""
        return build_overview(self.store, sources)

    def check_upload(self, name: str, size: int) -> str:
        """The stored name for an upload, or `UploadRejected`."""
        filename = safe_filename(name)
        suffix = Path(filename).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise UploadRejected(f"{filename}: file type '{suffix}' is not supported ({allowed})")
        limit = self.ingest_settings.max_file_mb * 1e6
        if size > limit:
            raise UploadRejected(f"{filename}: {size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit")
        return filename

    def add_files(self, files: Sequence[Path], progress: ProgressFn | None = None) -> IngestReport:
        """Copy uploaded files into the uploads folder and ingest them; refusals are reported."""
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        refused: list[FileResult] = []
        stored: list[Path] = []
        for path in files:
            try:
                filename = self.check_upload(path.name, path.stat().st_size)
            except UploadRejected as exc:
                refused.append(FileResult(safe_name_or(path.name), "skipped", reason=str(exc)))
                continue
            target = self.uploads_dir / filename
            shutil.copyfile(path, target)
            stored.append(target)
        report = (
            ingest_paths(stored, self.store, settings=self.ingest_settings, progress=progress)
            if stored
            else IngestReport()
        )
        report.files[:0] = refused
        return report

    def reindex(self, source: str, progress: ProgressFn | None = None) -> IngestReport:
        record = self.store.get_document(source)
        if record is None:
            raise KeyError(f"no document named {source!r}")
        original = Path(record.root) / source
        if not original.is_file():
            raise FileNotFoundError(f"the original file is gone ({original}); upload it again to re-index")
        return ingest_paths(
            [original], self.store, reindex=True, settings=self.ingest_settings, progress=progress
        )

    def delete(self, source: str) -> bool:
        with self.store.writing(f"delete {source}"):
            record = self.store.get_document(source)
            removed = self.store.delete_document(source)
            if record and Path(record.root).resolve() == self.uploads_dir.resolve():
                (self.uploads_dir / source).unlink(missing_ok=True)
        return removed


def safe_name_or(name: str) -> str:
    try:
        return safe_filename(name)
    except UploadRejected:
        return "(unnamed)"
