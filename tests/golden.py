"""Golden files: text a test compares with a file checked in next to it.

A golden file is reviewed once by eye and then guards the output it holds. Regenerate
the files a test reads with ``BUILDTRACE_UPDATE_GOLDEN=1 pytest <the test>`` and review
the diff before committing it. A missing golden file is written and the test fails, so
a new one is never accepted unseen.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest


def updating() -> bool:
    """Whether this run rewrites golden files (``BUILDTRACE_UPDATE_GOLDEN=1``)."""
    return os.environ.get("BUILDTRACE_UPDATE_GOLDEN") == "1"


def check_golden(path: Path, text: str, normalize: Callable[[str], str] | None = None) -> None:
    """Assert ``text`` equals the golden file ``path`` (both through ``normalize``, if
    given: to ignore what may change, such as line numbers)."""
    if updating() or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not updating():
            pytest.fail(f"wrote the missing golden file {path}; review it and run again")
    expected = path.read_text(encoding="utf-8")
    if normalize is not None:
        text, expected = normalize(text), normalize(expected)
    assert text == expected
