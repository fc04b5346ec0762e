"""The human-readable side of an evaluation: report.md with tables and two PNG charts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation import METRICS, QuestionResult

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


def write_report(out: Path, summary: dict[str, Any], results: Sequence[QuestionResult]) -> None:
    charts = _charts(out, summary, results)
    cfg = summary["config"]
    lines = [
        "# Evaluation report",
        "",
        f"Questions: **{summary['n']}** from `{cfg.get('questions')}`; mode `{cfg.get('mode')}`; "
        f"model `{cfg.get('model')}`; index {cfg['index']['documents']} documents / "
        f"{cfg['index']['passages']} passages.",
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
    lines += [
        "## By language",
        "",
        "| lang | n | hit@1 | hit@5 | answer_match | latency_p95_ms |",
        "|---|---|---|---|---|---|",
    ]
    for lang, group in summary["by_lang"].items():
        m = group["metrics"]
        lines.append(
            f"| {lang} | {group['n']} | {_fmt(m['hit@1'])} | {_fmt(m['hit@5'])} | "
            f"{_fmt(m['answer_match'])} | {_fmt(m['latency_p95_ms'])} |"
        )
    lines += ["", *[f"![{c}]({c})" for c in charts], ""]
    failures = [r for r in results if not all(r.passed.values())]
    if failures:
        lines += ["## Questions that failed a check (first 30)", ""]
        for r in failures[:30]:
            failed = ", ".join(k for k, ok in r.passed.items() if not ok)
            lines.append(f"- **{r.id}** ({failed}): {r.question}  \n  → {r.answer[:200]}")
        lines.append("")
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")
