"""What a loader returns, the one error every loader raises, and which metadata title to trust:
shared by `loaders` (the dispatcher) and the format readers (`pdf`, `word`, `ocr`), so neither
imports the other."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LoadError", "LoadedDocument", "usable_title"]


class LoadError(Exception):
    """A file that cannot be ingested; the message says why and what to do."""


@dataclass(frozen=True)
class LoadedDocument:
    """Text as extracted from the file, before cleaning."""

    text: str
    title: str | None
    file_format: str


# Titles that the writing program filled in, not the author: "Microsoft Word - strategi_v3.docx",
# "Untitled", "PowerPoint Presentation", a file name. The document's first heading names it better
# (PDF and DOCX readers fall back to it).
_PROGRAM_TITLE = re.compile(
    r"^(microsoft\s+(word|powerpoint|excel)\b|untitled\b|uten\s+tittel\b|unbenannt\b|namnlös\b"
    r"|(document|dokument|presentation|presentasjon|præsentation|presentationen|slide|lysbilde)\s*\d*$"
    r"|powerpoint(-|\s+)(presentation|presentasjon|præsentation)\b)"
    r"|\.(docx?|pptx?|xlsx?|odt|odp|rtf|indd|pdf|txt)$",
    re.IGNORECASE,
)


def usable_title(meta_title: str | None) -> str | None:
    """The metadata title when an author wrote it; None for a program's default or a file name."""
    title = " ".join((meta_title or "").split())
    if not re.search(r"[^\W\d_]{2}", title) or _PROGRAM_TITLE.search(title):
        return None
    return title
