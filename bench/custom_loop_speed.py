"""Custom-loop speed: an epoch with ``tf.GradientTape`` against an epoch of ``fit``.

The seed model (784 → 512 ReLU → 10 softmax, RMSprop, sparse crossentropy, accuracy) is
trained two ways on the same data with the same batch size:

* ``fit``: ``model.fit(x, y, epochs=1)``;
* a hand-written loop in the style of TensorFlow's advanced quickstart: a
  ``@tf.function`` step that runs the model under ``tf.GradientTape``, calls the Keras
  loss, takes ``tape.gradient`` and ``optimizer.apply_gradients``, and updates a
  ``Mean`` loss metric and a ``SparseCategoricalAccuracy`` metric; batches are sliced
  from shuffled arrays (``--dataset`` feeds them from ``tf.data`` instead).

Rounds alternate between the two (so that a busy machine slows both alike) and the
ratio of the median epoch times is printed, with each round's paired ratio.

Run: ``.venv/bin/python bench/custom_loop_speed.py [--rounds 7] [--samples 60000]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np

from buildtrace import keras, tf


def seed_model(weights: list[np.ndarray] | None) -> Any:
    model = keras.Sequential(
        [keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")]
    )
    model.build((None, 784))
    if weights is not None:
        model.set_weights(weights)
    return model


class CustomLoop:
    """The advanced quickstart's loop, for the seed model."""

    def __init__(self, weights: list[np.ndarray]) -> None:
        self.model = seed_model(weights)
        self.loss_object = keras.losses.SparseCategoricalCrossentropy()
        self.optimizer = keras.optimizers.RMSprop()
        self.train_loss = keras.metrics.Mean(name="train_loss")
        self.train_accuracy = keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
        self.train_step = tf.function(self._train_step)

    def _train_step(self, images: Any, labels: Any) -> None:
        with tf.GradientTape() as tape:
            predictions = self.model(images, training=True)
            loss = self.loss_object(labels, predictions)
        gradients = tape.gradient(loss, self.model.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.model.trainable_variables))
        self.train_loss(loss)
        self.train_accuracy(labels, predictions)

    def epoch(self, batches: Any) -> None:
        self.train_loss.reset_state()
        self.train_accuracy.reset_state()
        for images, labels in batches:
            self.train_step(images, labels)


def array_batches(x: np.ndarray, y: np.ndarray, batch: int, rng: np.random.Generator) -> Any:
    order = rng.permutation(len(x))
    for start in range(0, len(x), batch):
        index = order[start : start + batch]
        yield x[index], y[index]


def spread(values: list[float]) -> str:
    """``median (min-max)`` of a list of seconds."""
    return f"median {statistics.median(values):.3f} s ({min(values):.3f}-{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="epochs per variant (median)")
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--dataset", action="store_true", help="feed the loop from tf.data")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.random((args.samples, 784), dtype=np.float32)
    y = rng.integers(0, 10, args.samples)
    keras.utils.set_random_seed(0)
    weights = seed_model(None).get_weights()
    fitted = seed_model(weights)
    fitted.compile(
        optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    loop = CustomLoop(weights)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x)).batch(args.batch)
    fit_times: list[float] = []
    loop_times: list[float] = []
    fit_cpu: list[float] = []
    loop_cpu: list[float] = []
    for _ in range(args.rounds):
        start, cpu = time.perf_counter(), time.process_time()
        fitted.fit(x, y, batch_size=args.batch, epochs=1, verbose=0)
        fit_times.append(time.perf_counter() - start)
        fit_cpu.append(time.process_time() - cpu)
        start, cpu = time.perf_counter(), time.process_time()
        loop.epoch(dataset if args.dataset else array_batches(x, y, args.batch, rng))
        loop_times.append(time.perf_counter() - start)
        loop_cpu.append(time.process_time() - cpu)
    fit_median, loop_median = statistics.median(fit_times), statistics.median(loop_times)
    paired = [lt / ft for lt, ft in zip(loop_times, fit_times)]
    feed = "tf.data" if args.dataset else "array slices"
    print(f"seed model, {args.samples} samples, batch {args.batch}, loop fed by {feed}")
    print(f"fit epoch         {spread(fit_times)}")
    print(f"GradientTape loop {spread(loop_times)}")
    print(f"ratio loop/fit (medians): {loop_median / fit_median:.3f}x  (target: at most 1.3x)")
    print(f"paired ratios per round (median {statistics.median(paired):.3f}): ", end="")
    print(" ".join(f"{r:.2f}" for r in paired))
    # CPU time: what the process itself spent, less shaken by other work on the machine
    # (with OPENBLAS_NUM_THREADS=1 it is the work done, thread for thread).
    cpu_ratio = statistics.median(loop_cpu) / statistics.median(fit_cpu)
    print(f"CPU time: fit {spread(fit_cpu)}, loop {spread(loop_cpu)}, ratio {cpu_ratio:.3f}x")
    print(f"final accuracy: fit {fitted.evaluate(x, y, verbose=0)[1]:.3f}, "
          f"loop {float(loop.train_accuracy.result()):.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
