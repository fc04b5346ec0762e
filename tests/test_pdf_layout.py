"""PDFs as municipalities publish them (two columns, hyphenation, running header, table, scans) read
like the text that was typeset: no split words, no header in a passage, table rows whole, the same
overview as the plain text."""

from __future__ import annotations

import io
import os
import re
import shutil
from functools import cache
from pathlib import Path

import pytest

from ingest.clean import clean_text
from ingest.extract import Extraction, extract
from ingest.hyphenation import join_line_break, vocabulary
from ingest.loaders import LoadError, load_file
from ingest.pipeline import ingest_paths
from tests.pdf_fixtures import DENSE, Layout, TypesetDocument, scanned_pdf, typeset_corpus
from vectorstore.store import ChunkStore

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_FOOTER = re.compile(r"^Side \d+$", re.MULTILINE)


@cache
def _typeset(dense: bool = False) -> tuple[TypesetDocument, ...]:
    return tuple(typeset_corpus(DENSE if dense else Layout()))


def _docs() -> list[TypesetDocument]:
    return list(_typeset())


def _all_layouts() -> list[TypesetDocument]:
    """Airy (space between paragraphs, centred "Side N") and dense (indents, "- N -", one-page Hamar)."""
    return [*_typeset(), *_typeset(dense=True)]


def _ids(doc: TypesetDocument) -> str:
    return doc.name.split("-")[0]


def _layout_ids(doc: TypesetDocument) -> str:
    dense = doc in _typeset(dense=True)
    return f"{doc.name.split('-')[0]}-{'dense' if dense else 'airy'}"


def _extract_pdf(doc: TypesetDocument, folder: Path) -> str:
    path = folder / doc.name
    path.write_bytes(doc.pdf)
    return clean_text(load_file(path, 10_000_000).text)


@pytest.mark.parametrize("doc", _docs(), ids=_ids)
def test_generated_pdf_has_the_layout_the_tests_claim(doc: TypesetDocument) -> None:
    from pypdf import PdfReader

    raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(doc.pdf)).pages)
    assert doc.pages >= 2
    assert raw.count(doc.header) == doc.pages  # the running header is on every page
    assert re.search(r"\w-\n\w", raw)  # words are hyphenated at line ends


@pytest.mark.parametrize("doc", _all_layouts(), ids=_layout_ids)
def test_no_word_of_the_source_is_split(doc: TypesetDocument, tmp_path: Path) -> None:
    text = _extract_pdf(doc, tmp_path)
    source_words = set(_WORD.findall(clean_text(doc.text)))
    got_words = set(_WORD.findall(text))
    assert source_words - got_words == set()  # nothing like "fyl- keskommune" left
    assert got_words - source_words == set()  # and no fragment such as "keskommune" alone


@pytest.mark.parametrize("doc", _all_layouts(), ids=_layout_ids)
def test_the_pdf_reads_like_the_text_that_was_typeset(doc: TypesetDocument, tmp_path: Path) -> None:
    """Same paragraphs, same sentences, in the same order: column and page breaks leave no trace."""
    assert _extract_pdf(doc, tmp_path) == clean_text(doc.text)


def test_real_hyphens_survive_line_ends(tmp_path: Path) -> None:
    text = _extract_pdf(_docs()[0], tmp_path)
    for kept in ("Kompetanse- og tannhelsesjef", "Midt- og Nord-Gudbrandsdal", "Per-Gunnar Sveen"):
        assert kept in text
    assert "fylkeskommune" in text and "fyl-" not in text


@pytest.mark.parametrize("dense", [False, True], ids=["airy", "dense"])
def test_funding_table_rows_stay_rows_under_their_heading(tmp_path: Path, dense: bool) -> None:
    doc = _typeset(dense)[0]
    paragraphs = _extract_pdf(doc, tmp_path).split("\n\n")
    heading = paragraphs.index("Finansiering av Kompetansepiloter")
    assert paragraphs[heading + 1].split("\n") == list(doc.table_rows)
    assert "Innlandet fylkeskommune | 1,882 mill. kr" in doc.table_rows


