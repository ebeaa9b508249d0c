"""Benchmark: the frames page of a deep model (time, peak memory, page size).

Records the build of a Sequential of ``--layers`` Dense layers (100 by default) with
``buildtrace run``, then times ``buildtrace diagram TRACE --kind frames -o PAGE.html``
in a fresh process (wall time, and peak resident memory from ``wait4``), and prints the
medians over ``--repeat`` runs with the page's size and frame count. Each frame drawn
whole made a 100-layer model's page 402 MB (80 s, 3.0 GB); the frames now share one
picture (``buildtrace.render.frames_picture``).

``--code DIR`` runs the diagram with the buildtrace found in DIR (another checkout, to
compare before and after on the same machine).

Usage:
    python bench/frames_scale.py [--layers 100] [--repeat 3] [--code DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DEEP = """\
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([layers.Dense(16, activation="relu") for _ in range({hidden})]
                         + [layers.Dense(10, activation="softmax")])
model.build(input_shape=(None, 784))
"""


def run(argv: list[str], code: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one process running ``argv``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=errors, cwd=code
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        errors.seek(0)
        said = errors.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv[2:5])} failed: {said[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="the buildtrace to run")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="frames_scale_") as scratch:
        folder = Path(scratch)
        script = folder / "deep.py"
        script.write_text(DEEP.format(hidden=args.layers - 1), encoding="utf-8")
        trace, page = folder / "deep.jsonl", folder / "deep.html"
        run([python, "-m", "buildtrace", "run", str(script), "-o", str(trace), "--no-tree"],
            ROOT)  # fmt: skip
        figures = [
            run(
                [
                    python,
                    "-m",
                    "buildtrace",
                    "diagram",
                    str(trace),
                    "--kind",
                    "frames",
                    "-o",
                    str(page),
                ],
                args.code,
            )
            for _ in range(args.repeat)
        ]
        html = page.read_text(encoding="utf-8")
        frames = len(re.findall(r'<section class="frame"', html))
        events = sum(1 for _ in trace.open(encoding="utf-8"))
    seconds = statistics.median(t for t, _ in figures)
    memory = statistics.median(m for _, m in figures)
    print(f"{args.layers} layers, {events:,} events, {frames:,} frames ({args.code})")
    size = len(html.encode()) / 1e6
    print(f"frames page: {seconds:.1f} s, peak {memory:.0f} MB, page {size:.1f} MB", end="")
    print(f"  (medians of {args.repeat})")


if __name__ == "__main__":
    main()
