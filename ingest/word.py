"""The text of a .docx in document order: paragraphs and tables as they stand, headers and footers out.

python-docx lists `document.paragraphs` and `document.tables` separately, which moves every table
to the end, away from the heading that explains it. Here the body's XML children are read in
order (paragraphs, tables, and content controls that wrap either). Page headers and footers live
in the sections' own parts and are never read; a list item is one line "- text" even when it holds
line breaks; a table is one block of rows "cell | cell" (a merged cell counted once).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.document import LoadedDocument, LoadError, usable_title

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> LoadedDocument:
    """Paragraphs and tables of the body in order; the caller has already checked the zip."""
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors...
        raise LoadError(
            f"corrupt or unreadable .docx ({type(exc).__name__}: {exc}); open it in Word and save it again"
        ) from exc
    title = usable_title(document.core_properties.title)
    blocks: list[str] = []
    for kind, item in _body_items(document):
        if kind == "table":
            rows = _table_rows(item)
            if rows:
                blocks.append("\n".join(rows))
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        if title is None and style in {"Title", "Heading 1"}:
            title = text
        if style.startswith("List") or _numbered(item):
            text = "- " + " ".join(text.split())
        blocks.append(text)
    if not blocks:
        raise LoadError("the .docx contains no text")
    return LoadedDocument("\n\n".join(blocks), title, "docx")


def _body_items(document: Any) -> Iterator[tuple[str, Any]]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def walk(element: Any, parent: Any) -> Iterator[tuple[str, Any]]:
        for child in element.iterchildren():
            if child.tag == f"{_W}p":
                yield "paragraph", Paragraph(child, parent)
            elif child.tag == f"{_W}tbl":
                yield "table", Table(child, parent)
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from walk(content, parent)

    yield from walk(document.element.body, document._body)


def _numbered(paragraph: Any) -> bool:
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _table_rows(table: Any) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a horizontally merged cell appears once per grid column
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows
