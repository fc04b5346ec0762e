"""Load test of the public demo: the real app and model on loopback, 4, 16 and 32 simulated users.

    python benchmarks/loadtest.py [--seconds 30] [--users 4 16 32] [--data-dir DIR] [--keep-rate-limits]

The app is started as an operator would (`python app.py --public`) in a subprocess on a free
loopback port, on `--data-dir` (an existing index) or on a temporary index of the bundled corpus
built by the CLI first. Each simulated user is a thread with its own session that asks the JSON
endpoint (`/ask`, Gradio's queue protocol over plain httpx) one question after another, questions
taken in turn from the seed evaluation set; after a refusal it waits a second, as a polite client
would. The per-session and per-client rate limits are lifted for the run (all users share one
loopback address): this measures what is behind the limiter, which `tests/test_abuse.py` tests on
its own. `--keep-rate-limits` runs with the operator's settings instead.

Per run it prints requests, answers per second, p50/p95 latency of the answers, errors, clean
refusals (queue full, rate limited) and the server's RSS. It exits 1 when the server died, a
request failed in any other way than a clean refusal, or RSS grew by more than 10% from the
first run's start to the last run's end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.runtime import OFFLINE_DEFAULTS  # noqa: E402 - after the path that finds it

SEED = ROOT.parent / "shared" / "eval" / "seed-dev.jsonl"
FALLBACK_QUESTIONS = [
    "Hvor mye penger får ordningen Kompetansepiloter i Innlandet til sammen?",
    "Which ministry finances the Kompetansepiloter scheme?",
    "Hvilken skole etablerede Herning, fordi eksport var et område i vækst?",
    "Hvilke næringsklynger er etablert på Hamar?",
]
MAX_RSS_GROWTH = 0.10
REQUEST_TIMEOUT_S = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident set size of process `pid` in MB, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def load_questions(path: Path) -> list[str]:
    if not path.exists():
        return FALLBACK_QUESTIONS
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()] or FALLBACK_QUESTIONS


# ------------------------------------------------------------------------------ the server


class Server:
    """`python app.py --public` on a free loopback port, its output in a log file."""

    def __init__(self, data_dir: Path, workdir: Path, keep_rate_limits: bool) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "app.log"
        env = {
            **OFFLINE_DEFAULTS,
            **{k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "UI_"))},
        }
        env.update(
            ASSISTANT_DATA_DIR=str(data_dir),
            GRADIO_TEMP_DIR=str(workdir / "gradio-tmp"),
            PYTHONUNBUFFERED="1",
        )
        for name in ("ASSISTANT_CONCURRENCY_LIMIT", "ASSISTANT_QUEUE_SIZE"):
            if name in os.environ:
                env[name] = os.environ[name]
        if not keep_rate_limits:
            env.update(
                ASSISTANT_QUESTIONS_PER_MINUTE="1000000", ASSISTANT_QUESTIONS_PER_MINUTE_PER_CLIENT="1000000"
            )
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "app.py"), "--public", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout_s: float = 300) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"the app exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if httpx.get(self.url + "/", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the app was not ready after {timeout_s:.0f} s:\n{self.tail()}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def build_index(data_dir: Path) -> None:
    print(f"Building an index of the bundled corpus in {data_dir} …", flush=True)
    env = {**OFFLINE_DEFAULTS, **os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(ROOT / "corpus"), "--quiet"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=900,
    )


# ------------------------------------------------------------------------------ the users


@dataclass
class Outcome:
    kind: str  # "answered", "queue_full", "rate_limited", "error"
    seconds: float
    detail: str = ""


@dataclass
class Endpoint:
    url: str
    prefix: str
    fn_index: int

    @classmethod
    def discover(cls, url: str) -> Endpoint:
        config = httpx.get(f"{url}/config", timeout=30).json()
        ask = next(d for d in config["dependencies"] if d.get("api_name") == "ask")
        return cls(url, config.get("api_prefix", "/gradio_api"), int(ask["id"]))


def ask_once(client: httpx.Client, endpoint: Endpoint, session: str, question: str) -> Outcome:
    """One question through Gradio's queue: join, then read the event stream to the end."""
    started = time.perf_counter()
    body = {"data": [question, None], "fn_index": endpoint.fn_index, "session_hash": session,
            "event_data": None, "trigger_id": None}  # fmt: skip
    try:
        joined = client.post(f"{endpoint.prefix}/queue/join", json=body)
        if joined.status_code == 503 and "Queue is full" in joined.text:
            return Outcome("queue_full", time.perf_counter() - started)
        if joined.status_code != 200:
            return Outcome(
                "error", time.perf_counter() - started, f"join {joined.status_code}: {joined.text[:200]}"
            )
        event_id = joined.json()["event_id"]
        params = {"session_hash": session}
        with client.stream("GET", f"{endpoint.prefix}/queue/data", params=params) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") not in (None, event_id):
                    continue
                if message.get("msg") == "process_completed":
                    elapsed = time.perf_counter() - started
                    output = message.get("output") or {}
                    if message.get("success") and "text" in (output.get("data") or [{}])[0]:
                        return Outcome("answered", elapsed)
                    error = str(output.get("error") or "")
                    if "many questions" in error:
                        return Outcome("rate_limited", elapsed)
                    return Outcome("error", elapsed, f"failed: {error[:200]}")
                if message.get("msg") == "unexpected_error":
                    return Outcome("error", time.perf_counter() - started, str(message)[:200])
        return Outcome("error", time.perf_counter() - started, "the event stream ended without a result")
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        return Outcome("error", time.perf_counter() - started, f"{type(exc).__name__}: {exc}"[:200])


