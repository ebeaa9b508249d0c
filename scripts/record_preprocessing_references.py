"""Record what tf-keras 2.21's ``Normalization`` computes.

Run by hand with the real Keras 2 (TensorFlow 2.21 + tf-keras 2.21)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_preprocessing_references.py

Writes ``tests/data/preprocessing/normalization.npz`` and ``categorical.npz``; the tests
read them without TensorFlow. Recorded in ``normalization.npz``:

* ``adapt`` on fixed arrays (seeded numpy data) with several ``axis`` values and batch
  sizes, and on batched ``tf.data`` datasets: the weights ``mean``/``variance``/``count``
  and the layer's output on the data (``adapt_<case>_*``);
* a layer given ``mean=``/``variance=``, and one with ``invert=True``;
* a small ``Normalization -> Dense(4, relu) -> Dense(1)`` model trained three
  ``train_on_batch`` steps with ``SGD(learning_rate=0.05)``, mean squared error: its
  initial weights, the losses and the final weights (``train_*``).

and in ``categorical.npz``: ``Discretization`` boundaries learnt by ``adapt`` (several
``num_bins``, ``epsilon`` and batch sizes) with its outputs in each ``output_mode``, and
``CategoryEncoding`` outputs in each mode (``disc_<case>_*``, ``cat_<case>_*``), and
``StringLookup``/``IntegerLookup`` vocabularies (given or adapted) with their outputs
(``lookup_<case>_vocabulary``, ``lookup_<case>_output``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf
from tensorflow import keras

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "preprocessing" / "normalization.npz"
OUT_CATEGORICAL = OUT.with_name("categorical.npz")


def data(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Features of different scales and offsets, as a table of car measurements has."""
    rng = np.random.default_rng(seed)
    scale = rng.uniform(0.5, 50.0, size=shape[1:])
    offset = rng.uniform(-20.0, 200.0, size=shape[1:])
    return (rng.normal(size=shape) * scale + offset).astype("float32")


#: case -> (data shape, seed, axis, batch_size, given as a dataset batched so)
ADAPT_CASES: dict[str, tuple[tuple[int, ...], int, Any, Any, bool]] = {
    "last_axis_default_batch": ((70, 5), 1, -1, None, False),
    "last_axis_batch_8": ((70, 5), 1, -1, 8, False),
    "last_axis_batch_1": ((9, 3), 2, -1, 1, False),
    "axis_none": ((50, 4), 3, None, 16, False),
    "axis_none_1d": ((40,), 4, None, None, False),
    "axes_1_2": ((20, 2, 3, 4), 5, (1, 2), 6, False),
    "dataset_batch_7": ((45, 4), 6, -1, 7, True),
    "dataset_batch_32": ((45, 4), 6, -1, 32, True),
}


def adapt_case(name: str, arrays: dict[str, Any]) -> None:
    shape, seed, axis, batch_size, as_dataset = ADAPT_CASES[name]
    x = data(shape, seed)
    layer = keras.layers.Normalization(axis=axis)
    if as_dataset:
        layer.adapt(tf.data.Dataset.from_tensor_slices(x).batch(batch_size))
    else:
        layer.adapt(x, batch_size=batch_size)
    arrays[f"adapt_{name}_x"] = x
    arrays[f"adapt_{name}_mean"] = layer.adapt_mean.numpy()
    arrays[f"adapt_{name}_variance"] = layer.adapt_variance.numpy()
    arrays[f"adapt_{name}_count"] = layer.count.numpy()
    arrays[f"adapt_{name}_output"] = layer(x).numpy()


#: case -> (data shape, seed, num_bins, epsilon, batch_size)
DISCRETIZATION_CASES: dict[str, tuple[tuple[int, ...], int, int, float, Any]] = {
    "four_bins": ((100, 1), 11, 4, 0.01, None),
    "five_bins_batch_16": ((90, 2), 12, 5, 0.01, 16),
    "ten_bins_coarse": ((300, 1), 13, 10, 0.05, 64),
    "three_bins_small": ((7, 1), 14, 3, 0.01, 2),
}

#: case -> (inputs, num_tokens, output_mode, count_weights)
CATEGORY_CASES: dict[str, tuple[list[Any], int, str, Any]] = {
    "one_hot_vector": ([3, 2, 0, 1], 4, "one_hot", None),
    "one_hot_column": ([[3], [2], [0]], 5, "one_hot", None),
    "multi_hot": ([[0, 1], [0, 0], [1, 2], [3, 1]], 4, "multi_hot", None),
    "count": ([[0, 1, 1], [2, 2, 2]], 3, "count", None),
    "count_weighted": ([[0, 1], [0, 0]], 3, "count", [[0.5, 0.25], [1.0, 2.0]]),
}


TEXT = [["cat", "dog", "dog"], ["bird", "cat", "fish"], ["dog", "ant", "bee"]]
CODES = [[12, 36, 36], [7, 12, 36], [1138, 42, 7], [0, 0, 42]]

