"""Benchmark: a trace of a million events, read by the viewer, exported, drawn.

Makes a 10^6-event trace the way a long fit makes one: the seed model's real build and
compile, recorded by ``buildtrace run``, followed by the training events of a long fit
(``epoch_begin``, 469 ``batch_end`` per epoch with loss and accuracy, ``epoch_end``...,
exactly the fields the engine writes) up to the number of events asked for.

Then measures, each in a fresh process timed the same way (wall time, and peak resident
memory from ``wait4``):

* **read once** (the unit): a plain pass of ``json.loads`` over every line;
* **viewer store**: the viewer's reader (``buildtrace.trace.tail.TraceTail``) and event store
  (``tui.event_store.EventStore``) loading the whole trace, as ``buildtrace tui`` does;
* **viewer**: the viewer itself (``tui.app.create_app(TRACE)``, headless through
  Textual's ``run_test``, as ``buildtrace tui TRACE`` starts it): its **time to first
  screen** (until the status bar shows the first event), the time until the whole trace
  is loaded, and its peak memory;
* **export**: ``buildtrace export TRACE -o FILE.json`` (Perfetto);
* **diagram**: ``buildtrace diagram TRACE --kind build|topology|frames -o FILE``.

and prints each as a ratio to reading the file once: the median over ``--repeat`` runs
of time / time to read, and peak memory / peak memory to read.

Usage:
    python bench/trace_scale.py [--events 1000000] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SEED = """\
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)
model = keras.Sequential([layers.Dense(512, activation="relu"),
                          layers.Dense(10, activation="softmax")])
model.build(input_shape=(None, 784))
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
"""

STEPS = 469  # batches per epoch of the seed's fit (60,000 samples, batch size 128)

READ_ONCE = """
import json, sys
with open(sys.argv[1], "rb") as stream:
    for line in stream:
        json.loads(line)
"""

VIEWER_STORE = """
import sys
from tui.event_store import EventStore
from buildtrace.trace.tail import TraceTail
tail, store = TraceTail(sys.argv[1]), EventStore()
while True:
    events = tail.read()
    if not events and not tail.has_more:
        break
    store.extend(events)
store.model_at(len(store) // 2)
print(len(store))
"""


VIEWER = """
import asyncio, sys, time
start = time.perf_counter()
import tui
from tui.app import create_app

async def main():
    app = create_app(sys.argv[1], follow=False)
    first = None
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.finished:
            if first is None and app.query_one("#status").status.position:
                first = time.perf_counter() - start
            await pilot.pause(0.02 if first is None else 0.2)
        await pilot.pause(0.1)
        loaded = time.perf_counter() - start
    print(f"{first:.3f} {loaded:.3f} {len(app.store)}")

asyncio.run(main())
"""


def make_trace(path: Path, total: int) -> None:
    """The seed's build recorded for real, then a long fit's events up to ``total``."""
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "seed_build.py"
        script.write_text(SEED, encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "buildtrace", "run", str(script), "-o", str(path),
             "--no-tree"],
            check=True, env=_env(), stdout=subprocess.DEVNULL,
        )  # fmt: skip
    lines = path.read_text(encoding="utf-8").splitlines()
    seq, t = len(lines), json.loads(lines[-1])["t"]
    model = "sequential"
    with path.open("a", encoding="utf-8") as stream:

        def write(kind: str, **fields: object) -> None:
            nonlocal seq, t
            t += 0.004
            event = {"v": 1, "seq": seq, "t": t, "kind": kind, "name": "fit", "depth": 0,
                     "layer": model, **fields}  # fmt: skip
            stream.write(json.dumps(event, separators=(",", ":")) + "\n")
            seq += 1

        epochs = max(1, (total - seq - 2) // (STEPS + 2))
        write("train_begin", epochs=epochs, steps=STEPS, samples=STEPS * 128, batch_size=128)
        epoch = 0
        while seq < total - 1:
            write("epoch_begin", epoch=epoch, epochs=epochs)
            for batch in range(STEPS):
                if seq >= total - 2:
                    break
                loss = 2.3 / (1 + 0.01 * (epoch * STEPS + batch))
                write("batch_end", epoch=epoch, batch=batch,
                      logs={"loss": loss, "accuracy": 1 - loss / 2.5})  # fmt: skip
            if seq < total - 1:
                write("epoch_end", epoch=epoch, epochs=epochs, logs={"loss": 0.1})
            epoch += 1
        write("train_end", logs={"loss": 0.1})


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "BUILDTRACE_MNIST_STANDIN": "1"}


def measure(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB and the output of one process running ``argv``."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(argv, env=_env(), stdout=output, stderr=errors, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        output.seek(0)
        errors.seek(0)
        said, error = output.read().decode(), errors.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed: {error[-500:]}")
    return elapsed, usage.ru_maxrss / 1024, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="make (or reuse) the trace in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="trace_scale_"))
    folder.mkdir(parents=True, exist_ok=True)
    trace = folder / f"long_fit_{args.events}.jsonl"
    if not trace.exists():
        print(f"making {trace.name} ...", flush=True)
        make_trace(trace, args.events)
    size = trace.stat().st_size / 1e6
    print(f"{trace.name}: {args.events:,} events, {size:.0f} MB")
    python = sys.executable
    runs = {
        "read once (json.loads)": [python, "-c", READ_ONCE, str(trace)],
        "viewer store": [python, "-c", VIEWER_STORE, str(trace)],
        "viewer (tui, headless)": [python, "-c", VIEWER, str(trace)],
        "export": [python, "-m", "buildtrace", "export", str(trace), "-o",
                   str(folder / "export.json")],
    }  # fmt: skip
    for kind, output in (("build", "build.svg"), ("topology", "topology.svg"),
                         ("frames", "frames.html")):  # fmt: skip
        runs[f"diagram --kind {kind}"] = [python, "-m", "buildtrace", "diagram", str(trace),
                                          "--kind", kind, "-o", str(folder / output)]  # fmt: skip
    results: dict[str, list[tuple[float, float, str]]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, argv in runs.items():
            results[name].append(measure(argv))
    base_time = statistics.median(t for t, _, _ in results["read once (json.loads)"])
    base_mem = statistics.median(m for _, m, _ in results["read once (json.loads)"])
    print(f"{'':24} {'time s':>8} {'x read':>7} {'peak MB':>8} {'x read':>7}   (medians)")
    for name, values in results.items():
        seconds = statistics.median(t for t, _, _ in values)
        memory = statistics.median(m for _, m, _ in values)
        print(
            f"{name:24} {seconds:8.2f} {seconds / base_time:7.2f} "
            f"{memory:8.0f} {memory / base_mem:7.2f}"
        )
    viewer = [said.split() for _, _, said in results["viewer (tui, headless)"]]
    first = statistics.median(float(fields[0]) for fields in viewer)
    loaded = statistics.median(float(fields[1]) for fields in viewer)
    print(
        f"viewer: first screen {first:.2f} s ({first / base_time:.2f} x read), whole trace "
        f"loaded {loaded:.2f} s ({loaded / base_time:.2f} x read), {viewer[0][2]} events"
    )
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
