"""What recording costs under the real engines: ratios against the same run unrecorded.

For each engine (tf-keras, then Keras 3), in a process of its own with the engine
imported once, the same work runs alternately without buildtrace and recorded (the
engine's session: the engine tracer, the flag writes, the training callback, a JSON
Lines recorder writing to a file), and the medians compare:

* ``build``: the seed model (Dense 512 relu, Dense 10 softmax) built for (None, 784);
* ``fit epoch``: a fresh seed model compiled and fitted for one epoch on 8,192 samples
  (64 batches of 128): TensorFlow traces the step function in it, which is where the
  recording has most to record;
* ``next epoch``: the second epoch of that fit (timed by a callback), when the step
  function runs as a graph: what recording costs a long training, batch after batch.

Needs the optional extras: ``pip install 'buildtrace[tf-keras]'`` (Keras 3 comes with
TensorFlow). Run: ``.venv/bin/python bench/engine_overhead.py [--reps N] [--engine E]``;
without ``--engine`` each engine runs in a child process (tf-keras and Keras 3 cannot
share one: ``tf.keras`` is one or the other for the process's life).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from buildtrace.engines import EngineNotInstalled, check_engine
from buildtrace.trace import BUS, JsonlRecorder

#: The real engines measured, each in a child process of its own.
ENGINES = ("tf-keras", "keras3")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=15, help="runs of the build per side")
    parser.add_argument("--fit-reps", type=int, default=5, help="runs of the fit per side")
    parser.add_argument("--engine", choices=ENGINES, help="measure this engine only, here")
    args = parser.parse_args()
    if args.engine is None:
        status = 0
        for engine in ENGINES:
            print(f"== {engine}", flush=True)
            command = [sys.executable, __file__, "--engine", engine, "--reps", str(args.reps),
                       "--fit-reps", str(args.fit_reps)]  # fmt: skip
            status = max(status, subprocess.run(command, check=False).returncode)
        return status
    return measure(args.engine, args.reps, args.fit_reps)


def measure(name: str, reps: int, fit_reps: int) -> int:
    """Print the ratios of engine ``name`` (this process imports it)."""
    try:
        check_engine(name)
    except EngineNotInstalled as exc:
        print(f"skipped: {exc}")
        return 0
    from buildtrace.engines import keras3, tf_keras

    engine: Any = tf_keras if name == "tf-keras" else keras3
    keras = engine.import_engine()
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.random((8192, 784), dtype=np.float32)
    y = rng.integers(0, 10, 8192)

    def seed() -> Any:
        return keras.Sequential(
            [
                keras.layers.Dense(512, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )

    def build() -> None:
        seed().build(input_shape=(None, 784))

    epochs: list[float] = []

    class EpochTimer(keras.callbacks.Callback):  # type: ignore[misc]
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            epochs.append(time.perf_counter() - self.start)

    def fit() -> None:
        model = seed()
        model.build(input_shape=(None, 784))
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])  # fmt: skip
        model.fit(x, y, epochs=2, batch_size=128, verbose=0, callbacks=[EpochTimer()])

    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "trace.jsonl"
        events: list[int] = []

        def plain(work: Callable[[], None]) -> float:
            keras.backend.clear_session()
            start = time.perf_counter()
            work()
            return time.perf_counter() - start

        def recorded(work: Callable[[], None]) -> float:
            recorder = JsonlRecorder(trace)
            unsubscribe = BUS.subscribe(recorder)
            try:
                with engine.session():  # clears the session, like `plain`
                    start = time.perf_counter()
                    work()
                    took = time.perf_counter() - start
            finally:
                unsubscribe()
                recorder.close()
            events.append(recorder.count)
            return took

        for part, work, runs in (("build", build, reps), ("fit epoch", fit, fit_reps)):
            plain(work), recorded(work)  # warm-up: imports, kernels, caches
            events.clear()
            bare: list[float] = []
            traced: list[float] = []
            bare_epochs: list[float] = []
            traced_epochs: list[float] = []
            for rep in range(runs):  # interleaved, so load on the machine hits both alike
                first, second = (plain, recorded) if rep % 2 == 0 else (recorded, plain)
                for side in (first, second):
                    epochs.clear()
                    (bare if side is plain else traced).append(side(work))
                    (bare_epochs if side is plain else traced_epochs).append(
                        epochs[1] if len(epochs) > 1 else 0.0
                    )
            rows = [(part, bare, traced)]
            if work is fit:  # each run times two epochs: the first, then the next
                rows = [
                    ("fit epoch", [t - n for t, n in zip(bare, bare_epochs)],
                     [t - n for t, n in zip(traced, traced_epochs)]),
                    ("next epoch", bare_epochs, traced_epochs),
                ]  # fmt: skip
            for label, plain_times, recorded_times in rows:
                a, b = statistics.median(plain_times), statistics.median(recorded_times)
                print(
                    f"{label:<10} unrecorded {a * 1000:8.1f} ms   recorded {b * 1000:8.1f} ms"
                    f"   ratio {b / a:5.2f}x   ({statistics.median(events):.0f} events per "
                    f"run, medians of {runs})"
                )
    print(
        f"{name}: python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
