"""Training speed: an epoch of the seed model against a hand-written numpy loop.

The reference is what a careful engineer writes by hand for 784 → 512 (ReLU) → 10
(softmax) with RMSprop: preallocated float32 buffers, in-place ufuncs, the fused
softmax-crossentropy gradient. buildtrace's ``model.fit`` trains the same network
with the same batches; the ratio of their epoch times is the price of the framework.

Also measured: the cost of recording the full trace to a JSONL file while training,
and the process's memory across epochs (it should stay flat).

Run: ``.venv/bin/python bench/training_speed.py [--epochs 3] [--samples 60000]``.
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
from buildtrace.trace import record


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


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per variant (median)")
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
    times: dict[str, list[float]] = {"numpy loop": [], "buildtrace fit": [], "fit + JSONL": []}
    memory: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for epoch in range(args.epochs):
            # Variants take turns within each round so machine noise hits them alike.
            order = np.random.default_rng(epoch).permutation(args.samples)
            start = time.perf_counter()
            reference.epoch(x, y, 128, order)
            times["numpy loop"].append(time.perf_counter() - start)
            start = time.perf_counter()
            model.fit(x, y, batch_size=128, epochs=1, verbose=0)
            times["buildtrace fit"].append(time.perf_counter() - start)
            with record(os.path.join(folder, "fit.jsonl")):
                start = time.perf_counter()
                recorded.fit(x, y, batch_size=128, epochs=1, verbose=0)
                times["fit + JSONL"].append(time.perf_counter() - start)
            memory.append(rss_mb())
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["numpy loop"]
    print(f"epoch of {args.samples} samples, batch 128, median of {args.epochs}:")
    for name, value in medians.items():
        print(f"  {name:15s} {value:6.3f} s   {value / base:5.3f}x the numpy loop")
    cost = medians["fit + JSONL"] / medians["buildtrace fit"] - 1
    print(f"  recording the trace to JSONL costs {cost * 100:+.1f}% of an epoch")
    print(f"  peak memory after each round: {', '.join(f'{m:.0f} MB' for m in memory)}")


if __name__ == "__main__":
    main()
