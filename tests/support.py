"""Helpers shared by test modules: free ports, driving a served app over its queue, and starting
`python app.py` for the browser tests. Test modules import these from here, never from each other."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.core import Assistant
from assistant.settings import AssistantSettings
from tests.conftest import CORPUS, PROJECT, run_cli
from vectorstore.store import ChunkStore

HOSTILE_DOCUMENT = (
    "Trollvik kommune <img src=http://127.0.0.2:9/title.png onerror=alert(1)> trollbudsjett\n\n"
    "Trollvik kommune har vedtatt et eget budsjett for trollprosjektet.\n\n"
    "Trollbudsjettet er 42 millioner kroner <script>document.title='pwned'</script> "
    "![sporingsbilde](http://127.0.0.2:9/pixel.png) [les mer](http://127.0.0.2:9/phish) i 2026.\n\n"
    "Prosjektet skal gi bedre broer for troll og folk i hele Trollvik kommune.\n"
)
HOSTILE_QUESTION = "Hvor stort er trollbudsjettet i Trollvik?"
LONG_QUESTION = ("Hvor mye penger får Kompetansepiloter i Innlandet? " * 2000)[:99_999] + "?"
QUESTION = "Hvor mye penger får ordningen Kompetansepiloter i Innlandet til sammen?"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Never resolve a name: a page that tried to reach outside would fail here, not leave the box.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
STAFF_USER, STAFF_PASSWORD = "kari", "lang-og-unik-passord-2026"
ANSWER_TIMEOUT_MS = 60_000


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fake_assistant(store: ChunkStore) -> Assistant:
    """An Assistant for a store indexed with the fake embedder, which cannot tell evidence from
    noise: it answers always and never abstains."""
    return Assistant(store=store, settings=AssistantSettings(abstain_threshold=-1.0))


def disk_snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below `folder` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def call_every_fn(base_url: str, question: str) -> dict[int, list[dict]]:
    """POST /queue/join for every dependency that /config lists, as a script would (no browser),
    each in a fresh session that has first asked `question`, so that handlers which act on an
    answer (feedback) have one. Returns each call's queue messages."""
    config = httpx.get(f"{base_url}/config", timeout=30).json()
    prefix = config.get("api_prefix", "/gradio_api")
    components = {c["id"]: c for c in config["components"]}

    def inputs(dependency: dict[str, Any]) -> list[Any]:
        data: list[Any] = []
        for position, component_id in enumerate(dependency["inputs"]):
            component = components.get(component_id, {})
            value = component.get("props", {}).get("value")
            kind = component.get("type")
            if kind == "textbox" or (kind == "api" and position == 0):
                value = question
            elif kind == "dataset":
                value = 0
            elif kind == "checkbox":
                value = True
            elif kind in {"file", "api"}:
                value = None
            data.append(value)
        return data

    chat_fn = next(d for d in config["dependencies"] if d["api_name"] == "respond")
    results: dict[int, list[dict]] = {}
    for dependency in config["dependencies"]:
        session = uuid.uuid4().hex
        join_queue(
            base_url, prefix, {"data": inputs(chat_fn), "fn_index": chat_fn["id"], "session_hash": session}
        )
        body = {"data": inputs(dependency), "fn_index": dependency["id"], "session_hash": session}
        results[dependency["id"]] = join_queue(base_url, prefix, body)
    return results


def join_queue(base_url: str, prefix: str, body: dict[str, Any]) -> list[dict]:
    body = {"event_data": None, "trigger_id": None, **body}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        joined = client.post(f"{prefix}/queue/join", json=body)
        if joined.status_code != 200:
            return [{"msg": "refused", "status": joined.status_code, "detail": joined.text}]
        event_id = joined.json()["event_id"]
        messages: list[dict] = []
        with client.stream(
            "GET", f"{prefix}/queue/data", params={"session_hash": body["session_hash"]}
        ) as sse:
            for line in sse.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") not in (None, event_id):
                    continue
                messages.append(message)
                if message.get("msg") in {"process_completed", "close_stream", "unexpected_error"}:
                    break
        return messages


def completed_output(messages: list[dict]) -> list[Any]:
    """The last step's outputs, in the handler's output order. An output that also got a new label
    arrives as an update (`{"__type__": "update", "value": …, "label": …}`): its value is given."""
    done = [m for m in messages if m.get("msg") == "process_completed"]
    assert done and done[-1].get("success"), messages
    return [
        data["value"]
        if isinstance(data, dict) and data.get("__type__") == "update" and "value" in data
        else data
        for data in done[-1]["output"]["data"]
    ]


@dataclass
class Server:
    """A running `python app.py`."""

    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path
    seconds_to_ready: float


def app_env(data_dir: Path, tmp: Path, **extra: str) -> dict[str, str]:
    """An app process's environment: its own data and temp folders, offline, none of this shell's
    ASSISTANT_* or UI_* settings (the new UI_* name and the older ASSISTANT_* alias both in use)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "UI_"))}
    env.update(
        ASSISTANT_DATA_DIR=str(data_dir),
        GRADIO_TEMP_DIR=str(tmp / "gradio-tmp"),
        UI_QUESTIONS_PER_MINUTE="200",
        PYTHONUNBUFFERED="1",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    env.update(extra)
    return env


def start_app(args: list[str], data_dir: Path, tmp: Path, **extra: str) -> Iterator[Server]:
    """Run `python app.py ARGS` on a free port until its page answers; always stop it."""
    port = free_port()
    log = tmp / f"app-{port}.log"
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(PROJECT / "app.py"), *args, "--port", str(port)],
            cwd=PROJECT,
            env=app_env(data_dir, tmp, **extra),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            if process.poll() is not None:
                pytest.fail(f"app exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(url + "/", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app not ready after 240 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield Server(url, data_dir, process, log, time.perf_counter() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def public_server_over(tmp: Path, documents: dict[str, str]) -> Iterator[Server]:
    """Public mode on an index the CLI built from the bundled corpus plus `documents`."""
    extra = tmp / "extra"
    extra.mkdir()
    for name, text in documents.items():
        (extra / name).write_text(text, encoding="utf-8")
    data = tmp / "data"
    ingest = run_cli(
        "ingest", str(CORPUS), str(extra), "--quiet", data=data, env=app_env(data, tmp), timeout=240
    )
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    yield from start_app(["--public"], data, tmp)


def ask(page: Any, question: str, expect: str) -> None:
    """Type a question, send it, and wait until the answer, its sources and its export are shown."""
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    page.locator("#chat .bot").last.get_by_text(expect).first.wait_for()
    # The last streamed step fills the sources (headed by the question) and the picker together.
    page.wait_for_function(
        "q => document.querySelector('#sources').innerText.includes(q) && "
        "document.querySelectorAll('#source-pick label').length > 0",
        arg=question,
    )
