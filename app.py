"""Serve the Strategy Assistant chat: `python app.py [--public | --staff] [--host H] [--port P]`.

- default: chat with sources, document filter, export and feedback;
- staff (`--staff`): the same behind a login, plus upload, re-index and delete of documents;
- public (`--public`): the citizen demo; no handler that writes anything is registered at all.

The UI itself lives in the `ui` package; this file reads the settings, builds the assistant and
the app, and launches it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from assistant.core import Assistant
from assistant.feedback import FeedbackLog
from assistant.library import DocumentLibrary
from assistant.runtime import offline_environment, open_store
from ui.guards import staff_credentials_problem
from ui.settings import AppSettings, Mode

__all__ = ["build_assistant", "main"]

BUNDLED_CORPUS = Path(__file__).resolve().parent / "corpus"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py",
        description="Serve the Strategy Assistant chat; an empty index gets the bundled corpus first.",
        epilog="Environment: UI_HOST, UI_PORT, UI_PUBLIC=1, UI_STAFF=1 with UI_STAFF_USER and "
        "UI_STAFF_PASSWORD (the older ASSISTANT_* names work too), ASSISTANT_DATA_DIR (default ./data).",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--public", action="store_true", help="read-only citizen demo: nothing can be written")
    mode.add_argument("--staff", action="store_true", help="login, plus upload, re-index and delete")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    return parser


def build_assistant() -> Assistant:
    """The store from its settings (the bundled corpus ingested when it is empty) and a warmed-up
    Assistant on it. Raises StoreError, WriterBusyError or FileNotFoundError."""
    from tqdm import tqdm

    from ingest.pipeline import ingest_paths, tqdm_progress

    store = open_store()
    if store.is_empty():
        print(f"The index is empty: ingesting the bundled corpus ({BUNDLED_CORPUS}) …", flush=True)
        bar = tqdm(total=0, unit="file", desc="Ingesting", file=sys.stdout)
        try:
            report = ingest_paths([BUNDLED_CORPUS], store, progress=tqdm_progress(bar))
        finally:
            bar.close()
        print(report.summary(), flush=True)
    assistant = Assistant.from_settings(store=store)
    assistant.warm_up()
    return assistant


def main(argv: list[str] | None = None) -> int:
    """Build the index if it is empty, then serve until interrupted."""
    # Models come from packages, never from a hub: set before gradio imports huggingface_hub.
    offline_environment()
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    args = _parser().parse_args(argv)
    updates: dict[str, Any] = {
        key: value for key, value in (("host", args.host), ("port", args.port)) if value
    }
    if args.public or args.staff:
        updates.update(public=args.public, staff=args.staff)
    settings = AppSettings().model_copy(update=updates)
    if settings.public and settings.staff:
        print("error: UI_PUBLIC and UI_STAFF exclude each other; choose one", file=sys.stderr)
        return 2
    login: tuple[str, str] | None = None
    if settings.mode is Mode.STAFF:
        password = settings.staff_password.get_secret_value()
        problem = staff_credentials_problem(settings.staff_user, password)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
        login = (settings.staff_user, password)

    from ui.layout import build_app
    from ui.serve import launch_app
    from vectorstore.lock import WriterBusyError
    from vectorstore.store import StoreError

    try:
        assistant = build_assistant()
    except (StoreError, WriterBusyError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    library = DocumentLibrary(assistant.store)
    public = settings.mode is Mode.PUBLIC
    feedback = None if public else FeedbackLog(assistant.store.settings.data_dir / "feedback.jsonl")
    demo = build_app(assistant, library, feedback, settings)
    print(f"Serving in {settings.mode} mode on http://{settings.host}:{settings.port}", flush=True)
    launch_app(demo, settings, staff_login=login, max_upload_mb=library.ingest_settings.max_file_mb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
