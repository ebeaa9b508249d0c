"""Record what tf-keras 2.21 does for the layers buildtrace added: build facts and numbers.

Run by hand with the real Keras 2 (TensorFlow 2.21 + tf-keras 2.21)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_layer_references.py

For each case below it writes, into ``tests/data/layers/``:

* ``<case>.npz``: the inputs and targets, the model's initial weights (as Keras made them
  with ``set_random_seed(0)``), the loss of three ``train_on_batch`` steps with
  ``SGD(learning_rate=0.1)`` and the weights after them;
* ``build_facts.json``: the ``summary()`` text of three models using the new layers, and,
  per case, the build as Keras runs it, seen by a small tracer:
  every ``build`` and ``__init__`` entered (class and method), every ``add_weight`` (layer,
  weight name, shape, initializer class, trainable) and every write of ``built``.

The test suite reads only those files; it never needs TensorFlow.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf
from tensorflow import keras

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "layers"
layers = keras.layers


# ------------------------------------------------------------------------ the tracer
class Tracer:
    """Records build/__init__ entries, add_weight calls and ``built`` writes, in order."""

    def __init__(self) -> None:
        self.events: list[list[Any]] = []
        from tf_keras.src.engine import base_layer

        self._base = base_layer

    def __enter__(self) -> Tracer:
        base_layer = self._base
        layer_cls = base_layer.Layer
        self._add_weight = layer_cls.add_weight
        self._setattr = layer_cls.__setattr__
        tracer = self

        def add_weight(layer: Any, name: Any = None, shape: Any = None, **kwargs: Any) -> Any:
            init = kwargs.get("initializer")
            init_name = type(init).__name__ if not isinstance(init, str) else init
            if callable(init) and type(init).__name__ == "function":
                init_name = init.__name__
            trainable = kwargs.get("trainable")
            tracer.events.append(
                [
                    "add_weight",
                    layer.name,
                    name,
                    [int(d) for d in shape],
                    init_name,
                    True if trainable is None else bool(trainable),
                ]
            )
            return tracer._add_weight(layer, name, shape, **kwargs)

        def setattr_(layer: Any, attr: str, value: Any) -> None:
            if attr == "built":
                tracer.events.append(["set", getattr(layer, "_name", None), bool(value)])
            tracer._setattr(layer, attr, value)

        layer_cls.add_weight = add_weight
        layer_cls.__setattr__ = setattr_

        def profile(frame: Any, event: str, arg: Any) -> None:
            if event != "call":
                return
            code = frame.f_code
            if code.co_name not in ("build", "__init__") or "tf_keras" not in code.co_filename:
                return
            if "/layers/" not in code.co_filename and "base_layer" not in code.co_filename:
                return
            owner = frame.f_locals.get("self")
            name = getattr(owner, "_name", None) if code.co_name == "build" else None
            tracer.events.append(["call", code.co_qualname, name])

        sys.setprofile(profile)
        return self

    def __exit__(self, *exc: Any) -> None:
        sys.setprofile(None)
        self._base.Layer.add_weight = self._add_weight
        self._base.Layer.__setattr__ = self._setattr


# ---------------------------------------------------------------------------- cases
def _seq(*parts: Any) -> Callable[[], Any]:
    return lambda: keras.Sequential(list(parts))


def case_conv1d() -> tuple[Any, Any, Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(9, 3)),
            layers.Conv1D(4, 3, activation="relu"),
            layers.MaxPooling1D(2),
            layers.Conv1D(4, 2, padding="causal", activation="tanh"),
            layers.AveragePooling1D(2, strides=1, padding="same"),
            layers.GlobalMaxPooling1D(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    rng = np.random.default_rng(1)
    return (
        model,
        rng.normal(size=(6, 9, 3)),
        rng.integers(0, 3, 6),
        "sparse_categorical_crossentropy",
    )


def case_conv2d_transpose() -> tuple[Any, Any, Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(3, 3, 2)),
            layers.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu"),
            layers.UpSampling2D(),
            layers.ZeroPadding2D(1),
            layers.Conv2D(2, 3, strides=2),
            layers.Conv2DTranspose(2, 2, strides=2),
            layers.GlobalAveragePooling2D(),
            layers.Dense(1),
        ]
    )
    rng = np.random.default_rng(2)
    return model, rng.normal(size=(4, 3, 3, 2)), rng.normal(size=(4, 1)), "mse"


def case_layer_normalization() -> tuple[Any, Any, Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(5, 4)),
            layers.LayerNormalization(),
            layers.Dense(3, activation="tanh"),
            layers.LayerNormalization(axis=[1, 2], epsilon=1e-5),
            layers.GlobalMaxPooling1D(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    rng = np.random.default_rng(3)
    return (
        model,
        rng.normal(size=(6, 5, 4)),
        rng.integers(0, 2, 6),
        "sparse_categorical_crossentropy",
    )


def case_embedding() -> tuple[Any, Any, Any, str]:
    model = keras.Sequential(
        [
            layers.Embedding(20, 4, input_length=6),
            layers.GlobalAveragePooling1D(),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    rng = np.random.default_rng(4)
    return model, rng.integers(0, 20, (8, 6)), rng.integers(0, 2, (8, 1)), "binary_crossentropy"


def case_simple_rnn() -> tuple[Any, Any, Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(6,)),
            layers.Embedding(20, 4),
            layers.SimpleRNN(5, return_sequences=True),
            layers.SimpleRNN(3, go_backwards=True),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    rng = np.random.default_rng(5)
    return model, rng.integers(0, 20, (8, 6)), rng.integers(0, 2, (8, 1)), "binary_crossentropy"


def case_lstm() -> tuple[Any, Any, Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(5, 3)),
            layers.LSTM(4, return_sequences=True),
            layers.LSTM(3, go_backwards=True),
            layers.Dense(2, activation="softmax"),
        ]
    )
    rng = np.random.default_rng(6)
    return (
        model,
        rng.normal(size=(6, 5, 3)),
        rng.integers(0, 2, 6),
        "sparse_categorical_crossentropy",
    )


def case_gru() -> tuple[Any, Any, Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(5, 3)),
            layers.GRU(4, return_sequences=True, go_backwards=True),
            layers.GRU(3, reset_after=False),
            layers.Dense(1),
        ]
    )
    rng = np.random.default_rng(7)
    return model, rng.normal(size=(6, 5, 3)), rng.normal(size=(6, 1)), "mse"


def case_bidirectional() -> tuple[Any, Any, Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(5, 3)),
            layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
            layers.Bidirectional(layers.GRU(3), merge_mode="sum"),
            layers.Dense(2, activation="softmax"),
        ]
    )
    rng = np.random.default_rng(8)
    return (
        model,
        rng.normal(size=(6, 5, 3)),
        rng.integers(0, 2, 6),
        "sparse_categorical_crossentropy",
    )


def case_time_distributed() -> tuple[Any, Any, Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(5, 3)),
            layers.TimeDistributed(layers.Dense(4, activation="relu")),
            layers.SimpleRNN(3, return_sequences=True),
            layers.TimeDistributed(layers.Dense(2)),
        ]
    )
    rng = np.random.default_rng(9)
    return model, rng.normal(size=(6, 5, 3)), rng.normal(size=(6, 5, 2)), "mse"


def case_merges() -> tuple[Any, Any, Any, str]:
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(4,), name="b")
    da = layers.Dense(4, name="da")(layers.Rescaling(0.5, offset=0.1)(a))
    db = layers.Dense(4, name="db")(b)
    m = layers.multiply([layers.ReLU(max_value=2.0)(da), layers.LeakyReLU()(db)])
    s = layers.subtract([da, db])
    av = layers.average([m, s, da])
    mx = layers.maximum([da, db])
    mn = layers.minimum([da, db])
    merged = layers.concatenate([av, mx, mn, layers.add([m, s])])
    out = layers.Softmax()(layers.Dense(3, name="head")(merged))
    model = keras.Model([a, b], out)
    rng = np.random.default_rng(10)
    x = [rng.normal(size=(6, 4)), rng.normal(size=(6, 4))]
    return model, x, rng.integers(0, 3, 6), "sparse_categorical_crossentropy"


CASES: dict[str, Callable[[], tuple[Any, Any, Any, str]]] = {
    "conv1d": case_conv1d,
    "conv2d_transpose": case_conv2d_transpose,
    "layer_normalization": case_layer_normalization,
    "embedding": case_embedding,
    "simple_rnn": case_simple_rnn,
    "lstm": case_lstm,
    "gru": case_gru,
    "bidirectional": case_bidirectional,
    "time_distributed": case_time_distributed,
    "merges": case_merges,
}

#: Single layers whose whole build (``__init__`` levels, ``build`` calls, ``built``
#: writes, weights) is recorded on their own, built on this input shape.
BUILDS: dict[str, tuple[Callable[[], Any], tuple[Any, ...]]] = {
    "Conv2D": (lambda: layers.Conv2D(2, 3), (None, 6, 6, 1)),
    "Conv1D": (lambda: layers.Conv1D(2, 3), (None, 6, 1)),
    "Conv2DTranspose": (lambda: layers.Conv2DTranspose(2, 3), (None, 4, 4, 1)),
    "MaxPooling2D": (lambda: layers.MaxPooling2D(), (None, 4, 4, 1)),
    "AveragePooling2D": (lambda: layers.AveragePooling2D(), (None, 4, 4, 1)),
    "MaxPooling1D": (lambda: layers.MaxPooling1D(), (None, 4, 1)),
    "GlobalAveragePooling2D": (lambda: layers.GlobalAveragePooling2D(), (None, 4, 4, 1)),
    "GlobalMaxPooling1D": (lambda: layers.GlobalMaxPooling1D(), (None, 4, 1)),
    "Dropout": (lambda: layers.Dropout(0.5), (None, 4)),
    "GaussianNoise": (lambda: layers.GaussianNoise(0.1), (None, 4)),
    "SpatialDropout1D": (lambda: layers.SpatialDropout1D(0.1), (None, 3, 4)),
    "Embedding": (lambda: layers.Embedding(10, 3), (None, 4)),
    "SimpleRNN": (lambda: layers.SimpleRNN(3), (None, 4, 2)),
    "LSTM": (lambda: layers.LSTM(3), (None, 4, 2)),
    "GRU": (lambda: layers.GRU(3), (None, 4, 2)),
    "Bidirectional": (lambda: layers.Bidirectional(layers.LSTM(3)), (None, 4, 2)),
    "TimeDistributed": (lambda: layers.TimeDistributed(layers.Dense(3)), (None, 4, 2)),
    "LayerNormalization": (lambda: layers.LayerNormalization(), (None, 4, 2)),
    "UpSampling2D": (lambda: layers.UpSampling2D(), (None, 4, 4, 1)),
    "RepeatVector": (lambda: layers.RepeatVector(3), (None, 4)),
    "Permute": (lambda: layers.Permute((2, 1)), (None, 4, 2)),
    "ZeroPadding2D": (lambda: layers.ZeroPadding2D(), (None, 4, 4, 1)),
    "Lambda": (lambda: layers.Lambda(lambda x: x * 2), (None, 4)),
    "Softmax": (lambda: layers.Softmax(), (None, 4)),
    "ReLU": (lambda: layers.ReLU(), (None, 4)),
    "LeakyReLU": (lambda: layers.LeakyReLU(), (None, 4)),
    "Rescaling": (lambda: layers.Rescaling(1 / 255), (None, 4)),
    "Multiply": (lambda: layers.Multiply(), None),
    "Subtract": (lambda: layers.Subtract(), None),
}


def summary_models() -> dict[str, Any]:
    """Models whose ``summary()`` text is recorded (the test builds the same ones)."""
    text = keras.Sequential(
        [
            layers.Embedding(100, 8, input_length=20),
            layers.Bidirectional(layers.GRU(8, return_sequences=True)),
            layers.Conv1D(4, 3, padding="causal"),
            layers.GlobalAveragePooling1D(),
            layers.Dropout(0.5),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    tagger = keras.Sequential(
        [
            layers.Embedding(100, 8),
            layers.LSTM(16, return_sequences=True),
            layers.LayerNormalization(),
            layers.TimeDistributed(layers.Dense(3)),
        ]
    )
    image = keras.Input(shape=(8, 8, 1), name="image")
    x = layers.Rescaling(1 / 255)(image)
    x = layers.ZeroPadding2D(1)(x)
    x = layers.Conv2D(4, 3, strides=2, activation="relu")(x)
    y = layers.Conv2DTranspose(4, 3, strides=2, padding="same")(x)
    y = layers.UpSampling2D()(layers.MaxPooling2D()(y))
    z = layers.concatenate([layers.GlobalMaxPooling2D()(y), layers.GlobalAveragePooling2D()(x)])
    out = layers.Softmax()(layers.Dense(3)(layers.LeakyReLU()(z)))
    images = keras.Model(image, out, name="images")
    return {"text": text, "tagger": tagger, "images": images}


def record_summaries() -> dict[str, str]:
    keras.backend.clear_session()
    texts: dict[str, str] = {}
    for name, model in summary_models().items():
        lines: list[str] = []
        model.summary(print_fn=lines.append)
        texts[name] = "\n".join(lines)
    return texts


def record_build(make: Callable[[], Any], shape: tuple[Any, ...] | None) -> dict[str, Any]:
    """The construction and the first call on a symbolic input, as Keras runs them."""
    keras.backend.clear_session()
    with Tracer() as made:
        layer = make()
    if shape is None:  # a merge: two inputs
        inputs: Any = [keras.Input(shape=(3,)), keras.Input(shape=(3,))]
    else:
        inputs = keras.Input(batch_shape=shape)
    with Tracer() as built:
        layer(inputs)
    names = {w.name: [list(w.shape), bool(w.trainable)] for w in layer.weights}
    return {
        "init": [e[1] for e in made.events if e[0] == "call"],
        "build": built.events,
        "weights": names,
        "weight_order": [w.name for w in layer.weights],
    }


def _tf_keras_version() -> str:
    import tf_keras

    return str(tf_keras.__version__)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    facts: dict[str, Any] = {
        "recorded_with": f"tensorflow {tf.__version__}, tf-keras {_tf_keras_version()}",
        "script": "scripts/record_layer_references.py",
        "layers": {name: record_build(*spec) for name, spec in BUILDS.items()},
        "summaries": record_summaries(),
    }
    for name, make in CASES.items():
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model, x, y, loss = make()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)
        xs = x if isinstance(x, list) else [x]
        xs = [v.astype("int32") if v.dtype.kind == "i" else v.astype("float32") for v in xs]
        y = y.astype("float32") if y.dtype.kind == "f" else y.astype("int32")
        arrays: dict[str, Any] = {f"x{i}": v for i, v in enumerate(xs)}
        arrays["y"] = y
        for i, w in enumerate(model.get_weights()):
            arrays[f"init_{i}"] = w
        losses = []
        for _ in range(3):
            losses.append(float(model.train_on_batch(xs if len(xs) > 1 else xs[0], y)))
        arrays["loss"] = np.array(losses, dtype=np.float64)
        for i, w in enumerate(model.get_weights()):
            arrays[f"final_{i}"] = w
        arrays["weight_names"] = np.array([w.name for w in model.weights])
        np.savez_compressed(OUT / f"{name}.npz", **arrays)
        print(f"{name}: losses {losses}")
    (OUT / "build_facts.json").write_text(json.dumps(facts, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