@dataclass
class RunResult:
    users: int
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)
    rss_before: float = 0.0
    rss_after: float = 0.0

    def count(self, kind: str) -> int:
        return sum(o.kind == kind for o in self.outcomes)

    def latencies(self) -> list[float]:
        return sorted(o.seconds for o in self.outcomes if o.kind == "answered")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run_users(endpoint: Endpoint, users: int, seconds: float, questions: list[str]) -> list[Outcome]:
    """`users` threads, each its own session, asking until `seconds` have passed."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user(number: int) -> None:
        session = uuid.uuid4().hex
        turn = number
        with httpx.Client(base_url=endpoint.url, timeout=REQUEST_TIMEOUT_S) as client:
            while time.monotonic() < stop_at:
                outcome = ask_once(client, endpoint, session, questions[turn % len(questions)])
                turn += 1
                with lock:
                    outcomes.append(outcome)
                if outcome.kind != "answered":
                    time.sleep(1.0)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        # A request started just before the end may still take up to the request timeout.
        thread.join(timeout=seconds + REQUEST_TIMEOUT_S + 10)
    return outcomes


def table(results: list[RunResult]) -> str:
    head = (
        "| users | requests | answered | answers/s | p50 s | p95 s | errors | queue full | rate limited "
        "| RSS before MB | RSS after MB | growth |"
    )
    rows = [head, "|" + "---|" * 12]
    for r in results:
        lat = r.latencies()
        growth = (r.rss_after - r.rss_before) / r.rss_before * 100 if r.rss_before else float("nan")
        rows.append(
            f"| {r.users} | {len(r.outcomes)} | {r.count('answered')} "
            f"| {r.count('answered') / r.seconds:.2f} "
            f"| {percentile(lat, 50):.2f} | {percentile(lat, 95):.2f} | {r.count('error')} "
            f"| {r.count('queue_full')} | {r.count('rate_limited')} | {r.rss_before:.0f} | {r.rss_after:.0f} "
            f"| {growth:+.1f}% |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each run (default 30)")
    parser.add_argument("--users", type=int, nargs="+", default=[4, 16, 32])
    parser.add_argument("--data-dir", type=Path, help="an existing index (default: build one in a temp dir)")
    parser.add_argument("--questions", type=Path, default=SEED, help="JSONL with a 'question' field")
    parser.add_argument(
        "--keep-rate-limits", action="store_true", help="serve with the operator's rate limits"
    )
    args = parser.parse_args(argv)

    questions = load_questions(args.questions)
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    data_dir = args.data_dir or workdir / "data"
    if args.data_dir is None:
        build_index(data_dir)
    server = Server(data_dir, workdir, args.keep_rate_limits)
    results: list[RunResult] = []
    problems: list[str] = []
    try:
        server.wait_ready()
        endpoint = Endpoint.discover(server.url)
        print(f"Serving on {server.url}; warming up …", flush=True)
        warm = run_users(endpoint, 1, 5, questions)
        if not any(o.kind == "answered" for o in warm):
            problems.append(f"warm-up got no answer: {[o.detail for o in warm][:3]}")
        for users in args.users:
            result = RunResult(users, args.seconds, rss_before=server.rss_mb())
            print(f"{users} users for {args.seconds:.0f} s …", flush=True)
            result.outcomes = run_users(endpoint, users, args.seconds, questions)
            if not server.alive():
                problems.append(f"the server died during the {users}-user run:\n{server.tail()}")
                results.append(result)
                break
            result.rss_after = server.rss_mb()
            results.append(result)
            for detail, n in Counter(o.detail for o in result.outcomes if o.kind == "error").most_common(5):
                problems.append(f"{users} users: {n} × {detail}")
    finally:
        alive = server.alive()
        server.stop()
        if args.data_dir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(table(results))
    if results and results[0].rss_before and results[-1].rss_after:
        growth = (results[-1].rss_after - results[0].rss_before) / results[0].rss_before
        first, last = results[0].rss_before, results[-1].rss_after
        print(f"\nRSS across runs: {first:.0f} -> {last:.0f} MB ({growth:+.1%})")
        if growth > MAX_RSS_GROWTH:
            problems.append(f"RSS grew {growth:.1%} across the runs (limit {MAX_RSS_GROWTH:.0%})")
    if not alive:
        problems.append("the server was not running at the end")
    rate = "operator's rate limits" if args.keep_rate_limits else "rate limits lifted for the run"
    print(f"Endpoint /ask via the queue, one session per user, {rate}.")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
