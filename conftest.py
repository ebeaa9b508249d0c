"""What every docstring example runs under (``--doctest-modules``, see ``pyproject.toml``).

An example is a lesson in a docstring: it must run on numpy alone, the way a reader
would type it, and never reach for TensorFlow or start a process behind the reader's
back. Each example starts from a fresh Keras session, so the names it shows
(``dense``, ``layer_normalization/gamma:0``) do not depend on the examples before it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from _pytest.doctest import DoctestItem


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
