"""The `eval` and `grade` subcommands: run a question set, write the report, compare, grade.

Kept apart from `evaluation.py` (the metrics) so the library has no CLI in it and the report,
regression and grading modules depend on the metrics, never the other way round.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.core import Assistant
from assistant.eval_report import write_report
from assistant.evaluation import METRICS, QuestionResult, load_questions, results_jsonl, run_eval, summarize
from assistant.grading import grade_sheet, read_sheet, sheet_csv
from assistant.regression import Comparison, compare_runs
from assistant.settings import AssistantSettings

__all__ = ["main_eval", "main_grade"]

EXIT_THRESHOLD = 4
EXIT_REGRESSION = 5


def main_eval(args: Any, store: Any) -> int:
    """Run, write results/summary/report (and grading.csv), compare with a baseline, apply gates."""
    from tqdm import tqdm

    questions = load_questions(Path(args.questions))
    settings = AssistantSettings(top_k=args.k)
    if store.is_empty():
        print("error: the index is empty; run `strategy-assistant ingest PATH` first")
        return 1
    modes = [settings.mode] + [m.strip() for m in args.compare.split(",") if m.strip()]
    modes = list(dict.fromkeys(modes))
    summaries: dict[str, dict[str, Any]] = {}
    primary_results: list[QuestionResult] = []
    config = {
        "model": store.embeddings.model_id,
        "embedding_backend": store.settings.embedding_backend,
        "index": {
            "location": store.settings.chroma_host or str(store.settings.data_dir),
            "passages": store.count(),
            "documents": len(store.list_documents()),
        },
        "settings": settings.model_dump(mode="json"),
        "questions": str(args.questions),
    }
    for mode in modes:
        # A fresh assistant per mode: no mode may reuse sentence vectors cached by another, or
        # the side-by-side latencies would not compare like with like.
        assistant = Assistant(store=store, settings=settings)
        assistant.warm_up()  # load models and indexes before the clock starts
        with tqdm(total=len(questions), desc=f"eval {mode}", unit="q", disable=args.quiet) as bar:
            results = run_eval(assistant, questions, mode=mode, progress=_ticker(bar))
        summaries[mode] = summarize(results, {**config, "mode": mode})
        if mode == modes[0]:
            primary_results = results
    out = Path(args.out)
    summary = summaries[modes[0]]
    if len(modes) > 1:
        summary["compare"] = {m: summaries[m]["metrics"] for m in modes}
    # Read the baseline before writing: `--baseline` may name the very folder being overwritten.
    comparison = None
    if args.baseline:
        comparison = compare_runs(Path(args.baseline), summary["metrics"], primary_results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.jsonl").write_text(results_jsonl(primary_results), encoding="utf-8")
    if comparison is not None:
        summary["regression"] = comparison.to_dict()
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    write_report(out, summary, primary_results, comparison)
    if args.sheet:
        (out / "grading.csv").write_text(sheet_csv(primary_results), encoding="utf-8")
    print(json.dumps({"n": summary["n"], "metrics": summary["metrics"]}, indent=2))
    if "compare" in summary:
        for mode, metrics in summary["compare"].items():
            print(f"{mode:>7}: " + "  ".join(f"{k}={v}" for k, v in metrics.items() if v is not None))
    if comparison is not None:
        _print_comparison(comparison)
    print(f"report: {out / 'report.md'}" + (f"; grading sheet: {out / 'grading.csv'}" if args.sheet else ""))
    status = _check_thresholds(summary["metrics"], args.fail_under)
    if comparison is not None and args.fail_on_regression and comparison.became_wrong:
        print(f"FAILED: {len(comparison.became_wrong)} question(s) that were right are now wrong")
        return EXIT_REGRESSION
    return status


def main_grade(args: Any) -> int:
    """Read a filled grading sheet and print human accuracy and agreement with answer_match."""
    report = grade_sheet(read_sheet(Path(args.sheet)))
    if args.json:
        print(json.dumps(report.__dict__, indent=2, ensure_ascii=False))
    else:
        print(report.text())
    return 0


def _print_comparison(comparison: Comparison) -> None:
    changed = [f"{m} {b}->{a}" for m, (b, a) in comparison.deltas.items() if m in METRICS and b != a]
    print(f"against {comparison.baseline}: " + (", ".join(changed) or "no metric changed"))
    print(f"became right: {len(comparison.became_right)}   became wrong: {len(comparison.became_wrong)}")
    for change in comparison.became_wrong:
        print(f"  now wrong: {change.id}: {change.question}")


def _ticker(bar: Any) -> Callable[[int], None]:
    def tick(_done: int) -> None:
        bar.update(1)

    return tick


def _check_thresholds(metrics: dict[str, float | None], rules: Sequence[str]) -> int:
    failed = []
    for rule in rules:
        name, _, value = rule.partition("=")
        if name not in metrics or not value:
            raise ValueError(
                f"--fail-under {rule!r}: expected METRIC=VALUE with METRIC in {', '.join(METRICS)}"
            )
        actual = metrics[name]
        if name.startswith("latency"):  # a ceiling: slower than the limit fails
            if actual is None or actual > float(value):
                failed.append(f"{name}={actual} > {value}")
        elif actual is None or actual < float(value):
            failed.append(f"{name}={actual} < {value}")
    if failed:
        print("FAILED thresholds: " + "; ".join(failed))
        return EXIT_THRESHOLD
    return 0
