"""Training speed: an epoch of the seed model against a hand-written numpy loop.

The reference is what a careful engineer writes by hand for 784 → 512 (ReLU) → 10
(softmax) with RMSprop: preallocated float32 buffers, in-place ufuncs, the fused
softmax-crossentropy gradient. buildtrace's ``model.fit`` trains the same network
on batches of the same size; the ratio of their epoch times is the price of the
framework (the loop's work plus what ``fit`` does on top: the accuracy metric, the
softmax output, the per-batch logs and events).

Also measured: the cost of recording the full trace to a JSONL file while training,
twice: as the difference of epoch times (honest, but on a shared machine that
difference is mostly noise of a few percent), and directly, as the time spent
publishing and writing the epoch's events (stamping, JSON, writes) over the epoch's
time. And the process's memory across epochs (it should stay flat).

Run: ``.venv/bin/python bench/training_speed.py [--epochs 7] [--samples 60000]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time

import numpy as np

from buildtrace import keras
from buildtrace.trace import BUS, record


class ReferenceLoop:
    """Plain numpy training of the seed network: what buildtrace is measured against."""

    def __init__(self, weights: list[np.ndarray], batch: int) -> None:
        self.w1, self.b1, self.w2, self.b2 = (w.copy() for w in weights)
        self.params = [self.w1, self.b1, self.w2, self.b2]
        self.velocity = [np.zeros_like(p) for p in self.params]
        self.scratch = [np.empty_like(p) for p in self.params]
        self.h = np.empty((batch, 512), np.float32)
        self.z = np.empty((batch, 10), np.float32)
        self.dh = np.empty((batch, 512), np.float32)
        self.grads = [np.empty_like(p) for p in self.params]
        self.lr, self.rho, self.eps = np.float32(0.001), np.float32(0.9), np.float32(1e-7)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        n = x.shape[0]
        h, z, dh = self.h[:n], self.z[:n], self.dh[:n]
        np.matmul(x, self.w1, out=h)
        h += self.b1
        np.maximum(h, 0, out=h)
        np.matmul(h, self.w2, out=z)
        z += self.b2
        # Fused softmax + sparse crossentropy: dz = (softmax(z) - onehot) / n.
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        loss = -float(np.log(z[np.arange(n), y]).mean())
        z[np.arange(n), y] -= 1
        z /= n
        gw1, gb1, gw2, gb2 = self.grads
        np.matmul(h.T, z, out=gw2)
        z.sum(axis=0, out=gb2)
        np.matmul(z, self.w2.T, out=dh)
        dh *= h > 0
        np.matmul(x.T, dh, out=gw1)
        dh.sum(axis=0, out=gb1)
        for p, g, v, s in zip(self.params, self.grads, self.velocity, self.scratch):
            v *= self.rho  # v = rho v + (1 - rho) g^2
            np.square(g, out=s)
            s *= 1 - self.rho
            v += s
            np.add(v, self.eps, out=s)  # w -= lr g / sqrt(v + eps)
            np.sqrt(s, out=s)
            np.divide(g, s, out=s)
            s *= self.lr
            p -= s
        return loss

    def epoch(self, x: np.ndarray, y: np.ndarray, batch: int, order: np.ndarray) -> None:
        for start in range(0, len(x), batch):
            index = order[start : start + batch]
            self.step(x[index], y[index])


def seed_model(weights: list[np.ndarray]) -> keras.Sequential:
    model = keras.Sequential(
        [keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")]
    )
    model.build((None, 784))
    model.set_weights(weights)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB; current is Linux-only."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        current = peak
    return current, peak


def spread(values: list[float]) -> str:
    """``median (min-max)`` of a list of seconds."""
    return f"{statistics.median(values):6.3f} s ({min(values):.3f}-{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=7, help="epochs per variant (median)")
    parser.add_argument("--samples", type=int, default=60000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.random((args.samples, 784), dtype=np.float32)
    y = rng.integers(0, 10, args.samples)
    keras.utils.set_random_seed(0)
    template = keras.Sequential(
        [keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")]
    )
    template.build((None, 784))
    weights = template.get_weights()

    reference = ReferenceLoop(weights, 128)
    model = seed_model(weights)
    recorded = seed_model(weights)
    folder = tempfile.TemporaryDirectory()
    trace_path = os.path.join(folder.name, "fit.jsonl")

    def numpy_loop(order: np.ndarray) -> None:
        reference.epoch(x, y, 128, order)

    def fit(order: np.ndarray) -> None:
        model.fit(x, y, batch_size=128, epochs=1, verbose=0)

    publishing: list[float] = []  # seconds spent in BUS.publish, per recorded epoch
    publish = BUS.publish

    def timed_publish(event: dict[str, object]) -> int:
        start = time.perf_counter()
        try:
            return publish(event)
        finally:
            publishing[-1] += time.perf_counter() - start

    def fit_recorded(order: np.ndarray) -> None:
        publishing.append(0.0)
        BUS.publish = timed_publish  # type: ignore[method-assign]
        try:
            with record(trace_path):
                recorded.fit(x, y, batch_size=128, epochs=1, verbose=0)
        finally:
            del BUS.publish  # the class's method again

    variants = {"numpy loop": numpy_loop, "buildtrace fit": fit, "fit + JSONL": fit_recorded}
    names = list(variants)
    times: dict[str, list[float]] = {name: [] for name in names}
    memory: list[tuple[float, float]] = []
    with folder:
        for epoch in range(args.epochs):
            # Variants take turns, each round starting with the next one, so that machine
            # noise and cache state favour none of them.
            order = np.random.default_rng(epoch).permutation(args.samples)
            for name in names[epoch % 3 :] + names[: epoch % 3]:
                start = time.perf_counter()
                variants[name](order)
                times[name].append(time.perf_counter() - start)
            memory.append(rss_mb())
        with open(trace_path, encoding="utf-8") as trace:
            events = sum(1 for _ in trace)  # the last round's trace: one fit of one epoch
    base = times["numpy loop"]
    print(f"epoch of {args.samples} samples, batch 128, {args.epochs} rounds: median (min-max)")
    for name, values in times.items():
        paired = statistics.median(t / b for t, b in zip(values, base))
        print(f"  {name:15s} {spread(values)}   {paired:5.3f}x the numpy loop (median of rounds)")
    cost = statistics.median(r / f for r, f in zip(times["fit + JSONL"], times["buildtrace fit"]))
    print(f"  recording the trace to JSONL ({events} events an epoch): {cost * 100 - 100:+.1f}%")
    direct = statistics.median(p / t for p, t in zip(publishing, times["fit + JSONL"]))
    print(f"    of which publishing and writing the events: {direct * 100:.2f}% of the epoch")
    resident = ", ".join(f"{now:.0f}" for now, _ in memory)
    print(f"  resident memory after each round: {resident} MB (peak {memory[-1][1]:.0f} MB)")


if __name__ == "__main__":
    main()
