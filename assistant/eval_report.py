"""The human-readable side of an evaluation: report.md with tables, two PNG charts and, against a
baseline, the metric deltas and the questions that became right or wrong."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation import METRICS, QuestionResult
from assistant.regression import Change, Comparison

__all__ = ["write_report"]


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) and value <= 1.0 else f"{value}"


def _charts(out: Path, summary: dict[str, Any], results: Sequence[QuestionResult]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    langs = summary["by_lang"]
    shown = ["hit@1", "hit@5", "answer_match", "citation_precision"]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    width = 0.8 / max(1, len(langs))
    for i, (lang, group) in enumerate(langs.items()):
        values = [group["metrics"].get(m) or 0.0 for m in shown]
        ax.bar([x + i * width for x in range(len(shown))], values, width, label=f"{lang} (n={group['n']})")
    ax.set_xticks([x + width * (len(langs) - 1) / 2 for x in range(len(shown))], shown)
    ax.set_ylim(0, 1.05)
    ax.set_title("Metrics by question language")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "metrics_by_lang.png", dpi=110)
    plt.close(fig)
    names.append("metrics_by_lang.png")

    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.hist([r.total_ms for r in results], bins=30, color="#3a6ea5")
    ax.set_xlabel("answer time (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Latency of whole answers")
    fig.tight_layout()
    fig.savefig(out / "latency_hist.png", dpi=110)
    plt.close(fig)
    names.append("latency_hist.png")
    return names


def _delta(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return "–"
    return f"{after - before:+.3f}" if isinstance(after, float) and after <= 1.0 else f"{after - before:+.1f}"


def _changes(title: str, changes: Sequence[Change]) -> list[str]:
    lines = [f"### {title} ({len(changes)})", ""]
    for c in changes:
        lines += [
            f"- **{c.id}**: {c.question}",
            f"  - before: {c.before[:300]}",
            f"  - after: {c.after[:300]}",
        ]
    return [*lines, ""]


def _regression(comparison: Comparison) -> list[str]:
    lines = [
        f"## Against the baseline `{comparison.baseline}`",
        "",
        "| metric | before | after | delta |",
        "|---|---|---|---|",
    ]
    for metric in METRICS:
        before, after = comparison.deltas.get(metric, (None, None))
        lines.append(f"| {metric} | {_fmt(before)} | {_fmt(after)} | {_delta(before, after)} |")
    lines.append("")
    lines += _changes("Became wrong", comparison.became_wrong)
    lines += _changes("Became right", comparison.became_right)
    if comparison.only_before or comparison.only_after:
        lines += [
            f"Questions only in the baseline: {', '.join(comparison.only_before) or 'none'}; "
            f"only in this run: {', '.join(comparison.only_after) or 'none'}.",
            "",
        ]
    return lines


def _groups(title: str, key: str, groups: dict[str, Any]) -> list[str]:
    shown = "hit@1 | evidence_hit@5 | answer_match | answer_complete | abstain_recall | latency_p95_ms"
    lines = [f"## {title}", "", f"| {key} | n | {shown} |", "|---|---|---|---|---|---|---|---|"]
    for name, group in groups.items():
        m = group["metrics"]
        lines.append(
            f"| {name} | {group['n']} | {_fmt(m['hit@1'])} | {_fmt(m['evidence_hit@5'])} | "
            f"{_fmt(m['answer_match'])} | {_fmt(m['answer_complete'])} | {_fmt(m['abstain_recall'])} | "
            f"{_fmt(m['latency_p95_ms'])} |"
        )
    return [*lines, ""]


def write_report(
    out: Path,
    summary: dict[str, Any],
    results: Sequence[QuestionResult],
    comparison: Comparison | None = None,
) -> None:
    charts = _charts(out, summary, results)
    cfg = summary["config"]
    lines = [
        "# Evaluation report",
        "",
        f"Questions: **{summary['n']}** from `{cfg.get('questions')}`; mode `{cfg.get('mode')}`; "
        f"model `{cfg.get('model')}`; index {cfg['index']['documents']} documents / "
        f"{cfg['index']['passages']} passages; reranker `{cfg.get('reranker', 'unknown')}`.",
        "",
        "| metric | value |",
        "|---|---|",
        *[f"| {m} | {_fmt(summary['metrics'].get(m))} |" for m in METRICS],
        "",
    ]
    if "compare" in summary:
        modes = list(summary["compare"])
        lines += [
            "## Retrieval modes side by side",
            "",
            "| metric | " + " | ".join(modes) + " |",
            "|---|" + "---|" * len(modes),
            *[
                f"| {m} | " + " | ".join(_fmt(summary["compare"][mode].get(m)) for mode in modes) + " |"
                for m in METRICS
            ],
            "",
        ]
    if comparison is not None:
        lines += _regression(comparison)
    lines += _groups("By language", "lang", summary["by_lang"])
    lines += _groups("By question kind", "kind", summary.get("by_kind", {}))
    lines += [*[f"![{c}]({c})" for c in charts], ""]
    failures = [r for r in results if not all(r.passed.values())]
    if failures:
        lines += ["## Questions that failed a check (first 30)", ""]
        for r in failures[:30]:
            failed = ", ".join(k for k, ok in r.passed.items() if not ok)
            lines.append(f"- **{r.id}** ({failed}): {r.question}  \n  → {r.answer[:200]}")
        lines.append("")
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")
