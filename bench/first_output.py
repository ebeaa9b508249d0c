"""Time to the first output of the seed script: its build diagram, and ``run``'s tree.

The seed script builds its model in milliseconds, then trains for five epochs (27-64 s
on a 2-core machine). ``buildtrace diagram samples/seed.py --kind build`` and
``buildtrace run samples/seed.py`` used to wait for all of it before drawing or printing
anything; now the diagram stops the script once its build is complete (``--until
build``, its default) and ``run`` prints the build tree as soon as the build is done.

Everything is measured the same way, as a fresh process started by this benchmark and
timed on the wall clock (medians of several runs):

* ``build``: the reference. A process running the seed script's own lines up to
  ``model.build(...)`` under ``buildtrace run --no-tree``: Python, numpy, buildtrace's
  Keras and the build itself; no diagram can come sooner than that;
* ``diagram``: ``buildtrace diagram samples/seed.py --kind build -o build.svg``, to its
  exit (the SVG written, Graphviz's ``dot`` included);
* ``run tree``: ``buildtrace run samples/seed.py`` until the build tree's last line is
  out (the process is then stopped: training would go on).

Budget: the diagram in under 2 s on this machine. ``--until-end`` also times the diagram
with ``--until end`` once, as it was before (a minute or so).

Run: ``.venv/bin/python bench/first_output.py`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples" / "seed.py"
RUNS = 5
BUDGET_SECONDS = 2.0


def buildtrace(*argv: str) -> list[str]:
    return [sys.executable, "-m", "buildtrace", *argv]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def timed(argv: list[str]) -> float:
    """Wall-clock seconds of a process, from its start to its exit (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=env(), cwd=ROOT)
    return time.perf_counter() - start


def time_to_tree(argv: list[str]) -> float:
    """Seconds until ``buildtrace run`` has printed the build tree (then it is stopped)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env(), cwd=ROOT
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            # The seed's build ends with the model's last flag: its tree's last line.
            if "sequential.built = True (was True)" in line:
                return time.perf_counter() - start
        raise RuntimeError("buildtrace run printed no build tree")
    finally:
        process.kill()
        process.wait()


def build_only_script(folder: Path) -> Path:
    """The seed script's lines up to its ``model.build(...)``, and nothing after."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("model.build("))
    script = folder / "seed_build_only.py"
    script.write_text("\n".join(lines[: end + 1]) + "\n", encoding="utf-8")
    return script


def median(work: list[float]) -> float:
    return statistics.median(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--until-end", action="store_true", help="also time the old way, once")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reference = build_only_script(folder)
        svg = folder / "build.svg"
        diagram = buildtrace("diagram", str(SEED), "--kind", "build", "-o", str(svg), "--force")
        timings: dict[str, list[float]] = {"build": [], "diagram": [], "run tree": []}
        for _ in range(options.runs):  # interleaved, so a busy moment hits all alike
            timings["build"].append(timed(buildtrace("run", str(reference), "--no-tree")))
            timings["diagram"].append(timed(diagram))
            timings["run tree"].append(time_to_tree(buildtrace("run", str(SEED))))
        print(f"seed script, fresh processes, medians of {options.runs} runs")
        for name, seconds in timings.items():
            print(f"  {name:<9} {median(seconds):7.2f} s   (runs: "
                  + ", ".join(f"{s:.2f}" for s in seconds) + ")")  # fmt: skip
        base = median(timings["build"])
        for name in ("diagram", "run tree"):
            print(f"{name} / build: {median(timings[name]) / base:.2f}x")
        ours = median(timings["diagram"])
        verdict = "within" if ours < BUDGET_SECONDS else "OVER"
        print(
            f"build diagram of the seed: {ours:.2f} s, {verdict} the {BUDGET_SECONDS:.0f} s budget"
        )
        if options.until_end:
            whole = timed([*diagram, "--until", "end"])
            print(f"the same with --until end (the whole script, as before): {whole:.1f} s")


if __name__ == "__main__":
    main()
