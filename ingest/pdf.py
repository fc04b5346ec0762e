"""The text layer of a PDF in reading order, as a person reads the printed page.

Municipal strategies are typeset in two justified columns with hyphenated line ends, a running
header, page numbers and ruled tables. A plain text dump (pypdf's `extract_text`) leaves every one
of those in the passages: "fyl- keskommune", the header between two halves of a sentence, table
cells as loose lines. Here pdfplumber (MIT) gives word boxes and ruled tables, and the layout is
rebuilt: lines per column, columns left before right between full-width lines, paragraphs joined
across column and page breaks, hyphenation repaired (ingest/hyphenation.py), lines repeated at
the top or bottom of most pages and page numbers dropped, and each table written as rows
"cell | cell" where it stood. pypdf still opens the file first: its limits refuse decompression
bombs and page-tree loops before pdfminer sees them.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.document import LoadedDocument, LoadError, usable_title
from ingest.hyphenation import join_line_break, vocabulary

__all__ = ["read_pdf"]

_TERMINAL = (".", "!", "?", ":", ";", "»", "”", '"', ")")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:side|s\.|page|p\.|seite|sida)\s*)?[-–—(]?\s*\d{1,4}\s*[-–—)]?(?:\s*(?:av|af|of|/|von)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[•●▪◦■–-]|\d{1,2}[.)])\s")
# pdfminer writes a code its font maps to no character as "(cid:N)"; in the standard fonts'
# WinAnsi encoding 127 (0x7F) is drawn as a bullet, which is how reportlab sets "•".
_CID = re.compile(r"\(cid:(\d+)\)")
_CID_CHARS = {"127": "•"}
_EDGE_LINES = 2  # header/footer candidates: this many lines at the top and bottom of each page


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    style: tuple[str, float]  # font name and size of most of the line's characters
    column: int = 0  # 0 full width, 1 left, 2 right
    page: int = 0


@dataclass
class _Table:
    rows: list[str]
    x0: float
    x1: float
    top: float
    column: int = 0


@dataclass
class _Paragraph:
    lines: list[_Line] = field(default_factory=list)
    joints: list[str] = field(default_factory=list)  # how each further line joins: "wrap" | "break"
    table: _Table | None = None


@dataclass(frozen=True)
class _Page:
    lines: list[_Line]
    tables: list[_Table]
    width: float
    gutter: float | None
    images: int


def read_pdf(path: Path) -> LoadedDocument:
    """Text of `path` in reading order; a scan is read with tesseract when installed, else refused."""
    meta_title = usable_title(_check_with_pypdf(path))
    pages = _read_pages(path)
    if not any(page.lines or page.tables for page in pages):
        from ingest.ocr import ocr_pdf

        text = ocr_pdf(path, scanned=any(page.images for page in pages))
        return LoadedDocument(text, meta_title, "pdf")
    text, title = _layout(pages)
    if not text.strip():
        raise LoadError("the PDF has no extractable text (scanned images?); run OCR on it first")
    return LoadedDocument(text, meta_title or title, "pdf")


def _check_with_pypdf(path: Path) -> str | None:
    """Open, decrypt and decompress every page with pypdf's limits; return the metadata title."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise LoadError("encrypted PDF: remove the password and ingest it again") from exc
            if not unlocked:
                raise LoadError("encrypted PDF: remove the password and ingest it again")
        for page in reader.pages:
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
        meta_title = reader.metadata.title if reader.metadata else None
    except LoadError:
        raise
    # PyPdfError includes LimitReachedError: a stream that decompresses past pypdf's limit (a bomb).
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise LoadError(
            f"corrupt or unreadable PDF ({type(exc).__name__}: {exc}); "
            "open it in a PDF viewer and save or export it again"
        ) from exc
    return str(meta_title).strip() or None if meta_title else None


def _read_pages(path: Path) -> list[_Page]:
    import pdfplumber

    try:
        with pdfplumber.open(str(path), password="") as pdf:
            pages = []
            for number, page in enumerate(pdf.pages):
                pages.append(_read_page(page, number))
                page.close()  # frees the page's parsed objects: a long report stays small in memory
            return pages
    except LoadError:
        raise
    except Exception as exc:  # pdfminer raises its own types and plain ValueError/KeyError alike
        raise LoadError(
            f"corrupt or unreadable PDF ({type(exc).__name__}: {exc}); "
            "open it in a PDF viewer and save or export it again"
        ) from exc


