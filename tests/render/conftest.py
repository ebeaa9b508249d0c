"""Fixtures for the diagram tests: the samples' builds as events, and Graphviz's verdict.

The samples are run as far as their model is built (their source up to
``model.summary()``), so the goldens follow the samples while the tests stay fast.
Pictures are drawn by the real ``dot``: CI installs it (``make setup`` does too).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from example_models import build_source

from buildtrace.keras import backend
from buildtrace.runner.script import run_script
from buildtrace.trace import BUS, Event

_cache: dict[str, list[Event]] = {}


def sample_build(name: str, tmp: Path) -> list[Event]:
    """The events of ``samples/<name>.py`` up to the end of its model's build."""
    if name not in _cache:
        script = tmp / f"{name}.py"
        script.write_text(build_source(name), encoding="utf-8")
        result = run_script(script)
        assert result.exit_code == 0, result.error
        _cache[name] = result.events
    return _cache[name]


@pytest.fixture
def sample(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[Event]]:
    """``sample("seed")`` -> the events of the seed sample's build."""
    folder = tmp_path_factory.mktemp("samples")
    return lambda name: sample_build(name, folder)


@pytest.fixture
def record() -> Callable[[Callable[[], Any]], tuple[list[Event], Any]]:
    """``record(make)`` -> (events, model): run ``make()`` with a fresh session, recording."""

    def run(make: Callable[[], Any]) -> tuple[list[Event], Any]:
        backend.clear_session()
        events: list[Event] = []
        unsubscribe = BUS.subscribe(events.append)
        try:
            model = make()
        finally:
            unsubscribe()
        return events, model

    return run


@pytest.fixture
def write_script(tmp_path: Path) -> Callable[[str], Path]:
    def write(source: str, name: str = "script.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def dot_binary() -> str:
    """The real ``dot``; the suite fails (not skips) without it, as CI must have it."""
    path = shutil.which("dot")
    if path is None:
        pytest.fail("Graphviz's dot is required by the diagram tests: apt-get install graphviz")
    return path


@pytest.fixture
def layout(dot_binary: str) -> Callable[[str], dict[str, Any]]:
    """``layout(source)`` -> the graph as ``dot -Tjson`` lays it out (so the DOT parses)."""

    def run(source: str) -> dict[str, Any]:
        done = subprocess.run(
            [dot_binary, "-Tjson"], input=source.encode(), capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr.decode()
        assert not done.stderr, done.stderr.decode()  # no warnings either
        data: dict[str, Any] = json.loads(done.stdout)
        return data

    return run


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A PATH on which there is no ``dot``."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None
    yield
