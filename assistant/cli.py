"""`strategy-assistant`: ingest documents, ask questions, evaluate question sets, serve the UI.

Every subcommand starts the same way (assistant/runtime.py): the offline environment, then the
store the environment configures. Imports are inside the commands, so `--help` loads no model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["EXIT_REGRESSION", "EXIT_THRESHOLD", "eval_command", "main"]

EXIT_THRESHOLD = 4
EXIT_REGRESSION = 5


def _store() -> Any:
    from assistant.runtime import open_store

    return open_store()


def _cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ingest.pipeline import ingest_paths, tqdm_progress
    from ingest.settings import IngestSettings

    store = _store()
    bar = tqdm(total=0, unit="file", desc="Ingesting", disable=args.quiet)
    progress = tqdm_progress(bar)

    try:
        report = ingest_paths(
            [Path(p) for p in args.paths],
            store,
            prune=args.prune,
            reindex=args.reindex,
            settings=IngestSettings(),
            progress=progress,
        )
    finally:
        bar.close()
    if args.json:
        print(
            json.dumps(
                {
                    "summary": report.summary(),
                    "files": [f.__dict__ for f in report.files],
                    "seconds": round(report.seconds, 2),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(report.summary())
        for f in report.skipped:
            print(f"  skipped {f.source}: {f.reason}")
        for f in report.files:
            if f.status == "removed":
                print(f"  removed {f.source}: {f.reason}")
    return 0 if not report.skipped or args.allow_skipped else 3


def _print_answer(answer: Any) -> None:
    print(answer.text)
    if answer.notice:  # e.g. that a model wrote it, or why the quoted fallback is shown
        print(answer.notice)
    print()
    if answer.citations:
        shown: set[int] = set()
        for c in answer.citations:
            if c.n in shown:
                continue
            shown.add(c.n)
            passage = answer.passage(c.chunk_id)
            lang = passage.lang if passage else ""
            print(f"[{c.n}] {c.title}")
            print(f"    file: {c.source}   language: {lang}   chars {c.char_start}-{c.char_end}")
            if passage:
                context = _context(passage.text, c.quote_start, c.quote_end)
                print(textwrap.indent(textwrap.fill(context, 96), "    "))
            print()
    else:
        for i, p in enumerate(answer.passages[:3], 1):
            print(f"({i}) {p.title} — {p.source}")
            print(
                textwrap.indent(textwrap.fill(p.text[:300] + ("…" if len(p.text) > 300 else ""), 96), "    ")
            )
            print()


def _context(text: str, start: int, end: int, width: int = 160) -> str:
    """The quote marked with »…« inside some of the surrounding text."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    prefix = ("…" if left else "") + text[left:start]
    suffix = text[end:right] + ("…" if right < len(text) else "")
    return f"{prefix}»{text[start:end]}«{suffix}".replace("\n", " ")


def _cmd_ask(args: argparse.Namespace) -> int:
    from assistant.core import Assistant, QuestionRejected

    assistant = Assistant.from_settings(store=_store())
    history: list[tuple[str, str]] = []
    for item in args.history or []:
        history.append((item, ""))
    try:
        answer = assistant.ask(args.question, history=history, sources=args.source or None, mode=args.mode)
    except QuestionRejected as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_answer(answer)
    return 0


def _cmd_overview(args: argparse.Namespace) -> int:
    from assistant.overview import build_overview

    overview = build_overview(_store(), args.source or None)
    rows = overview.rows(args.kind, contains=args.contains or "")
    if args.json:
        print(json.dumps(overview.to_dict(), ensure_ascii=False, indent=2))
    elif args.csv:
        sys.stdout.write(overview.to_csv(rows))
    else:
        for row in rows:
            detail = " · ".join(row[k] for k in ("amount", "currency", "funder", "period", "role") if row[k])
            print(f"{row['kind']:8} {row['source']}: {row['item']}" + (f" ({detail})" if detail else ""))
            print(f"         «{row['quote']}» (chars {row['char_start']}–{row['char_end']})")
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    return eval_command(args, _store())


def eval_command(args: argparse.Namespace, store: Any) -> int:
    """Run, write results/summary/report (and grading.csv), compare with a baseline, apply gates."""
    from tqdm import tqdm

    from assistant.core import Assistant
    from assistant.eval_report import write_report
    from assistant.evaluation import QuestionResult, load_questions, results_jsonl, run_eval, summarize
    from assistant.grading import sheet_csv
    from assistant.regression import compare_runs
    from assistant.settings import AssistantSettings

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
        # A fresh assistant and cold store caches per mode: no mode may reuse sentence vectors
        # embedded for another, or the side-by-side latencies would not compare like with like.
        store.reopen()
        assistant = Assistant(store=store, settings=settings)
        assistant.warm_up()  # load models and indexes before the clock starts
        with tqdm(total=len(questions), desc=f"eval {mode}", unit="q", disable=args.quiet) as bar:
            results = run_eval(assistant, questions, mode=mode, progress=_ticker(bar))
        runtime = assistant.reranker_runtime()
        summaries[mode] = summarize(results, {**config, "mode": mode, "reranker": runtime})
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


def _cmd_grade(args: argparse.Namespace) -> int:
    """Read a filled grading sheet and print human accuracy and agreement with answer_match."""
    from assistant.grading import grade_sheet, read_sheet

    report = grade_sheet(read_sheet(Path(args.sheet)))
    if args.json:
        print(json.dumps(report.__dict__, indent=2, ensure_ascii=False))
    else:
        print(report.text())
    return 0


