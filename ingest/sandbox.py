"""Parse files in a child process with a time and a memory limit, so one file cannot sink an ingest.

Loaders run third-party parsers on files anyone may upload: a crafted PDF can loop, one long
markdown line can make a regular expression backtrack for hours, a decompression bomb can take all
memory. In a child with `RLIMIT_AS` and a wall-clock deadline such a file costs one `LoadError`
("parsing took longer than 120 s…") and the ingest goes on with the next file.

The child is a fresh interpreter started with `subprocess` (never a fork of a parent that runs torch
threads, and unlike multiprocessing it does not re-import the parent's `__main__`, e.g. the Gradio
app). It is reused for every file, so its start (~0.1 s) is paid once per ingest and again only
after a file killed it. Requests and answers are JSON lines on its stdin and stdout.

>>> with ParseSandbox(timeout_s=120, memory_mb=2048) as sandbox:
...     loaded = sandbox.load(Path("corpus/innlandet-kompetansepiloter.txt"), max_bytes=50_000_000)
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from ingest.loaders import LoadedDocument, LoadError, load_file

__all__ = ["LoadFn", "ParseSandbox", "parser"]

LoadFn = Callable[[Path, int], LoadedDocument]

_PROJECT_ROOT = Path(__file__).resolve().parent.parent
_DEFAULT_TARGET = "ingest.loaders:load_file"
_START_TIMEOUT_S = 60.0  # interpreter start on a loaded machine; not part of a file's time limit


class ParseSandbox:
    """Runs `target(path, max_bytes) -> LoadedDocument` in a limited, reusable child process.

    `target` is "module:function"; tests point it at misbehaving functions to prove the limits.
    """

    def __init__(self, timeout_s: float, memory_mb: int, target: str = _DEFAULT_TARGET) -> None:
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.target = target
        self._process: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._lock = threading.Lock()

    def __enter__(self) -> ParseSandbox:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def load(self, path: Path, max_bytes: int) -> LoadedDocument:
        """The file's text, or `LoadError` for a bad file, a timeout or a parser that blew up."""
        with self._lock:
            process = self._ensure_started()
            assert process.stdin is not None
            request = json.dumps({"path": str(path), "max_bytes": max_bytes, "timeout_s": self.timeout_s})
            try:
                process.stdin.write(request.encode() + b"\n")
                process.stdin.flush()
            except BrokenPipeError:
                self._stop()
                raise self._crashed(process) from None
            line = self._read_line(process, time.monotonic() + self.timeout_s)
            if line is None:
                self._stop()
                raise LoadError(
                    f"parsing took longer than {self.timeout_s:g} s and was stopped; the file may be "
                    "damaged or built to hang a parser. Open it and save it again, or raise "
                    "INGEST_PARSE_TIMEOUT_S if it is simply very large"
                )
            if not line:
                self._stop()
                raise self._crashed(process)
            reply = json.loads(line)
            if reply.get("fatal"):
                self._stop()  # a child that hit its memory limit is not trusted with the next file
            if "error" in reply:
                raise LoadError(str(reply["error"]))
            return LoadedDocument(str(reply["text"]), reply["title"], str(reply["file_format"]))

    def close(self) -> None:
        with self._lock:
            self._stop()

    # ------------------------------------------------------------------------------ the child
    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_PROJECT_ROOT), env.get("PYTHONPATH")) if p)
        command = [sys.executable, "-m", "ingest.sandbox", str(self.memory_mb), self.target]
        try:
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        except OSError as exc:
            raise LoadError(
                f"the parser process did not start ({exc}); set INGEST_SANDBOX=false to parse in-process"
            ) from exc
        self._process, self._buffer = process, b""
        ready = self._read_line(process, time.monotonic() + _START_TIMEOUT_S)
        if not ready or json.loads(ready).get("ready") is not True:
            self._stop()
            raise LoadError(
                f"the parser process did not start (is INGEST_PARSE_MEMORY_MB={self.memory_mb} too low?)"
            )
        return process

    def _read_line(self, process: subprocess.Popen[bytes], deadline: float) -> bytes | None:
        """One line from the child: None at the deadline, b"" if it died first."""
        assert process.stdout is not None
        fd = process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    return None
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return b""
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _crashed(self, process: subprocess.Popen[bytes]) -> LoadError:
        code = process.wait()
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        return LoadError(
            f"the parser crashed on this file ({how}), probably over its {self.memory_mb} MB memory "
            "limit; the file may be damaged or a decompression bomb. Open it and save it again, or "
            "raise INGEST_PARSE_MEMORY_MB"
        )

    def _stop(self) -> None:
        process, self._process, self._buffer = self._process, None, b""
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


@contextlib.contextmanager
def parser(sandboxed: bool, timeout_s: float, memory_mb: int) -> Iterator[LoadFn]:
    """The load function an ingest uses: in the sandbox, or in-process when it is switched off."""
    if not sandboxed:
        yield load_file
        return
    with ParseSandbox(timeout_s, memory_mb) as sandbox:
        yield sandbox.load


# ---------------------------------------------------------------------------------- child side
def _serve(memory_mb: int, target: str) -> None:
    """The child's loop: one JSON request per line in, one JSON answer per line out."""
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Answers go to a private copy of stdout; anything a parser prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "w", encoding="ascii")
    os.dup2(2, 1)
    module, _, name = target.partition(":")
    load: Any = getattr(importlib.import_module(module), name)
    _answer(out, {"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        # Our own backstop: if the parent dies while a parse hangs, SIGALRM ends this process.
        signal.alarm(int(request["timeout_s"]) + 10)
        try:
            loaded = load(Path(request["path"]), int(request["max_bytes"]))
            reply: dict[str, Any] = {
                "text": loaded.text,
                "title": loaded.title,
                "file_format": loaded.file_format,
            }
        except LoadError as exc:
            reply = {"error": str(exc)}
        except MemoryError:
            reply = {
                "error": f"parsing needed more than the {memory_mb} MB memory limit; the file may be a "
                "decompression bomb. Open it and save it again, or raise INGEST_PARSE_MEMORY_MB",
                "fatal": True,
            }
        except OSError as exc:
            reply = {"error": f"cannot read file: {exc.strerror or exc}"}
        except Exception as exc:  # any parser bug on any input: this file fails, not the ingest
            reply = {
                "error": f"could not parse the file ({type(exc).__name__}: {exc}); "
                "open it and save it again, or convert it to another supported format"
            }
        signal.alarm(0)
        _answer(out, reply)
        if reply.get("fatal"):
            return


def _answer(out: Any, reply: dict[str, Any]) -> None:
    out.write(json.dumps(reply) + "\n")  # ASCII escapes: even a lone surrogate from a PDF survives
    out.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), sys.argv[2])
