"""A misspelt field read of an event is a type error, with ``[]`` and with ``get``.

mypy alone lets ``TypedDict.get`` take any key; ``scripts/mypy_event_fields.py`` (the
plugin ``pyproject.toml`` enables) refuses unknown ones on the event types. This runs
mypy, as ``make check`` does, on a reader that misspells fields.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

READER = """
from buildtrace.trace import Event
from buildtrace.trace.events import is_set


def read(event: Event) -> object:
    if is_set(event):
        print(event["atr"])
    return event.get("layr"), event.get("layer"), event["shape"]
"""


def test_mypy_refuses_misspelt_event_fields(tmp_path: Path) -> None:
    reader = tmp_path / "reader.py"
    reader.write_text(READER, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(reader)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 2, result.stdout
    assert 'reader.py:8: error: TypedDict "SetEvent" has no key "atr"' in errors[0]
    assert 'reader.py:9: error: Event type "Event" has no field "layr"' in errors[1]
