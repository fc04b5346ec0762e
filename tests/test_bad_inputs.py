"""Every kind of bad file in one folder, one ingest: each is refused with a reason that says what to do,
nothing of it reaches the index, the good files are searchable, and the run ends in bounded time.

All files are made here (see tests/documents.py); the fake embedder keeps it fast. The cases are
listed with their results in docs/reliability.md.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from assistant.library import DocumentLibrary, UploadRejected
from ingest.pipeline import IngestReport, ingest_paths
from ingest.settings import IngestSettings
from tests.conftest import CORPUS
from tests.documents import (
    docx_with_padding,
    forge_declared_sizes,
    html_entity_bomb,
    make_docx,
    make_pdf,
    pdf_with_page_loop,
    pdf_with_stream_bomb,
)
from vectorstore.store import ChunkStore

pytestmark = pytest.mark.timeout(180)

INNLANDET = "innlandet-kompetansepiloter.txt"
GOOD = {INNLANDET, "rapport.pdf", "herning-cp1252.txt"}
DANISH = (
    "Uddannelsesstrategien skal styrke samarbejdet mellem erhvervsliv og skoler i Herning: færre frafald, "
)
PARSE_TIMEOUT_S = 3.0

# file -> (what is wrong, what to do): both must be in its reason.
EXPECTED = {
    "corrupt.pdf": ("corrupt or unreadable PDF", "save or export it again"),
    "encrypted.pdf": ("encrypted PDF", "remove the password"),
    "loop.pdf": ("corrupt or unreadable PDF", "save or export it again"),
    "stream-bomb.pdf": ("LimitReachedError", "save or export it again"),
    "empty.txt": ("empty file (0 bytes)", "save or copy it again"),
    "photo.txt": ("binary content, not text", "check the file extension"),
    "undecodable.txt": ("neither UTF-8 nor Windows-1252", "convert it to UTF-8"),
    "declared-bomb.docx": ("looks like a zip bomb", "save it again from Word"),
    "ratio-bomb.docx": ("ratio", "save it again from Word"),
    "entities.html": ("declares its own entities", "save the page again"),
    "huge.txt": ("200.0 MB, over the 50 MB limit", "raise INGEST_MAX_FILE_MB"),
    "budget.xlsx": ("unsupported file type", "convert it to one of"),
    "backtracking.md": (f"longer than {PARSE_TIMEOUT_S:g} s", "INGEST_PARSE_TIMEOUT_S"),
}


def _make_folder(folder: Path, scratch: Path) -> None:
    folder.mkdir()
    scratch.mkdir()
    # Good files: a UTF-8 text, a real PDF, and a Windows-1252 text that must decode to æøå.
    shutil.copy(CORPUS / INNLANDET, folder / INNLANDET)
    (folder / INNLANDET).chmod(0o644)
    (folder / "rapport.pdf").write_bytes(
        make_pdf([["Innlandet satser på treindustri og bioøkonomi i Gjøvik."]], title="Treindustri i Gjøvik")
    )
    (folder / "herning-cp1252.txt").write_bytes((DANISH * 12 + "Øget trivsel.\n").encode("cp1252"))

    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\nthis is not a pdf body at all")
    (folder / "encrypted.pdf").write_bytes(make_pdf([["Hemmelig budsjett."]], user_password="hemmelig"))
    (folder / "loop.pdf").write_bytes(pdf_with_page_loop())
    (folder / "stream-bomb.pdf").write_bytes(pdf_with_stream_bomb())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    # 0x81, 0x8d, 0x8f, 0x90, 0x9d are invalid in UTF-8 and unassigned in Windows-1252.
    (folder / "undecodable.txt").write_bytes(b"Tekst med \x81\x8d\x8f\x90\x9d bytes " * 20)
    declared = forge_declared_sizes(make_docx(scratch / "declared.docx"), declared=2_000_000_000)
    shutil.copy(declared, folder / "declared-bomb.docx")
    docx_with_padding(make_docx(scratch / "real.docx"), folder / "ratio-bomb.docx", 30 * 1024 * 1024)
    (folder / "entities.html").write_text(html_entity_bomb(), encoding="utf-8")
    with open(folder / "huge.txt", "wb") as sparse:  # 200 MB on paper, no disk blocks
        sparse.truncate(200 * 1_000_000)
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    # A real regular-expression backtracking case: the markdown italic rule is quadratic on this line
    # (about a minute in-process); the parse time limit stops it.
    (folder / "backtracking.md").write_text("# Notat\n\n" + " *x" * 60_000 + "\n", encoding="utf-8")


@pytest.fixture
def ingested(store: ChunkStore, tmp_path: Path) -> tuple[ChunkStore, IngestReport, float]:
    folder = tmp_path / "inbox"
    _make_folder(folder, tmp_path / "scratch")
    settings = IngestSettings(max_file_mb=50, parse_timeout_s=PARSE_TIMEOUT_S)
    started = time.perf_counter()
    report = ingest_paths([folder], store, settings=settings)
    return store, report, time.perf_counter() - started


def test_each_bad_file_gets_a_reason_that_says_what_to_do(
    ingested: tuple[ChunkStore, IngestReport, float],
) -> None:
    _, report, _ = ingested
    reasons = {f.source: f.reason for f in report.skipped}
    assert set(reasons) == set(EXPECTED), report.summary()
    for source, (problem, advice) in EXPECTED.items():
        assert problem in reasons[source], (source, reasons[source])
        assert advice in reasons[source], (source, reasons[source])
    assert sorted(f.source for f in report.files if f.status == "added") == sorted(GOOD)


def test_nothing_of_a_bad_file_reaches_the_index(ingested: tuple[ChunkStore, IngestReport, float]) -> None:
    store, _, _ = ingested
    assert {d.source for d in store.list_documents()} == GOOD
    passages = list(store.iter_passages())
    assert {str(p.metadata["source"]) for p in passages} == GOOD
    assert store.count() == sum(d.n_chunks for d in store.list_documents())
    assert set(store.lexical().ids) == {str(p.id) for p in passages}
    assert not any(str(p.id).startswith(tuple(EXPECTED)) for p in passages)


def test_the_good_files_are_searchable_with_their_letters_intact(
    ingested: tuple[ChunkStore, IngestReport, float],
) -> None:
    store, _, _ = ingested
    herning = store.get_document("herning-cp1252.txt")
    assert herning is not None and "færre frafald" in herning.text and "Øget trivsel." in herning.text
    assert herning.lang == "da"
    for question, source in [
        ("treindustri og bioøkonomi i Gjøvik", "rapport.pdf"),
        ("samarbejdet mellem erhvervsliv og skoler", "herning-cp1252.txt"),
        ("Kompetansepiloter Tretorget", INNLANDET),
    ]:
        top_dense = store.dense_search(store.embeddings.embed_query(question), k=1)[0][0]
        assert top_dense.metadata["source"] == source, question
        top_bm25 = store.lexical().search(question, k=1)[0][0]
        assert store.get_passages([top_bm25])[0].metadata["source"] == source, question


def test_the_ingest_ends_in_bounded_time(ingested: tuple[ChunkStore, IngestReport, float]) -> None:
    # The backtracking file alone would take about a minute; everything else is quick.
    _, report, seconds = ingested
    assert seconds < PARSE_TIMEOUT_S + 40, report.summary()


def test_an_upload_named_with_folder_parts_stays_in_the_uploads_folder(
    store: ChunkStore, tmp_path: Path
) -> None:
    library = DocumentLibrary(store)
    assert library.check_upload("../../etc/x.txt", 100) == "x.txt"
    assert library.check_upload("..\\..\\Windows\\x.txt", 100) == "x.txt"
    for unusable in ("..", "../..", "/", "..\\"):
        with pytest.raises(UploadRejected, match="unusable file name"):
            library.check_upload(unusable, 100)

    # The browser's file arrives at a path whose own name climbs out of its folder.
    target = tmp_path / "etc" / "x.txt"
    target.parent.mkdir()
    target.write_text("Hamar kommune satser på spill og bioøkonomi.", encoding="utf-8")
    before = {p for p in tmp_path.rglob("*") if store.settings.data_dir not in p.parents}
    upload = tmp_path / "upload" / "tmp" / ".." / ".." / "etc" / "x.txt"
    (tmp_path / "upload" / "tmp").mkdir(parents=True)
    before |= {tmp_path / "upload", tmp_path / "upload" / "tmp"}
    report = library.add_files([upload])

    assert [(f.source, f.status) for f in report.files] == [("x.txt", "added")]
    assert (library.uploads_dir / "x.txt").is_file()
    after = {p for p in tmp_path.rglob("*") if store.settings.data_dir not in p.parents}
    assert after == before  # nothing written outside the data folder
    assert [d.source for d in store.list_documents()] == ["x.txt"]
    assert store.list_documents()[0].root == str(library.uploads_dir.resolve())
