"""What a loader returns, and the one error every loader raises: shared by `loaders` (the
dispatcher) and the format readers (`pdf`, `word`, `ocr`), so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LoadError", "LoadedDocument"]


class LoadError(Exception):
    """A file that cannot be ingested; the message says why and what to do."""


@dataclass(frozen=True)
class LoadedDocument:
    """Text as extracted from the file, before cleaning."""

    text: str
    title: str | None
    file_format: str
