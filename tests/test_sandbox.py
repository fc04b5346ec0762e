"""The parse sandbox: a file that hangs, exhausts memory or crashes its parser fails alone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ingest.loaders import LoadError
from ingest.sandbox import ParseSandbox

pytestmark = pytest.mark.timeout(60)

LIMIT = 10_000_000


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notat.txt"
    path.write_text("Hamar satser på spill og bioøkonomi. Blåbær på Økern.", encoding="utf-8")
    return path


def test_files_parse_in_the_child_and_the_child_is_reused(text_file: Path) -> None:
    with ParseSandbox(timeout_s=30, memory_mb=1024) as sandbox:
        first = sandbox.load(text_file, LIMIT)
        child = sandbox._process
        second = sandbox.load(text_file, LIMIT)
        assert sandbox._process is child  # no new interpreter per file
    assert first == second
    assert first.text == "Hamar satser på spill og bioøkonomi. Blåbær på Økern."
    assert child is not None and child.poll() is not None  # closed with the sandbox


def test_loader_errors_come_back_as_load_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with ParseSandbox(timeout_s=30, memory_mb=1024) as sandbox, pytest.raises(LoadError, match="empty file"):
        sandbox.load(empty, LIMIT)


def test_a_hanging_parse_is_stopped_and_the_next_file_still_parses(tmp_path: Path, text_file: Path) -> None:
    slow = tmp_path / "slow.txt"
    slow.write_text("Denne filen henger.", encoding="utf-8")
    target = "tests.misbehaving_parsers:hang_on_slow"
    with ParseSandbox(timeout_s=1.5, memory_mb=1024, target=target) as sandbox:
        sandbox.load(text_file, LIMIT)  # the child is up, so the timing below is the parse alone
        started = time.perf_counter()
        with pytest.raises(LoadError) as caught:
            sandbox.load(slow, LIMIT)
        assert 1.4 < time.perf_counter() - started < 5
        assert "longer than 1.5 s" in str(caught.value) and "INGEST_PARSE_TIMEOUT_S" in str(caught.value)
        assert "Hamar" in sandbox.load(text_file, LIMIT).text


def test_memory_exhaustion_is_a_load_error_for_that_file(text_file: Path) -> None:
    with ParseSandbox(timeout_s=30, memory_mb=512, target="tests.misbehaving_parsers:eat_memory") as sandbox:
        with pytest.raises(LoadError) as caught:
            sandbox.load(text_file, LIMIT)
        assert "512 MB memory limit" in str(caught.value) and "INGEST_PARSE_MEMORY_MB" in str(caught.value)
        assert sandbox._process is None  # not trusted with another file


def test_a_crashing_parser_is_a_load_error_and_a_new_child_takes_over(text_file: Path) -> None:
    with ParseSandbox(timeout_s=30, memory_mb=1024, target="tests.misbehaving_parsers:segfault") as sandbox:
        with pytest.raises(LoadError, match=r"parser crashed.*SIGSEGV"):
            sandbox.load(text_file, LIMIT)
        with pytest.raises(LoadError, match="parser crashed"):
            sandbox.load(text_file, LIMIT)  # started again, crashed again: still one error per file


def test_an_unexpected_parser_exception_fails_only_that_file(text_file: Path) -> None:
    sandbox = ParseSandbox(timeout_s=30, memory_mb=1024, target="tests.misbehaving_parsers:raise_bug")
    with sandbox, pytest.raises(LoadError, match=r"could not parse the file \(ZeroDivisionError"):
        sandbox.load(text_file, LIMIT)
