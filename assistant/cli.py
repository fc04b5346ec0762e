"""`strategy-assistant`: ingest documents, ask questions, evaluate question sets, serve the UI."""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _offline_defaults() -> None:
    # Models come from packages, never from a hub: fail fast instead of hanging on the network.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _store() -> Any:
    from vectorstore.embeddings import load_embeddings
    from vectorstore.settings import StoreSettings
    from vectorstore.store import ChunkStore

    settings = StoreSettings()
    return ChunkStore(settings, load_embeddings(settings))


def _cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ingest.pipeline import IngestSettings, ingest_paths, tqdm_progress

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

    assistant = Assistant(store=_store())
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
    from assistant.eval_command import main_eval

    return int(main_eval(args, _store()))


def _cmd_grade(args: argparse.Namespace) -> int:
    from assistant.eval_command import main_grade

    return int(main_grade(args))


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
    _offline_defaults()
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
