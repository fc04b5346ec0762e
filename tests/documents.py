"""Builders for real documents made inside the tests (PDF, docx, zip bombs), so no binary is checked in."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def make_pdf(pages: list[list[str]], *, title: str | None = None, user_password: str | None = None) -> bytes:
    """A real PDF with one text line per entry (Helvetica, WinAnsi so æøå are real glyphs)."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    font_ref = writer._add_object(font)
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        ops = [b"BT", b"/F1 12 Tf", b"14 TL", b"72 720 Td"]
        for line in lines:
            raw = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            ops.append(b"(" + raw + b") Tj T*")
        ops.append(b"ET")
        stream = DecodedStreamObject()
        stream.set_data(b"\n".join(ops))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    if title:
        writer.add_metadata({"/Title": title})
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner-secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF written by hand from numbered objects (object 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_with_page_loop() -> bytes:
    """A PDF whose page tree lists itself among its own kids (a reference loop)."""
    content = b"BT /F1 12 Tf 72 720 Td (Loop) Tj ET"
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def make_docx(path: Path) -> Path:
    """A docx with a title heading, a paragraph, a subheading, two list items and a table."""
    import docx

    document = docx.Document()
    document.add_heading("Strategi for kompetanse i Innlandet", level=1)
    document.add_paragraph("Fylkeskommunen skal bidra til kompetanseheving i distriktene.")
    document.add_heading("Samarbeidspartnere", level=2)
    document.add_paragraph("Tretorget", style="List Bullet")
    document.add_paragraph("Norwegian Wood Cluster", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Finansiering"
    table.cell(0, 1).text = "Beløp"
    table.cell(1, 0).text = "Departementet"
    table.cell(1, 1).text = "4,4 millioner kroner"
    document.save(str(path))
    return path


def make_docx_as_published(path: Path) -> Path:
    """A docx as a municipality writes one: page header and footer, a table between two paragraphs,
    a numbered list item with a line break in it."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Herning Kommune · Uddannelsesstrategi"
    section.footer.paragraphs[0].text = "Side 1 af 4"
    document.add_heading("Uddannelsesstrategi", level=1)
    document.add_paragraph("Strategien har fire mål, som tabellen viser.")
    table = document.add_table(rows=3, cols=2)
    for row, (goal, owner) in enumerate(
        [("Mål", "Ansvarlig"), ("Flere studerende", "Herning Kommune"), ("Livslang læring", "Erhvervsrådet")]
    ):
        table.cell(row, 0).text = goal
        table.cell(row, 1).text = owner
    document.add_paragraph("Efter tabellen følger indsatserne.")
    item = document.add_paragraph("Vi vil etablere nye områder i byen,", style="List Number")
    item.add_run().add_break()
    item.add_run("der fusionerer innovation og uddannelse.")
    document.save(str(path))
    return path


def docx_with_padding(source: Path, target: Path, padding_bytes: int) -> Path:
    """Copy of a real docx plus a member of zeros: deflate shrinks it about a thousandfold."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        zout.writestr("word/media/image1.bin", b"\0" * padding_bytes)
    return target


def forge_declared_sizes(path: Path, declared: int) -> Path:
    """Rewrite every central-directory entry to claim `declared` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        struct.pack_into("<I", data, pos + 24, declared)  # uncompressed size field
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    return path


def pdf_with_stream_bomb(unpacked_bytes: int = 100_000_000) -> bytes:
    """A one-page PDF whose content stream inflates to `unpacked_bytes` (~1000:1 compression)."""
    import zlib

    packer = zlib.compressobj(9)
    parts = [packer.compress(b"BT /F1 12 Tf 72 720 Td (Bombe) Tj ET\n")]
    block = b" " * (1 << 20)
    for _ in range(unpacked_bytes // len(block)):
        parts.append(packer.compress(block))
    parts.append(packer.flush())
    packed = b"".join(parts)
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def html_entity_bomb() -> str:
    """Billion laughs: 10 levels of 10 references to a 1000-character entity (10^13 characters)."""
    entities = (
        '<!ENTITY a0 "'
        + "x" * 1000
        + '">'
        + "".join(f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, 11))
    )
    return f"<!DOCTYPE html [{entities}]><html><body><p>Start &a10; slutt</p></body></html>"
