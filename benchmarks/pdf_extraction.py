"""Side-by-side of PDF text extraction on corpus documents typeset as municipalities publish them.

    python benchmarks/pdf_extraction.py [--runs 3]

Each library reads the same generated PDFs (tests/pdf_fixtures.py: two justified columns,
hyphenation, running header, "Side N" footers, a funding table, page breaks mid-sentence) and is
scored against the text that was typeset, after the same cleaning as ingest:
- split words: distinct words of the source that are missing from the extraction (e.g. "fyl- keskommune");
- header/footer: lines of the extraction that are the running header or a page number;
- table rows: rows of the funding table whose cells stand on one line, in order;
- cut sentences: sentences of the source that no paragraph of the extraction holds whole;
- ms/page: median time per page over `--runs` runs.
PyMuPDF is left out on purpose: it is AGPL, which the default install must not carry.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.clean import clean_text
from ingest.pdf import read_pdf
from tests.pdf_fixtures import DENSE, TypesetDocument, typeset_corpus

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\-–])")
_PAGE_NUMBER = re.compile(r"^(?:side\s*)?[-–]?\s*\d{1,4}\s*[-–]?$", re.IGNORECASE)


def _pypdf(path: Path) -> str:
    from pypdf import PdfReader

    return "\n\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _pdfplumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n\n".join(page.extract_text() or "" for page in pdf.pages)


def _pypdfium2(path: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return "\n\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def _ours(path: Path) -> str:
    return read_pdf(path).text


LIBRARIES: dict[str, tuple[str, Callable[[Path], str]]] = {
    "pypdf extract_text (before)": ("BSD", _pypdf),
    "pdfplumber extract_text": ("MIT", _pdfplumber),
    "pypdfium2 get_text_range": ("Apache/BSD", _pypdfium2),
    "ingest/pdf.py (pdfplumber words + layout)": ("MIT", _ours),
}


@dataclass(frozen=True)
class Score:
    split_words: int
    furniture_lines: int
    table_rows: int
    table_total: int
    cut_sentences: int
    sentences: int
    ms_per_page: float


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def score(doc: TypesetDocument, extracted: str, ms_per_page: float) -> Score:
    source = clean_text(doc.text)
    got = clean_text(extracted)
    missing = set(_WORD.findall(source)) - set(_WORD.findall(got))
    lines = [line.strip() for line in got.split("\n")]
    furniture = sum(1 for line in lines if line == doc.header or _PAGE_NUMBER.match(line))
    rows = sum(
        1 for row in doc.table_rows if any(re.search(r"\s*\S*\s*".join(map(re.escape, row.split(" | "))), ln)
                                           for ln in lines)
    )  # fmt: skip
    paragraphs = [_norm(p) for p in got.split("\n\n")]
    sentences = [_norm(s) for p in source.split("\n\n") for s in _SENTENCE_END.split(p) if len(s) > 20]
    cut = sum(1 for s in sentences if not any(s in p for p in paragraphs))
    return Score(len(missing), furniture, rows, len(doc.table_rows), cut, len(sentences), ms_per_page)


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # Both looks: space between paragraphs with "Side N", and first-line indents with "- N -".
    docs = [*typeset_corpus(), *typeset_corpus(DENSE)]
    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as folder:
        paths = []
        for index, doc in enumerate(docs):
            path = Path(folder) / f"{index}-{doc.name}"
            path.write_bytes(doc.pdf)
            paths.append(path)
        names = ", ".join(sorted({d.name for d in docs}))
        print(f"{names}, each in 2 layouts: {len(docs)} PDFs, {sum(d.pages for d in docs)} pages\n")
        out = io.StringIO()
        out.write("| library | licence | split words left | header/footer lines | table rows intact | ")
        out.write("sentences cut | ms/page |\n|---|---|---|---|---|---|---|\n")
        for name, (licence, extract) in LIBRARIES.items():
            scores = []
            for doc, path in zip(docs, paths, strict=True):
                timings = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    text = extract(path)
                    timings.append((time.perf_counter() - started) * 1000 / doc.pages)
                scores.append(score(doc, text, statistics.median(timings)))
            out.write(
                f"| {name} | {licence} | {sum(s.split_words for s in scores)} | "
                f"{sum(s.furniture_lines for s in scores)} | "
                f"{sum(s.table_rows for s in scores)}/{sum(s.table_total for s in scores)} | "
                f"{sum(s.cut_sentences for s in scores)}/{sum(s.sentences for s in scores)} | "
                f"{statistics.mean(s.ms_per_page for s in scores):.0f} |\n"
            )
        print(out.getvalue())


if __name__ == "__main__":
    main()
