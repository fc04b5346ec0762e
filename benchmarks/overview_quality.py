"""Precision and recall of the overview's extraction against the hand-made gold list; prints the numbers.

    python benchmarks/overview_quality.py [--gold tests/gold/overview.json] [--corpus corpus/]

Runs the same load -> clean -> extract path as ingest (no model, no index). Funding items match on
(source, amount, quote), partners on (source, name), goals on (source, quote); misses and false
positives are listed so the report can say what the rules miss.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.clean import clean_text
from ingest.extract import Extraction, extract
from ingest.language import detect_language
from ingest.loaders import load_file

PROJECT = Path(__file__).resolve().parent.parent


def corpus_texts(corpus: Path) -> dict[str, str]:
    """source -> cleaned text, as ingest stores it."""
    return {p.name: clean_text(load_file(p, max_bytes=50_000_000).text) for p in sorted(corpus.iterdir())}


def extract_corpus(texts: dict[str, str]) -> dict[str, Extraction]:
    return {source: extract(source, text, detect_language(text[:5000])) for source, text in texts.items()}


def _keys(category: str, rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    if category == "funding":
        return {(r["source"], float(r["amount"]), r["quote"]) for r in rows}
    if category == "partners":
        return {(r["source"], r["name"]) for r in rows}
    return {(r["source"], r["quote"]) for r in rows}


def score(gold: dict[str, Any], extracted: dict[str, Extraction]) -> dict[str, dict[str, Any]]:
    """Per category: precision, recall, and the missed and spurious keys."""
    report: dict[str, dict[str, Any]] = {}
    for category in ("funding", "partners", "goals"):
        found_rows = [vars(item) for e in extracted.values() for item in getattr(e, category)]
        found, wanted = _keys(category, found_rows), _keys(category, gold[category])
        hits = found & wanted
        report[category] = {
            "precision": len(hits) / len(found) if found else 1.0,
            "recall": len(hits) / len(wanted) if wanted else 1.0,
            "found": len(found),
            "gold": len(wanted),
            "missed": sorted(wanted - found),
            "spurious": sorted(found - wanted),
        }
    # Fields of matched items: funder/period/recipient for money, the stated role for partners.
    by_key = {(r["source"], float(r["amount"]), r["quote"]): r for r in gold["funding"]}
    fields = [f for e in extracted.values() for f in e.funding if (f.source, f.amount, f.quote) in by_key]
    right = sum(
        all(
            getattr(f, k) == by_key[(f.source, f.amount, f.quote)][k]
            for k in ("funder", "period", "recipient")
        )
        for f in fields
    )
    report["funding"]["fields_correct"] = f"{right}/{len(fields)}"
    roles = {(r["source"], r["name"]): r["role"] for r in gold["partners"]}
    partners = [p for e in extracted.values() for p in e.partners if (p.source, p.name) in roles]
    report["partners"]["roles_correct"] = (
        f"{sum(p.role == roles[(p.source, p.name)] for p in partners)}/{len(partners)}"
    )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=PROJECT / "tests" / "gold" / "overview.json")
    parser.add_argument("--corpus", type=Path, default=PROJECT / "corpus")
    args = parser.parse_args()
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    report = score(gold, extract_corpus(corpus_texts(args.corpus)))
    for category, r in report.items():
        extra = r.get("fields_correct") or r.get("roles_correct")
        print(
            f"{category:9} precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
            f"({r['found']} found, {r['gold']} in gold; fields/roles right {extra})"
        )
        for key in r["missed"]:
            print(f"    missed:   {key[0]}: {str(key[-1])[:100]}")
        for key in r["spurious"]:
            print(f"    spurious: {key[0]}: {str(key[-1])[:100]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