def _read_page(page: Any, number: int) -> _Page:
    tables: list[_Table] = []
    boxes: list[tuple[float, float, float, float]] = []
    for found in page.find_tables():
        rows = []
        for row in found.extract():
            cells = [_join_cell(cell) for cell in row if cell and cell.strip()]
            if cells:
                rows.append(" | ".join(cells))
        # A ruled box with a single cell is a frame around text, not a table.
        if len(rows) > 1 or any(" | " in r for r in rows):
            x0, top, x1, bottom = found.bbox
            boxes.append((x0, top, x1, bottom))
            tables.append(_Table(rows, x0, x1, top))
    words = page.extract_words(extra_attrs=["size", "fontname"], keep_blank_chars=False)
    for w in words:
        w["text"] = _CID.sub(lambda m: _CID_CHARS.get(m.group(1), ""), w["text"])
    words = [w for w in words if w["text"]]
    words = [
        w
        for w in words
        if not any(
            x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom
            for x0, top, x1, bottom in boxes
        )
    ]
    gutter = _find_gutter(words, float(page.width))
    lines = _group_lines(words, gutter, number)
    # A ruled table's border sits a few points outside its column's text.
    slack = float(page.width) * 0.02
    for table in tables:
        table.column = _column_of(table.x0 + slack, table.x1 - slack, gutter)
    return _Page(lines, tables, float(page.width), gutter, len(page.images))


def _join_cell(cell: str) -> str:
    parts = [p.strip() for p in cell.split("\n") if p.strip()]
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = join_line_break(text, part)
    return text


