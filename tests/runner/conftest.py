"""Fixtures for the runner tests: tiny Keras scripts written into a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from buildtrace.runner import RunResult, describe_error, run_script

#: Scripts kept in the repository (the seed build), shared by several tests.
SCRIPTS = Path(__file__).parent / "scripts"

WriteScript = Callable[..., Path]
RunSource = Callable[..., RunResult]


@pytest.fixture
def write_script(tmp_path: Path) -> WriteScript:
    """``write_script(source, name="script.py")`` -> the path of a new script file."""

    def write(source: str, name: str = "script.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_ok(write_script: WriteScript) -> RunSource:
    """Run a script's source and check it succeeded, showing its error if it did not.

    The scripts check what they see with ``assert``: a failing assert makes the run fail.
    """

    def run(source: str, *argv: str) -> RunResult:
        result = run_script(write_script(source), argv)
        assert result.exit_code == 0, describe_error(result, full_traceback=True)
        return result

    return run


@pytest.fixture
def seed_script() -> Path:
    """The seed build (Dense 512 relu, Dense 10 softmax, built for 784 inputs), tf.keras style."""
    return SCRIPTS / "seed_build.py"


@pytest.fixture(autouse=True)
def _wide_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """The printed tree is as wide as $COLUMNS says: wide enough that no line folds."""
    monkeypatch.setenv("COLUMNS", "200")
