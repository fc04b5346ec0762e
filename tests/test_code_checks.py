"""The code passes its own linters and type checker, as `make check` runs them.

CI runs `make test` only, so a type error that `make check` would report went unnoticed for a stop
(a variable of `overview._best_sentence` reused for a dict of another shape). Running the same
three commands here makes CI fail on it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import PROJECT


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
    ],
    ids=["ruff", "ruff-format", "mypy"],
)
def test_the_code_passes_the_projects_checks(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=PROJECT, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