def _overview(extraction: Extraction) -> tuple[set[str], set[tuple[float, str]]]:
    return {p.name for p in extraction.partners}, {(f.amount, f.currency) for f in extraction.funding}


@pytest.mark.parametrize("doc", _docs(), ids=_ids)
def test_overview_finds_the_same_partners_and_amounts_as_from_plain_text(
    doc: TypesetDocument, tmp_path: Path
) -> None:
    lang = "da" if "herning" in doc.name else "nb"
    from_pdf = _overview(extract(doc.name, _extract_pdf(doc, tmp_path), lang))
    from_text = _overview(extract(doc.name, clean_text(doc.text), lang))
    assert from_pdf == from_text
    if "innlandet" in doc.name:
        assert "Tretorget" in from_pdf[0]  # lost to "Tretor- get" before
        assert (1_882_000.0, "NOK") in from_pdf[1]


def test_ingested_passages_hold_no_header_or_footer_and_spans_are_exact(
    store: ChunkStore, tmp_path: Path
) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for doc in _all_layouts():
        name = f"dense-{doc.name}" if doc in _typeset(dense=True) else doc.name
        (folder / name).write_bytes(doc.pdf)
    report = ingest_paths([folder], store)
    assert report.count("added") == len(_all_layouts())
    headers = {doc.header for doc in _docs()}
    records = {r.source: store.get_document(r.source) or r for r in store.list_documents()}
    passages = list(store.iter_passages())
    assert passages
    for passage in passages:
        meta = passage.metadata
        record = records[str(meta["source"])]
        text = record.text[int(meta["char_start"]) : int(meta["char_end"])]
        assert text and text in passage.page_content  # a passage is a span of the cleaned text
        assert not any(h in text for h in headers), text
        assert not _FOOTER.search(text) and not re.search(r"^- \d+ -$", text, re.MULTILINE), text
    for doc in _docs():
        assert records[doc.name].text == clean_text(doc.text)  # what the source viewer shows


def test_a_scan_asks_for_ocr_and_the_rest_of_the_folder_is_ingested(
    store: ChunkStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)  # as on a machine without tesseract
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "skannet-vedtak.pdf").write_bytes(scanned_pdf())
    (folder / _docs()[0].name).write_bytes(_docs()[0].pdf)
    report = ingest_paths([folder], store)
    reasons = {f.source: f.reason for f in report.skipped}
    assert set(reasons) == {"skannet-vedtak.pdf"}
    assert "OCR" in reasons["skannet-vedtak.pdf"] and "tesseract" in reasons["skannet-vedtak.pdf"]
    assert "scan" in reasons["skannet-vedtak.pdf"]
    assert report.count("added") == 1


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_a_scan_is_read_with_tesseract_when_installed(tmp_path: Path) -> None:
    path = tmp_path / "skannet-vedtak.pdf"
    path.write_bytes(scanned_pdf())
    assert "Kommunestyret" in load_file(path, 10_000_000).text


def test_a_scan_without_tesseract_is_refused_with_how_to_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    with pytest.raises(LoadError, match="needs OCR") as caught:
        load_file(path, 10_000_000)
    assert "ocrmypdf" in str(caught.value)


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("for fyl-", "keskommune og", "for fylkeskommune og"),
        ("gjennomførin-", "gen av prosjektet", "gjennomføringen av prosjektet"),
        ("større inte-", "gration mellem", "større integration mellem"),
        ("Kompetanse-", "og tannhelsesjef", "Kompetanse- og tannhelsesjef"),
        ("Midt- og Nord-", "Gudbrandsdal", "Midt- og Nord-Gudbrandsdal"),
        ("en ny IKT-", "satsing", "en ny IKT-satsing"),
        ("slutt.", "Neste", "slutt. Neste"),
    ],
)
def test_line_end_hyphens_are_joined_or_kept(left: str, right: str, joined: str) -> None:
    assert join_line_break(left, right) == joined


