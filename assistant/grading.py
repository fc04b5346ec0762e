"""Human grading: a sheet a person fills in a spreadsheet, and the figures read back from it.

`eval --sheet` writes `grading.csv` with the answer, its citations and what the set expects, plus
an empty `verdict` column; `strategy-assistant grade grading.csv` reads the filled sheet and
reports human accuracy by kind and language, and how often the automatic verdict agreed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.evaluation import QuestionResult, is_right

__all__ = ["VERDICTS", "GradeReport", "grade_sheet", "read_sheet", "sheet_csv"]

# What a grader may write. "partial" is a useful answer missing part of it; "false-answer" an
# answer given where the documents say nothing.
VERDICTS = ("correct", "partial", "wrong", "wrong-abstain", "right-abstain", "false-answer")
_RIGHT = {"correct", "right-abstain"}
COLUMNS = (
    "id", "kind", "lang", "question", "answer", "citations", "expected_answers", "answerable",
    "auto_right", "verdict", "comment",
)  # fmt: skip


def sheet_csv(results: Sequence[QuestionResult]) -> str:
    """The grading sheet: one row per question, the verdict left empty for the grader."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        writer.writerow(
            {
                "id": r.id,
                "kind": r.kind,
                "lang": r.lang,
                "question": r.question,
                "answer": r.answer,
                "citations": "\n".join(f"[{c['n']}] {c['source']}: {c['quote']}" for c in r.citations),
                "expected_answers": " | ".join(r.expected_answers),
                "answerable": "yes" if r.answerable else "no",
                "auto_right": "yes" if is_right(r) else "no",
                "verdict": "",
                "comment": "",
            }
        )
    return buffer.getvalue()


@dataclass(frozen=True)
class GradedRow:
    id: str
    kind: str
    lang: str
    verdict: str
    auto_right: bool | None


def read_sheet(path: Path) -> list[GradedRow]:
    """The graded rows of a filled sheet; an unknown verdict is an error that names its row."""
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle), 2):
            verdict = (row.get("verdict") or "").strip().lower()
            if not verdict:
                continue  # not graded yet
            if verdict not in VERDICTS:
                raise ValueError(f"{path}:{n}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
            auto = (row.get("auto_right") or "").strip().lower()
            rows.append(
                GradedRow(
                    id=row.get("id", ""),
                    kind=row.get("kind") or "(none)",
                    lang=row.get("lang") or "(none)",
                    verdict=verdict,
                    auto_right=None if auto not in ("yes", "no") else auto == "yes",
                )
            )
    return rows


@dataclass
class GradeReport:
    graded: int
    accuracy: float
    counts: dict[str, int]
    by_kind: dict[str, tuple[int, float]] = field(default_factory=dict)
    by_lang: dict[str, tuple[int, float]] = field(default_factory=dict)
    # Share of graded rows where the automatic verdict (answer_match / abstained) says the same.
    agreement: float | None = None
    disagreements: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"graded: {self.graded}   human accuracy: {self.accuracy:.3f}"]
        lines.append("verdicts: " + ", ".join(f"{v}={self.counts.get(v, 0)}" for v in VERDICTS))
        for title, groups in (("by kind", self.by_kind), ("by language", self.by_lang)):
            lines.append(f"{title}:")
            lines += [f"  {name:<14} n={n:<3} accuracy={acc:.3f}" for name, (n, acc) in groups.items()]
        if self.agreement is not None:
            lines.append(f"answer_match agreed with the human verdict on {self.agreement:.3f} of rows")
            if self.disagreements:
                lines.append("  disagreed: " + ", ".join(self.disagreements))
        return "\n".join(lines)


def _accuracy(rows: Sequence[GradedRow]) -> float:
    return sum(r.verdict in _RIGHT for r in rows) / len(rows) if rows else 0.0


def grade_sheet(rows: Sequence[GradedRow]) -> GradeReport:
    """Human accuracy (correct and right abstentions over all graded rows), grouped, and agreement."""
    if not rows:
        raise ValueError("the sheet has no graded rows: fill the 'verdict' column first")

    def grouped(key: str) -> dict[str, tuple[int, float]]:
        groups: dict[str, list[GradedRow]] = {}
        for r in rows:
            groups.setdefault(getattr(r, key), []).append(r)
        return {name: (len(rs), round(_accuracy(rs), 4)) for name, rs in sorted(groups.items())}

    counts = {v: sum(r.verdict == v for r in rows) for v in VERDICTS}
    auto = [r for r in rows if r.auto_right is not None]
    agreed = [r for r in auto if r.auto_right == (r.verdict in _RIGHT)]
    return GradeReport(
        graded=len(rows),
        accuracy=round(_accuracy(rows), 4),
        counts=counts,
        by_kind=grouped("kind"),
        by_lang=grouped("lang"),
        agreement=round(len(agreed) / len(auto), 4) if auto else None,
        disagreements=[r.id for r in auto if r not in agreed],
    )
