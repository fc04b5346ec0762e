"""Corpus documents typeset as municipalities publish them, so PDF extraction is tested on real layout.

A4, a full-width title (when the text opens with one), then two justified columns with words
hyphenated at line ends (reportlab with pyphen), a running header ("Innlandet fylkeskommune ·
Kompetansepiloter"), "Side N" footers, and for Innlandet a ruled funding table under its heading.
Columns and pages end wherever the text falls, so sentences run across column and page breaks.
`scanned_pdf` is a page with only an image, as a scanner makes. The tests and
`benchmarks/pdf_extraction.py` both use these builders.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

__all__ = ["DENSE", "TYPESET", "Layout", "TypesetDocument", "scanned_pdf", "typeset", "typeset_corpus"]


@dataclass(frozen=True)
class TypesetSpec:
    """Which corpus file to typeset, in which language, with which running header and table."""

    source: str
    header: str
    hyphenation: str
    table_heading: str = ""
    table_after: str = ""  # the table follows the paragraph containing this text
    table_rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Layout:
    """How the pages look: the default is airy; `DENSE` has no space between paragraphs (first-line
    indents instead), a serif face, the header at the right and "- N -" page numbers."""

    font: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    size: float = 12
    leading: float = 16
    space_after: float = 7
    first_indent: float = 0
    header_right: bool = False
    footer: str = "Side {n}"
    top: float = 70
    bottom: float = 70


DENSE = Layout(
    font="Times-Roman", bold="Times-Bold", size=11, leading=13, space_after=0, first_indent=14,
    header_right=True, footer="- {n} -", top=150, bottom=150,
)  # fmt: skip


@dataclass(frozen=True)
class TypesetDocument:
    """A generated PDF with the plain text it was typeset from (the .txt plus the table as rows)."""

    name: str
    pdf: bytes
    text: str
    header: str
    table_rows: tuple[str, ...]
    pages: int


# Amounts and funders as written in corpus/innlandet-kompetansepiloter.txt.
TYPESET = {
    "innlandet": TypesetSpec(
        source="innlandet-kompetansepiloter.txt",
        header="Innlandet fylkeskommune · Kompetansepiloter",
        hyphenation="nb_NO",
        table_heading="Finansiering av Kompetansepiloter",
        table_after="Innlandet fylkeskommune bidrar med 1,882 millioner kroner",
        table_rows=(
            ("Kommunal- og moderniseringsdepartementet (KMD)", "4,4 mill. kr"),
            ("Innlandet fylkeskommune", "1,882 mill. kr"),
            ("Til sammen", "6,3 mill. kr"),
        ),
    ),
    "herning": TypesetSpec(
        source="herning-uddannelsesstrategi.txt",
        header="Herning Kommune · Uddannelsesstrategi",
        hyphenation="da_DK",
    ),
    "hamar": TypesetSpec(
        source="hamar-kunnskap-og-kompetanse.txt",
        header="Hamar kommune · Kunnskap og kompetanse",
        hyphenation="nb_NO",
    ),
}

_TERMINAL = (".", "!", "?", ":", ";", "»", '"', ")")


def _is_heading(paragraph: str) -> bool:
    return len(paragraph) < 70 and "\n" not in paragraph and not paragraph.endswith(_TERMINAL)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def typeset(spec: TypesetSpec, layout: Layout = Layout()) -> TypesetDocument:
    """Typeset one corpus document; the returned `text` is exactly what was put on the pages."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        PageTemplate,
        Paragraph,
        Table,
        TableStyle,
    )
    from reportlab.platypus.flowables import Flowable

    from ingest.clean import clean_text

    # The cleaned text, not the scraped page: a published PDF has no "Klikk for stort bilde".
    raw = clean_text((CORPUS / spec.source).read_text(encoding="utf-8"))
    paragraphs = [re.sub(r"[ \t]+", " ", p).strip() for p in re.split(r"\n\s*\n", raw) if p.strip()]
    body = ParagraphStyle(
        "body", fontName=layout.font, fontSize=layout.size, leading=layout.leading, alignment=TA_JUSTIFY,
        spaceAfter=layout.space_after, firstLineIndent=layout.first_indent,
        hyphenationLang=spec.hyphenation, embeddedHyphenation=1, uriWasteReduce=0.3,
    )  # fmt: skip
    heading = ParagraphStyle("heading", fontName=layout.bold, fontSize=layout.size + 1,
                             leading=layout.leading + 1, spaceBefore=6, spaceAfter=4)  # fmt: skip
    title = ParagraphStyle("title", fontName=layout.bold, fontSize=18, leading=23, spaceAfter=10)
    cell = ParagraphStyle("cell", fontName=layout.font, fontSize=10, leading=12)

    width, height = A4
    margin, gutter, top, bottom = 56.0, 22.0, layout.top, layout.bottom
    col = (width - 2 * margin - gutter) / 2
    title_h = 70.0

    if not _is_heading(paragraphs[0]):
        title_h = 1.0

    def furniture(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(layout.font, 9)
        if layout.header_right:
            canvas.drawRightString(width - margin, height - 40, spec.header)
            canvas.drawRightString(width - margin, 36, layout.footer.format(n=doc.page))
        else:
            canvas.drawString(margin, height - 40, spec.header)
            canvas.line(margin, height - 46, width - margin, height - 46)
            canvas.drawCentredString(width / 2, 36, layout.footer.format(n=doc.page))
        canvas.restoreState()

    first = [
        Frame(margin, height - top - title_h, width - 2 * margin, title_h, id="title"),
        Frame(margin, bottom, col, height - top - bottom - title_h, id="l1"),
        Frame(margin + col + gutter, bottom, col, height - top - bottom - title_h, id="r1"),
    ]
    later = [
        Frame(margin, bottom, col, height - top - bottom, id="l"),
        Frame(margin + col + gutter, bottom, col, height - top - bottom, id="r"),
    ]
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4, title=paragraphs[0], author=spec.header.split(" · ")[0])
    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=first, onPage=furniture, autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=later, onPage=furniture),
        ]
    )
    story: list[Flowable] = []
    typed: list[str] = []
    for index, para in enumerate(paragraphs):
        typed.append(para)
        if index == 0:
            # A first paragraph that is a sentence, not a title, starts the columns (Hamar's page).
            story.append(Paragraph(_escape(para), title) if _is_heading(para) else FrameBreak())
            if _is_heading(para):
                continue
        # A line break inside a paragraph of the .txt stays a line break on the page.
        style = heading if _is_heading(para) else body
        story.append(Paragraph("<br/>".join(_escape(line) for line in para.split("\n")), style))
        if spec.table_after and spec.table_after in para:
            typed.append(spec.table_heading)
            typed.append("\n".join(f"{a} | {b}" for a, b in spec.table_rows))
            story.append(Paragraph(_escape(spec.table_heading), heading))
            data = [[Paragraph(_escape(a), cell), Paragraph(_escape(b), cell)] for a, b in spec.table_rows]
            table = Table(data, colWidths=[col * 0.64, col * 0.36])
            table.setStyle(
                TableStyle(
                    [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
                )
            )
            story.append(table)
    doc.build(story)
    return TypesetDocument(
        name=spec.source.replace(".txt", ".pdf"),
        pdf=buffer.getvalue(),
        text="\n\n".join(typed),
        header=spec.header,
        table_rows=tuple(f"{a} | {b}" for a, b in spec.table_rows),
        pages=doc.page,
    )


def typeset_corpus(layout: Layout = Layout()) -> list[TypesetDocument]:
    """Innlandet (with its funding table), Herning (da) and Hamar, each as a two-column PDF."""
    return [typeset(spec, layout) for spec in TYPESET.values()]


def scanned_pdf() -> bytes:
    """One A4 page holding only a picture of text: no text layer, as a scanner without OCR makes."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    image = Image.new("L", (1240, 1754), color=255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)  # about 11 pt at 150 dpi, readable by OCR
    for row, line in enumerate(["Skannet vedtak", "Kommunestyret vedtok planen for kompetanse."]):
        draw.text((120, 150 + 70 * row), line, fill=0, font=font)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
