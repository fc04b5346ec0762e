"""Text for a scanned PDF (pages that are only images) through Debian's tesseract, when installed.

OCR is optional: without the `tesseract` binary a scan is refused with a message that says how to
get its text, and the rest of the folder is ingested. With it, each page is rendered at 300 dpi
(pypdfium2, which pdfplumber already brings) and read in Norwegian, Danish and English.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.document import LoadError

__all__ = ["OCR_ADVICE", "ocr_pdf"]

OCR_ADVICE = (
    "it needs OCR: install tesseract (apt-get install tesseract-ocr tesseract-ocr-nor "
    "tesseract-ocr-dan) and ingest it again, or run `ocrmypdf -l nor+dan+eng in.pdf out.pdf` "
    "and ingest out.pdf"
)
_LANGUAGES = ("nor", "dan", "eng")


def ocr_pdf(path: Path, *, scanned: bool) -> str:
    """The recognised text of every page; `LoadError` with `OCR_ADVICE` when tesseract is missing."""
    what = "the PDF has no extractable text"
    if scanned:
        what = "the PDF has no text layer (a scan: its pages are images)"
    binary = shutil.which("tesseract")
    if binary is None:
        raise LoadError(f"{what}; {OCR_ADVICE}")
    listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
    languages = [lang for lang in _LANGUAGES if lang in listed.stdout.split()] or ["eng"]
    import pypdfium2

    pages: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        document = pypdfium2.PdfDocument(str(path))
        try:
            for number in range(len(document)):
                image = Path(folder) / f"page-{number}.png"
                document[number].render(scale=300 / 72).to_pil().save(image)
                result = subprocess.run(
                    [binary, str(image), "stdout", "-l", "+".join(languages)],
                    capture_output=True, text=True, timeout=300,
                )  # fmt: skip
                pages.append(result.stdout.strip())
        finally:
            document.close()
    text = "\n\n".join(p for p in pages if p)
    if not text:
        raise LoadError(f"{what}, and OCR found no text in it; check the scan's quality")
    return text
