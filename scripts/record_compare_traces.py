"""Record ``samples/seed.py`` under the mini-Keras and under tf-keras, for compare mode's tests.

Run by hand with tf-keras installed (the test suite never needs it)::

    python scripts/record_compare_traces.py

Each engine runs the seed example in its own process through ``buildtrace run --engine
E --until fit`` (the built-in stand-in digits, ``BUILDTRACE_MNIST_STANDIN=1``, so no
download), exactly as ``buildtrace diff samples/seed.py --engines mini,tf-keras --until
fit`` would. The whole recordings are 0.5 MB and 1.2 MB, nearly all of it per-batch
events and tf-keras's internal calls, which the teaching view leaves out; what is kept
in ``tests/data/compare/seed_<engine>.jsonl`` is every event the comparison reads: the
teaching steps (:func:`buildtrace.state.teaching.teaching_step`) and the returns of the
teaching calls, with their fields, ``seq`` numbers and times untouched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from buildtrace.state.teaching import teaching_step  # noqa: E402
from buildtrace.trace import read_trace  # noqa: E402

OUT = ROOT / "tests" / "data" / "compare"
SEED = ROOT / "samples" / "seed.py"
ENGINES = ("mini", "tf-keras")


def record(engine: str, trace: Path) -> list[dict[str, Any]]:
    """The seed example's trace under ``engine``, recorded until its fit is done."""
    env = dict(os.environ, BUILDTRACE_MNIST_STANDIN="1")
    command = [sys.executable, "-m", "buildtrace", "run", "--no-tree", "--engine", engine]
    command += ["--until", "fit", "-o", str(trace), str(SEED)]
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, cwd=ROOT)
    read = read_trace(trace)
    if read.error is not None:
        raise SystemExit(f"{engine}: {read.error}")
    return list(read.events)


def teaching_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events the comparison reads: teaching steps, and their calls' returns."""
    kept: list[dict[str, Any]] = []
    calls: set[object] = set()
    for event in events:
        if teaching_step(event) is not None:
            kept.append(event)
            if event.get("kind") == "call":
                calls.add(event.get("seq"))
        elif event.get("kind") in ("return", "raise") and event.get("call") in calls:
            kept.append(event)
    return kept


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="buildtrace-compare-") as folder:
        for engine in ENGINES:
            print(f"recording samples/seed.py under {engine} ...", flush=True)
            events = record(engine, Path(folder) / f"{engine}.jsonl")
            kept = teaching_events(events)
            path = OUT / f"seed_{engine.replace('-', '_')}.jsonl"
            with path.open("w", encoding="utf-8") as stream:
                for event in kept:
                    stream.write(json.dumps(event, separators=(",", ":")) + "\n")
            print(f"  {len(events)} events, {len(kept)} kept: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
