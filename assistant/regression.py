"""Compare an evaluation run with an earlier one: metric deltas and the questions that changed.

The earlier run is read back from its own output folder (`summary.json`, `results.jsonl`), so any
two runs can be compared after the fact, and CI can fail when a question that was right went wrong.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evaluation import QuestionResult, is_right

__all__ = ["Change", "Comparison", "compare_runs", "load_run"]


@dataclass(frozen=True)
class Change:
    """One question whose verdict differs between the two runs."""

    id: str
    question: str
    before: str
    after: str


@dataclass
class Comparison:
    baseline: str
    deltas: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    became_right: list[Change] = field(default_factory=list)
    became_wrong: list[Change] = field(default_factory=list)
    # Questions in only one of the runs: a changed question set, reported rather than guessed at.
    only_before: list[str] = field(default_factory=list)
    only_after: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "deltas": {m: {"before": b, "after": a} for m, (b, a) in self.deltas.items()},
            "became_right": [c.__dict__ for c in self.became_right],
            "became_wrong": [c.__dict__ for c in self.became_wrong],
            "only_before": self.only_before,
            "only_after": self.only_after,
        }


def load_run(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The summary and per-question rows an earlier `eval --out folder` wrote."""
    summary_path, results_path = folder / "summary.json", folder / "results.jsonl"
    if not summary_path.is_file() or not results_path.is_file():
        raise FileNotFoundError(
            f"{folder} is not an eval output folder (no summary.json and results.jsonl); "
            "pass the --out folder of an earlier `strategy-assistant eval` run"
        )
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in results_path.read_text(encoding="utf-8").splitlines() if line]
    return summary, rows


def _row_right(row: dict[str, Any]) -> bool:
    return bool(row.get("answer_match")) if row.get("answerable", True) else bool(row.get("abstained"))


def compare_runs(
    folder: Path, metrics: dict[str, float | None], results: Sequence[QuestionResult]
) -> Comparison:
    """This run (`metrics`, `results`) against the run saved in `folder`, question by question."""
    summary, rows = load_run(folder)
    before_metrics: dict[str, float | None] = summary.get("metrics", {})
    comparison = Comparison(baseline=str(folder))
    for name in dict.fromkeys([*before_metrics, *metrics]):
        comparison.deltas[name] = (before_metrics.get(name), metrics.get(name))
    # Ids may repeat (NorQuAD's validation set has ten ids twice): pair the n-th occurrence of an
    # id in one run with the n-th in the other.
    before = dict(zip(_keys([str(row["id"]) for row in rows]), rows, strict=True))
    now_keys = _keys([r.id for r in results])
    for key, r in zip(now_keys, results, strict=True):
        old = before.get(key)
        if old is None:
            comparison.only_after.append(r.id)
            continue
        was, now = _row_right(old), is_right(r)
        if was != now:
            change = Change(r.id, r.question, str(old.get("answer", "")), r.answer)
            (comparison.became_right if now else comparison.became_wrong).append(change)
    comparison.only_before = [key[0] for key in before if key not in set(now_keys)]
    return comparison


def _keys(ids: Sequence[str]) -> list[tuple[str, int]]:
    seen: dict[str, int] = {}
    keys = []
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
        keys.append((i, seen[i]))
    return keys
