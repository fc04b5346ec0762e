"""Overview and answers for the typeset corpus PDFs, from a given checkout, beside the plain text.

    python benchmarks/pdf_before_after.py --code /work/main --label before --work /tmp/wt20-before
    python benchmarks/pdf_before_after.py --code . --label after --work /tmp/wt20-after

Writes the three PDFs of tests/pdf_fixtures.py (and, with --plain, the text they were typeset
from as .txt) into WORK/docs, ingests them with the code in CODE (PYTHONPATH) through the real
CLI and model, and prints as JSON: the overview's partners and amounts per document, and the
answer text and quoted sentences for each question. Compare two runs to see what changed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.pdf_fixtures import typeset_corpus

QUESTIONS = [
    "Hvem samarbeider Innlandet med i Kompetansepiloter?",
    "Hvor mye bidrar Innlandet fylkeskommune med til Kompetansepiloter?",
    "Hvordan vil Herning skabe større integration mellem uddannelserne og arbejdsmarkedet?",
]


def _cli(code: Path, data: Path, *args: str) -> str:
    # cwd too: `python -m` puts the working directory before PYTHONPATH.
    env = {**os.environ, "PYTHONPATH": str(code), "ASSISTANT_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    env.pop("CHROMA_HOST", None)
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--code", type=Path, required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--plain", action="store_true", help="ingest the typeset text as .txt instead")
    args = parser.parse_args()
    docs_dir, data = args.work / "docs", args.work / "data"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for doc in typeset_corpus():
        if args.plain:
            (docs_dir / doc.name.replace(".pdf", ".txt")).write_text(doc.text, encoding="utf-8")
        else:
            (docs_dir / doc.name).write_bytes(doc.pdf)
    ingest = _cli(args.code.resolve(), data, "ingest", str(docs_dir))
    overview = json.loads(_cli(args.code.resolve(), data, "overview", "--json") or "{}")
    result: dict[str, Any] = {"label": args.label, "ingest": ingest.strip().splitlines()[:1], "overview": {}}
    for document in overview.get("documents", []):
        result["overview"][document["source"]] = {
            "partners": sorted({p["name"] for p in document.get("partners", [])}),
            "funding": [f["amount_text"] for f in document.get("funding", [])],
        }
    result["answers"] = []
    for question in QUESTIONS:
        answer = json.loads(_cli(args.code.resolve(), data, "ask", "--json", question) or "{}")
        result["answers"].append(
            {
                "question": question,
                "text": answer.get("text", ""),
                "quotes": [c.get("quote", "") for c in answer.get("citations", [])],
            }
        )
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