#: case -> (layer class name, keyword arguments, adapt data or None, inputs to call)
LOOKUP_CASES: dict[str, tuple[str, dict[str, Any], Any, Any]] = {
    "string_given": ("StringLookup", {"vocabulary": ["a", "b", "c", "d"]}, None,
                     [["a", "c", "d"], ["d", "z", "b"]]),
    "string_adapted": ("StringLookup", {}, TEXT, [["dog", "zebra", "ant"]]),
    "string_mask_max_tokens": ("StringLookup", {"mask_token": "", "max_tokens": 4},
                               [["x", "y", "", ""], ["y", "y", "z", "w"]], [["", "y", "w"]]),
    "string_one_hot": ("StringLookup", {"output_mode": "one_hot"}, TEXT,
                       [["dog"], ["ant"], ["zebra"]]),
    "string_multi_hot": ("StringLookup", {"output_mode": "multi_hot"}, TEXT, TEXT),
    "string_count_mask": ("StringLookup", {"output_mode": "count", "mask_token": ""}, TEXT,
                          [["dog", "dog", ""], ["cat", "", "zebra"]]),
    "string_invert": ("StringLookup", {"vocabulary": ["a", "b", "c"], "invert": True}, None,
                      [[1, 3, 0], [2, 9, 1]]),
    "integer_adapted": ("IntegerLookup", {}, CODES, [[36, 5, 12], [7, 1138, 0]]),
    "integer_no_oov_mask": ("IntegerLookup", {"num_oov_indices": 0, "mask_token": 0}, CODES,
                            [[36, 0, 12]]),
    "integer_two_oov": ("IntegerLookup", {"num_oov_indices": 2, "vocabulary": [12, 36]}, None,
                        [[12, 5, 36, 6, 7]]),
    "integer_multi_hot_pad": ("IntegerLookup", {"output_mode": "multi_hot", "max_tokens": 8,
                                                "pad_to_max_tokens": True}, CODES, CODES),
    "integer_invert": ("IntegerLookup", {"vocabulary": [12, 36, 1138], "invert": True}, None,
                       [[1, 2, 3, 0, 7]]),
}  # fmt: skip


def lookups(arrays: dict[str, Any]) -> None:
    for name, (cls, kwargs, adapt_data, inputs) in LOOKUP_CASES.items():
        layer = getattr(keras.layers, cls)(**kwargs)
        if adapt_data is not None:
            layer.adapt(np.array(adapt_data))
        vocabulary = layer.get_vocabulary()
        arrays[f"lookup_{name}_vocabulary"] = np.array([str(v) for v in vocabulary])
        out = layer(np.array(inputs)).numpy()
        arrays[f"lookup_{name}_output"] = out.astype(str) if out.dtype.kind in "SO" else out


def categorical() -> dict[str, Any]:
    arrays: dict[str, Any] = {}
    for name, (shape, seed, num_bins, epsilon, batch_size) in DISCRETIZATION_CASES.items():
        x = data(shape, seed)
        for mode in ("int", "one_hot", "multi_hot", "count"):
            if mode == "one_hot" and shape[-1] != 1:
                continue
            layer = keras.layers.Discretization(
                num_bins=num_bins, epsilon=epsilon, output_mode=mode
            )
            layer.adapt(x, batch_size=batch_size)
            arrays[f"disc_{name}_{mode}"] = layer(x).numpy()
        arrays[f"disc_{name}_x"] = x
        arrays[f"disc_{name}_boundaries"] = np.array(layer.bin_boundaries, np.float64)
    for name, (inputs, num_tokens, mode, weights) in CATEGORY_CASES.items():
        layer = keras.layers.CategoryEncoding(num_tokens=num_tokens, output_mode=mode)
        count_weights = None if weights is None else np.array(weights, "float32")
        arrays[f"cat_{name}_x"] = np.array(inputs)
        arrays[f"cat_{name}_output"] = layer(np.array(inputs), count_weights=count_weights).numpy()
    lookups(arrays)
    return arrays


def main() -> None:
    import tf_keras

    assert tf_keras.__version__.startswith("2.21"), tf_keras.__version__
    arrays: dict[str, Any] = {}
    for name in ADAPT_CASES:
        adapt_case(name, arrays)

    x = np.array([[0.0, 5.0], [1.0, -3.0], [10.0, 2.5]], "float32")
    given = keras.layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.0])
    arrays["given_x"] = x
    arrays["given_output"] = given(x).numpy()
    inverted = keras.layers.Normalization(invert=True)
    inverted.adapt(data((30, 2), 7))
    arrays["invert_adapt_x"] = data((30, 2), 7)
    arrays["invert_output"] = inverted(x).numpy()

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    train_x = data((16, 3), 8)
    train_y = (train_x @ np.array([[0.02], [-0.01], [0.005]], "float32") + 1.0).astype("float32")
    normalizer = keras.layers.Normalization(axis=-1)
    normalizer.adapt(train_x)
    model = keras.Sequential(
        [normalizer, keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mean_squared_error")
    model.build((None, 3))
    arrays["train_x"], arrays["train_y"] = train_x, train_y
    for i, w in enumerate(model.get_weights()):
        arrays[f"train_init_{i}"] = w
    arrays["train_losses"] = np.array(
        [float(model.train_on_batch(train_x, train_y)) for _ in range(3)]
    )
    for i, w in enumerate(model.get_weights()):
        arrays[f"train_final_{i}"] = w
    arrays["train_weight_names"] = np.array([w.name for w in model.weights])

    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez(OUT, **arrays)
    print(f"wrote {OUT.relative_to(ROOT)} ({len(arrays)} arrays)")
    more = categorical()
    np.savez(OUT_CATEGORICAL, **more)
    print(f"wrote {OUT_CATEGORICAL.relative_to(ROOT)} ({len(more)} arrays)")


if __name__ == "__main__":
    main()