def _find_gutter(words: list[dict[str, Any]], width: float) -> float | None:
    """The x between two columns: where many lines in the middle of the page start, with nothing across.

    Lines of a right column all start at the same x (even a last page with a few lines there),
    while words inside a column start anywhere; a centred page number may cross the gutter.
    """
    starts = Counter(round(w["x0"]) for w in words if width * 0.3 < w["x0"] < width * 0.7)
    for x, count in starts.most_common(3):
        if count < 3:
            break
        line = x - 3
        crossing = sum(1 for w in words if w["x0"] < line < w["x1"])
        left = sum(1 for w in words if w["x1"] < line)
        if crossing <= max(2, count // 10) and left >= count and _left_column_fills(words, line, width):
            return float(line)
    return None


def _left_column_fills(words: list[dict[str, Any]], gutter: float, width: float) -> bool:
    """Most left-hand lines run close to the gutter, as column text does (labels of a form don't)."""
    ends: dict[int, float] = {}
    for w in words:
        if w["x1"] < gutter:
            row = round(w["top"])
            ends[row] = max(ends.get(row, 0.0), w["x1"])
    near = sum(1 for end in ends.values() if end > gutter - 0.12 * width)
    return near >= 0.5 * len(ends)


def _column_of(x0: float, x1: float, gutter: float | None) -> int:
    if gutter is None or (x0 < gutter < x1):
        return 0
    return 1 if x1 <= gutter else 2


def _group_lines(words: list[dict[str, Any]], gutter: float | None, number: int) -> list[_Line]:
    """Words on one baseline form a line; with a gutter, a left and a right one unless a word crosses it."""
    rows: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if rows and abs(w["top"] - rows[-1][0]["top"]) <= 0.4 * max(w["size"], 1.0):
            rows[-1].append(w)
        else:
            rows.append([w])
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        spanning = gutter is not None and any(w["x0"] < gutter < w["x1"] for w in row)
        groups: dict[int, list[dict[str, Any]]] = {}
        for w in row:
            column = 0 if spanning else _column_of(w["x0"], w["x1"], gutter)
            groups.setdefault(column, []).append(w)
        for column, group in sorted(groups.items()):
            styles = Counter((w["fontname"], round(w["size"], 1)) for w in group for _ in w["text"])
            lines.append(
                _Line(
                    text=" ".join(w["text"] for w in group),
                    x0=group[0]["x0"],
                    x1=max(w["x1"] for w in group),
                    top=min(w["top"] for w in group),
                    bottom=max(w["bottom"] for w in group),
                    style=styles.most_common(1)[0][0],
                    column=column,
                    page=number,
                )
            )
    return lines


def _furniture(pages: list[_Page]) -> set[str]:
    """Normalised texts of header/footer lines: repeated at a page edge on most pages."""
    seen: Counter[str] = Counter()
    for page in pages:
        edge = {_normalise(line.text) for line in _edge_lines(page)}
        seen.update(edge)
    need = max(2, (len(pages) + 1) // 2)
    return {text for text, count in seen.items() if count >= need and len(pages) > 1}


def _edge_lines(page: _Page) -> list[_Line]:
    ordered = sorted(page.lines, key=lambda line: line.top)
    return ordered[:_EDGE_LINES] + ordered[-_EDGE_LINES:]


def _normalise(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _strip_furniture(pages: list[_Page], body_size: float) -> None:
    """Drop running headers/footers and page numbers at the page edges.

    A line repeated at an edge of most pages goes, and so does a page number there. A single page
    cannot show repetition, so a top line in a smaller type than the body, set apart from what
    follows, is taken for its running header too (headers vary by chapter as well).
    """
    repeated = _furniture(pages)
    for page in pages:
        edge = {id(line) for line in _edge_lines(page)}
        ordered = sorted(page.lines, key=lambda line: line.top)
        if len(ordered) > 1:
            head, below = ordered[0], ordered[1]
            if head.style[1] < 0.9 * body_size and below.top - head.bottom > 1.5 * body_size:
                edge.discard(id(head))
                page.lines.remove(head)
        page.lines[:] = [
            line
            for line in page.lines
            if id(line) not in edge
            or not (_normalise(line.text) in repeated or _PAGE_NUMBER.match(line.text.strip()))
        ]


def _reading_order(page: _Page) -> list[_Line | _Table]:
    """Full-width lines in place; between two of them, the left column, then the right one."""
    items: list[_Line | _Table] = sorted([*page.lines, *page.tables], key=lambda item: item.top)
    ordered: list[_Line | _Table] = []
    band: list[_Line | _Table] = []
    for item in items:
        if item.column == 0:
            ordered.extend(sorted(band, key=lambda i: (i.column, i.top)))
            band = []
            ordered.append(item)
        else:
            band.append(item)
    ordered.extend(sorted(band, key=lambda i: (i.column, i.top)))
    return ordered


@dataclass(frozen=True)
class _Metrics:
    """What the document's body text looks like, measured once for all pages."""

    body: tuple[str, float]  # font and size of most of the text
    pitch: float  # distance between the tops of two body lines of one paragraph
    widths: dict[tuple[int, int], tuple[float, float]]  # (page, column) -> left and right edge
    separated: bool  # paragraphs are set apart by space or a first-line indent


def _layout(pages: list[_Page]) -> tuple[str, str | None]:
    weight: Counter[tuple[str, float]] = Counter()
    for page in pages:
        for line in page.lines:
            weight[line.style] += len(line.text)
    body = weight.most_common(1)[0][0] if weight else ("", 0.0)
    _strip_furniture(pages, body[1])
    if not any(page.lines or page.tables for page in pages):
        return "", None
    metrics = _measure(pages, body)
    known = vocabulary(line.text for page in pages for line in page.lines)
    blocks: list[str] = []
    for para in _paragraphs(pages, metrics):
        if para.table is not None:
            blocks.append("\n".join(para.table.rows))
            continue
        text = para.lines[0].text
        for line, joint in zip(para.lines[1:], para.joints, strict=True):
            text = join_line_break(text, line.text, known) if joint == "wrap" else f"{text}\n{line.text}"
        blocks.append(text)
    return "\n\n".join(b for b in blocks if b.strip()), _title(pages[0], body)


def _measure(pages: list[_Page], body: tuple[str, float]) -> _Metrics:
    pairs = [pair for page in pages for pair in _neighbours(page, body)]
    pitches = [b.top - a.top for a, b in pairs if b.top - a.top < 3 * body[1]]
    pitch = statistics.median(pitches) if pitches else body[1] * 1.25
    widths = _column_widths(pages, body)
    # Paragraphs are told apart by space between them or by a first-line indent; where either is
    # the rule, a short line without it is a line break inside the paragraph.
    spaced = sum(1 for a, b in pairs if pitch * 1.25 < b.top - a.top < pitch * 2.5) >= 2
    indents = sum(
        1
        for a, b in pairs
        if a.text.endswith(_TERMINAL)
        and b.x0 - widths.get((b.page, b.column), (b.x0, 0.0))[0] > 0.6 * body[1]
    )
    return _Metrics(body, pitch, widths, spaced or indents >= 2)


def _paragraphs(pages: list[_Page], metrics: _Metrics) -> list[_Paragraph]:
    """Lines in reading order grouped into paragraphs; a table is a paragraph of its own."""
    paragraphs: list[_Paragraph] = []
    previous: _Line | None = None
    for page in pages:
        for item in _reading_order(page):
            if isinstance(item, _Table):
                paragraphs.append(_Paragraph(table=item))
                previous = None
                continue
            current = paragraphs[-1] if paragraphs and paragraphs[-1].table is None else None
            joint = None
            if current is not None and previous is not None:
                in_list = bool(_BULLET.match(current.lines[0].text))
                joint = _joint(previous, item, metrics, in_list)
            if current is not None and joint is not None:
                current.lines.append(item)
                current.joints.append(joint)
            else:
                paragraphs.append(_Paragraph(lines=[item]))
            previous = item
    return paragraphs


def _title(first_page: _Page, body: tuple[str, float]) -> str | None:
    """The largest type on the first page, when it is clearly larger than the body."""
    if not first_page.lines:
        return None
    biggest = max(line.style[1] for line in first_page.lines)
    if biggest <= body[1] * 1.2:
        return None
    top_down = sorted(first_page.lines, key=lambda line: line.top)
    return " ".join(line.text for line in top_down if line.style[1] == biggest)


def _column_lines(page: _Page) -> list[_Line]:
    return sorted(page.lines, key=lambda line: (line.column, line.top))


def _column_widths(pages: list[_Page], body: tuple[str, float]) -> dict[tuple[int, int], tuple[float, float]]:
    """Left and right edge of the body text in each column (0 full width, 1 left, 2 right) of each page."""
    edges: dict[tuple[int, int], tuple[float, float]] = {}
    for page in pages:
        for line in page.lines:
            if line.style != body:
                continue
            key = (line.page, line.column)
            lo, hi = edges.get(key, (line.x0, line.x1))
            edges[key] = (min(lo, line.x0), max(hi, line.x1))
    return edges


def _neighbours(page: _Page, body: tuple[str, float]) -> list[tuple[_Line, _Line]]:
    """Consecutive body lines of one column on one page."""
    lines = _column_lines(page)
    return [
        (a, b)
        for a, b in itertools.pairwise(lines)
        if a.style == b.style == body and a.column == b.column and b.top > a.top
    ]


def _joint(previous: _Line, line: _Line, metrics: _Metrics, in_list: bool = False) -> str | None:
    """How `line` goes on from `previous`: "wrap" (the same sentence runs on), "break" (a line break
    inside the paragraph, as after a short line or before a bullet), or None for a new paragraph."""
    body, pitch, widths, spaced = metrics.body, metrics.pitch, metrics.widths, metrics.separated
    if previous.style != line.style:
        return None
    same_column = previous.page == line.page and previous.column == line.column and line.top > previous.top
    if previous.style != body:
        # A heading runs over a few lines with no gap between them, possibly wider than a column.
        near = previous.page == line.page and 0 < line.top - previous.bottom < 0.6 * line.style[1]
        return "wrap" if near else None
    left, right = widths.get((previous.page, previous.column), (previous.x0, previous.x1))
    full = previous.x1 >= right - 0.08 * (right - left)
    ends = previous.text.rstrip().endswith(_TERMINAL)
    bullet = bool(_BULLET.match(line.text))
    # Where paragraphs open with an indent instead of space, an indented line after a sentence end
    # starts one, even after a full line or at the top of a column.
    line_left = widths.get((line.page, line.column), (line.x0, line.x1))[0]
    if ends and line.x0 - line_left > 0.6 * line.style[1]:
        return None
    if same_column and line.top - previous.top <= pitch * 1.25:
        if full and not bullet:
            return "wrap"
        if spaced or not (ends or bullet):
            return "break"
        return None
    if same_column:
        return None
    if bullet:  # a list goes on in the next column as the lines of one block
        return "break" if spaced and in_list else None
    # A column or page break: the paragraph goes on if the last line stopped mid-sentence and was
    # full or the next starts in lower case; after a sentence end only if the line was justified
    # right to the edge (a paragraph's last line is ragged, and rarely within a point of it).
    if previous.text.endswith("-") or (not ends and (full or line.text[:1].islower())):
        return "wrap"
    return "wrap" if ends and previous.x1 >= right - 1.0 else None