def _print_comparison(comparison: Any) -> None:
    from assistant.evaluation import METRICS

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
    from assistant.evaluation import METRICS

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


def _stage_progress(quiet: bool) -> tuple[Any, Any]:
    """A tqdm bar per stage of a long operation (export, import); returns (callback, close)."""
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            for bar in bars.values():
                bar.close()
            bars[stage] = tqdm(total=total, desc=stage, unit="item", disable=quiet)
        bars[stage].n = done
        bars[stage].refresh()

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return progress, close


def _cmd_index(args: argparse.Namespace) -> int:
    from ingest.pipeline import PIPELINE_VERSION
    from vectorstore.backup import export_index, import_index

    store = _store()
    progress, close = _stage_progress(args.quiet)
    try:
        if args.action == "export":
            producer = {"pipeline_version": PIPELINE_VERSION}
            summary = export_index(store, Path(args.file), progress=progress, producer=producer)
        else:
            summary = import_index(store, Path(args.file), replace=args.replace, progress=progress)
    finally:
        close()
    size_mb = summary.path.stat().st_size / 1e6
    verb = "Exported" if args.action == "export" else "Imported"
    print(f"{summary.summary(verb)}; {summary.path} ({size_mb:.1f} MB)")
    exported_with = summary.manifest.get("producer", {}).get("pipeline_version")
    if args.action == "import" and exported_with not in (None, PIPELINE_VERSION):
        print(
            f"note: exported with ingest pipeline version {exported_with}, this is {PIPELINE_VERSION}: "
            "the next ingest of these folders re-processes every document."
        )
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import app

    argv = ["--public"] if args.public else ["--staff"] if args.staff else []
    return int(app.main(argv))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="strategy-assistant",
        description="Answers questions about strategy documents with cited passages.",
        epilog="Environment: ASSISTANT_DATA_DIR (index folder, default ./data), EMBEDDING_MODEL, "
        "EMBEDDING_BACKEND (torch, onnx, onnx-int8), CHROMA_HOST/CHROMA_PORT/CHROMA_SSL/CHROMA_HEADERS "
        "(use a Chroma server instead of the embedded store).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="add or update documents (txt, md, html, pdf, docx)")
    ingest.add_argument("paths", nargs="+", help="files or folders")
    ingest.add_argument("--prune", action="store_true", help="remove documents whose files are gone")
    ingest.add_argument("--reindex", action="store_true", help="re-process even unchanged files")
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument("--allow-skipped", action="store_true", help="exit 0 even if files were skipped")
    ingest.set_defaults(func=_cmd_ingest)

    ask = sub.add_parser("ask", help="ask a question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    ask.add_argument("--history", action="append", help="an earlier question (repeat, oldest first)")
    ask.add_argument("--source", action="append", help="only search this document (repeatable)")
    ask.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default=None)
    ask.set_defaults(func=_cmd_ask)

    ov = sub.add_parser("overview", help="funding, partners and goals per document, with citations")
    out = ov.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="every document's items as one JSON object")
    out.add_argument("--csv", action="store_true", help="one CSV row per item")
    ov.add_argument("--kind", choices=["funding", "partner", "goal"], default=None)
    ov.add_argument("--source", action="append", help="only this document (repeatable)")
    ov.add_argument("--contains", help="only items whose row contains this text")
    ov.set_defaults(func=_cmd_overview)

    ev = sub.add_parser("eval", help="run a question set and write metrics")
    ev.add_argument("questions", help="question set (.jsonl or .csv)")
    ev.add_argument("--out", required=True, help="report folder")
    ev.add_argument("--k", type=int, default=5)
    ev.add_argument("--compare", default="", help="also run these modes, e.g. bm25,dense")
    ev.add_argument("--fail-under", action="append", default=[], metavar="METRIC=VALUE")
    ev.add_argument("--baseline", metavar="DIR", help="an earlier --out folder: report deltas and changes")
    ev.add_argument(
        "--fail-on-regression", action="store_true", help="exit 5 if a question right in --baseline is wrong"
    )
    ev.add_argument("--sheet", action="store_true", help="also write grading.csv for human grading")
    ev.add_argument("--quiet", action="store_true")
    ev.set_defaults(func=_cmd_eval)

    grade = sub.add_parser("grade", help="read a filled grading.csv: human accuracy and agreement")
    grade.add_argument("sheet", help="grading.csv written by `eval --sheet`, verdict column filled")
    grade.add_argument("--json", action="store_true")
    grade.set_defaults(func=_cmd_grade)

    index = sub.add_parser("index", help="back up or restore the whole index (one .tar.gz)")
    actions = index.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write the index to FILE")
    restore = actions.add_parser("import", help="load an export into the configured index")
    for action in (export, restore):
        action.add_argument("file", help="archive path, e.g. backup/index.tar.gz")
        action.add_argument("--quiet", action="store_true", help="no progress bars")
        action.set_defaults(func=_cmd_index)
    restore.add_argument(
        "--replace", action="store_true", help="replace a non-empty index (once the import checks out)"
    )

    serve = sub.add_parser("serve", help="start the chat UI on 127.0.0.1:7860")
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--public", action="store_true", help="read-only public demo mode")
    mode.add_argument("--staff", action="store_true", help="login-protected mode with document management")
    serve.set_defaults(func=_cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.runtime import offline_environment

    offline_environment()
    args = _parser().parse_args(argv)
    from vectorstore.lock import WriterBusyError
    from vectorstore.store import StoreError

    try:
        return int(args.func(args))
    except (StoreError, WriterBusyError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `strategy-assistant ask ... | head`: the reader left; say nothing more, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