def test_the_documents_own_vocabulary_keeps_a_lower_case_compound_hyphen() -> None:
    known = vocabulary(["den tre-mekaniske næringskjeden", "og tre-mekaniske bedrifter"])
    assert join_line_break("den tre-", "mekaniske", known) == "den tre-mekaniske"
    assert join_line_break("den tre-", "mekaniske") == "den tremekaniske"  # without it: typesetting


@pytest.mark.parametrize("dense", [False, True], ids=["airy", "dense"])
def test_a_long_report_reads_like_its_text_across_dozens_of_column_and_page_breaks(
    tmp_path: Path, dense: bool
) -> None:
    """Some 30 pages: paragraphs, lists and the table fall on every position of a column."""
    from dataclasses import replace

    from tests.pdf_fixtures import CORPUS, TYPESET, typeset

    source = tmp_path / "rapport.txt"
    parts = [(CORPUS / TYPESET[key].source).read_text(encoding="utf-8") for key in TYPESET]
    source.write_text("\n\n".join(parts * 8), encoding="utf-8")
    doc = typeset(replace(TYPESET["innlandet"], source=str(source)), DENSE if dense else Layout())
    assert doc.pages >= 25
    assert _extract_pdf(doc, tmp_path) == clean_text(doc.text)


def test_a_one_column_form_keeps_each_label_beside_its_value(tmp_path: Path) -> None:
    """Values aligned at mid-page are not a second column: reading them after all labels would
    separate every amount from what it is."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    rows = [(f"Tiltak {n}", f"{n * 100} 000 kroner fra fylkeskommunen") for n in range(1, 16)]
    path = tmp_path / "skjema.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Helvetica", 11)
    for index, (label, value) in enumerate(rows):
        canvas.drawString(72, 760 - 20 * index, label)
        canvas.drawString(300, 760 - 20 * index, value)
    canvas.save()
    text = " ".join(load_file(path, 10_000_000).text.split())
    positions = [text.find(f"{label} {value}") for label, value in rows]
    assert -1 not in positions and positions == sorted(positions)


def test_a_scan_goes_to_tesseract_page_by_page_in_nor_dan_eng(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plumbing around Debian's tesseract (a stand-in script here; the real one above)."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls.txt"
    bin_dir.mkdir()
    script = bin_dir / "tesseract"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--list-langs" ]; then\n'
        '  printf "List of available languages (4):\\nnor\\ndan\\neng\\nosd\\n"; exit 0\n'
        "fi\n"
        f'echo "$@" >> {calls}\n'
        'test -s "$1" && echo "Kommunestyret vedtok planen for kompetanse."\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    path = tmp_path / "skannet.pdf"
    path.write_bytes(scanned_pdf())
    loaded = load_file(path, 10_000_000)
    assert loaded.text == "Kommunestyret vedtok planen for kompetanse."
    (call,) = calls.read_text(encoding="utf-8").splitlines()
    assert call.endswith("stdout -l nor+dan+eng") and ".png" in call


@pytest.mark.parametrize(
    ("metadata_title", "expected"),
    [
        ("Microsoft Word - strategi_v3.docx", "Kompetansestrategi for Innlandet"),
        ("PowerPoint Presentation", "Kompetansestrategi for Innlandet"),
        ("Untitled", "Kompetansestrategi for Innlandet"),
        ("Strategi for kompetanse 2030", "Strategi for kompetanse 2030"),
    ],
)
def test_a_pdf_is_titled_by_its_author_not_by_the_program_that_wrote_it(
    tmp_path: Path, metadata_title: str, expected: str
) -> None:
    """Citations and the document list show the title: a word processor's default or a file name
    in the metadata gives way to the first page's heading; a title an author wrote is kept."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "strategi.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle(metadata_title)
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(72, 760, "Kompetansestrategi for Innlandet")
    canvas.setFont("Helvetica", 11)
    for index in range(12):
        canvas.drawString(
            72, 720 - 16 * index, f"Fylkeskommunen satser på kompetanse i tiltak nummer {index + 1}."
        )
    canvas.save()
    assert load_file(path, 10_000_000).title == expected
