"""Keras 2 APIs tutorials call that buildtrace lacked: ``keras.preprocessing``, losses written
as plain functions, more loss and metric classes, and subclassed models trained with ``fit``.

Reference numbers were recorded from tf-keras 2.21 by ``scripts/record_keras_gaps.py``
(``tests/data/keras_gaps_reference.json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras import backend as K
from buildtrace.keras import losses, metrics
from buildtrace.keras.backprop import losses as loss_gradients
from buildtrace.keras.preprocessing import sequence, text
from buildtrace.tf.autodiff import GradientTape
from buildtrace.tf.tensors import Variable

REF = json.loads(
    (Path(__file__).resolve().parent.parent / "data" / "keras_gaps_reference.json").read_text()
)


# --------------------------------------------------------------------- preprocessing
def test_pad_sequences_at_keras2_address() -> None:
    assert sequence.pad_sequences([[1, 2, 3], [4]], maxlen=2).tolist() == [[2, 3], [0, 4]]
    assert keras.preprocessing.sequence.pad_sequences is keras.utils.pad_sequences


def test_text_to_word_sequence_matches_keras() -> None:
    assert text.text_to_word_sequence("Hello, World! it's me") == REF["tokenizer"]["split"]


@pytest.mark.parametrize("label", ["plain", "num5_oov"])
def test_tokenizer_matches_tf_keras(label: str) -> None:
    facts = REF["tokenizer"][label]
    tokenizer = text.Tokenizer(**facts["kwargs"])
    tokenizer.fit_on_texts(REF["tokenizer"]["texts"])
    assert tokenizer.word_index == facts["word_index"]
    texts = REF["tokenizer"]["texts"]
    assert tokenizer.texts_to_sequences([*texts, "unknown cat words"]) == facts["sequences"]
    for mode in ("binary", "count", "freq", "tfidf"):
        np.testing.assert_allclose(tokenizer.texts_to_matrix(texts, mode=mode), facts[mode])


def test_sequences_to_matrix_without_fitting() -> None:
    tokenizer = text.Tokenizer(num_words=6)
    got = tokenizer.sequences_to_matrix([[1, 2, 2, 7], [5]], mode="binary")
    assert got.tolist() == REF["tokenizer"]["sequences_to_matrix"]
    with pytest.raises(ValueError, match="Specify a dimension"):
        text.Tokenizer().sequences_to_matrix([[1]])


def test_image_round_trip() -> None:
    pytest.importorskip("PIL")
    from buildtrace.keras.preprocessing import image

    array = np.arange(12, dtype="float32").reshape(2, 2, 3)
    img = image.array_to_img(array, scale=False)
    assert img.size == (2, 2) and img.mode == "RGB"
    np.testing.assert_array_equal(image.img_to_array(img), array)


# --------------------------------------------------------------------- losses
@pytest.mark.parametrize("name", sorted(REF["losses"]))
def test_loss_value_and_gradient_match_tf_keras(name: str) -> None:
    facts = REF["losses"][name]
    loss = getattr(losses, name)(**facts["kwargs"])
    y_true = np.asarray(facts["y_true"], np.float32)
    y_pred = np.asarray(facts["y_pred"], np.float32)
    value, grad = loss_gradients.forward_backward(loss, y_true, y_pred)
    np.testing.assert_allclose(value, facts["value"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad, facts["grad"], rtol=1e-4, atol=1e-6)
    # the same under a tf.GradientTape, as a custom training loop calls it
    pred = Variable(y_pred)
    with GradientTape() as tape:
        out = loss(y_true, pred)
    np.testing.assert_allclose(tape.gradient(out, pred).numpy(), facts["grad"], atol=1e-6)


def test_loss_names_resolve() -> None:
    assert isinstance(losses.get("huber"), losses.Huber)
    assert isinstance(losses.get("kld"), losses.KLDivergence)
    assert isinstance(losses.get(losses.hinge), losses.Hinge)


def _plain_loss(y_true: Any, y_pred: Any) -> Any:
    return K.mean(K.square(y_pred - y_true), axis=-1) + 0.1 * K.mean(K.abs(y_pred), axis=-1)


def test_plain_function_loss_trains_as_tf_keras() -> None:
    facts = REF["training"]
    x, y = np.asarray(facts["x"], np.float32), np.asarray(facts["y"], np.float32)
    model = keras.Sequential([keras.layers.Dense(1, kernel_initializer="ones", input_shape=(3,))])
    model.compile(keras.optimizers.SGD(0.05), loss=_plain_loss)
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], facts["plain_fn_loss"], rtol=1e-5)
    kernel = model.layers[0].kernel.numpy().ravel()
    np.testing.assert_allclose(kernel, facts["plain_fn_kernel"], rtol=1e-5)


def test_loss_subclass_with_own_call_trains() -> None:
    class MyMSE(losses.Loss):
        def call(self, y_true: Any, y_pred: Any) -> Any:
            return K.mean(K.square(y_pred - y_true), axis=-1)

    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = x.sum(1, keepdims=True)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(keras.optimizers.SGD(0.1), loss=MyMSE())
    history = model.fit(x, y, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


# --------------------------------------------------------------------- metrics
@pytest.mark.parametrize(
    "name",
    ["MeanAbsoluteError", "MeanSquaredError", "RootMeanSquaredError",
     "MeanAbsolutePercentageError", "LogCoshError"],
)  # fmt: skip
def test_regression_metric_matches_tf_keras(name: str) -> None:
    facts, data = REF["metrics"][name], REF["metrics"]["regression"]
    y, p = np.asarray(data["y"], np.float32), np.asarray(data["p"], np.float32)
    metric = getattr(metrics, name)()
    metric.update_state(y, p)
    metric.update_state(y[:2], p[:2] * 2)
    assert metric.name == facts["name"]
    np.testing.assert_allclose(float(metric.result()), facts["result"], rtol=1e-6)


@pytest.mark.parametrize("name", ["Precision", "Recall"])
def test_precision_recall_match_tf_keras(name: str) -> None:
    data = REF["metrics"]["binary"]
    metric = getattr(metrics, name)()
    metric.update_state(data["labels"], data["probs"])
    assert metric.name == REF["metrics"][name]["name"]
    np.testing.assert_allclose(float(metric.result()), REF["metrics"][name]["result"], rtol=1e-6)


def test_custom_metric_add_weight_takes_initializer() -> None:
    class Count(metrics.Metric):
        def __init__(self, name: str = "count", **kwargs: Any) -> None:
            super().__init__(name=name, **kwargs)
            self.seen = self.add_weight(name="seen", initializer="zeros")

    assert float(Count().seen.numpy()) == 0.0


# --------------------------------------------------------------------- subclassed models
def test_subclass_with_two_positional_args_stays_subclassed() -> None:
    class Wrap(keras.Model):
        def __init__(self, first: Any, second: Any, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.first, self.second = first, second

        def call(self, x: Any) -> Any:
            return self.second(self.first(x))

    model = Wrap(keras.layers.Dense(2), keras.layers.Dense(1))
    assert not isinstance(model, keras.Functional)
    assert model(np.ones((2, 3), "float32")).shape == (2, 1)


def test_subclass_passing_inputs_outputs_to_super_becomes_functional() -> None:
    class Built(keras.Model):
        def __init__(self, units: int) -> None:
            inputs = keras.Input((3,))
            super().__init__(inputs, keras.layers.Dense(units)(inputs))
            self.units = units

    model = Built(4)
    assert isinstance(model, keras.Functional) and isinstance(model, Built)
    assert model.units == 4 and model(np.ones((2, 3), "float32")).shape == (2, 4)


def test_subclassed_model_fit_matches_tf_keras() -> None:
    class Sub(keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.hidden = keras.layers.Dense(4, activation="relu", kernel_initializer="ones")
            self.out = keras.layers.Dense(1, kernel_initializer="ones")

        def call(self, inputs: Any) -> Any:
            return self.out(self.hidden(inputs))

    facts = REF["training"]
    x, y = np.asarray(facts["x"], np.float32), np.asarray(facts["y"], np.float32)
    model = Sub()
    model.compile(keras.optimizers.SGD(0.01), "mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for key, values in facts["subclassed_history"].items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), facts["subclassed_eval"], rtol=1e-5)
