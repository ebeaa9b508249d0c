"""The docstring examples of ``buildtrace`` and ``tui`` run with the tests, and under what.

Only the packages' modules are collected for examples (as ``--doctest-modules`` would
collect them): not the lesson scripts (programs a lesson runs) nor the scripts under
``tests/`` (programs the tests run in a child process).

An example is a lesson in a docstring: it must run on numpy alone, the way a reader
would type it, and never reach for TensorFlow or start a process behind the reader's
back. Each example starts from a fresh Keras session, so the names it shows
(``dense``, ``layer_normalization/gamma:0``) do not depend on the examples before it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest.doctest import DoctestItem, DoctestModule

ROOT = Path(__file__).resolve().parent
PACKAGES = (ROOT / "buildtrace", ROOT / "tui")
NOT_MODULES = (ROOT / "buildtrace" / "lessons" / "builtin" / "scripts",)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DoctestModule | None:
    if file_path.suffix != ".py" or file_path.name == "__main__.py":
        return None
    if not any(file_path.is_relative_to(p) for p in PACKAGES):
        return None
    if any(file_path.is_relative_to(p) for p in NOT_MODULES):
        return None
    return DoctestModule.from_parent(parent, path=file_path)


class _NoProcesses(subprocess.Popen):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a docstring example must not start a process; mark it +SKIP")


@pytest.fixture(autouse=True)
def _doctest_ground_rules(request: pytest.FixtureRequest) -> Iterator[None]:
    if not isinstance(request.node, DoctestItem):
        yield
        return
    from buildtrace.keras import backend

    backend.clear_session()
    popen = subprocess.Popen
    subprocess.Popen = _NoProcesses  # type: ignore[misc]
    try:
        yield
    finally:
        subprocess.Popen = popen  # type: ignore[misc]
        backend.clear_session()
    assert "tensorflow" not in sys.modules, f"{request.node.name} imported TensorFlow"
