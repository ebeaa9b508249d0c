"""Keras 1's ``fit_generator`` family, which old tutorials still call (Keras 2's examples'
``cifar10_cnn``): tf-keras 2.21 keeps them as a deprecation warning plus a call of
``fit``/``evaluate``/``predict``, and ``fit`` accepts the generator-prefetch keywords."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from buildtrace import keras


def _model() -> Any:
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(5,)),
                              keras.layers.Dense(1)])  # fmt: skip
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def _batches(x: np.ndarray, y: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    while True:  # an endless generator, as Keras 1 wanted them
        for start in range(0, len(x), 8):
            yield x[start : start + 8], y[start : start + 8]


DATA = np.random.default_rng(0).normal(size=(32, 5)).astype("float32")
TARGETS = DATA.sum(axis=1, keepdims=True)


def test_fit_generator_warns_as_keras_does_and_trains_like_fit() -> None:
    with pytest.warns(UserWarning, match=r"`Model.fit_generator` is deprecated and will be "
                      r"removed in a future version. Please use `Model.fit`, which supports "
                      r"generators."):  # fmt: skip
        old = _model().fit_generator(_batches(DATA, TARGETS), steps_per_epoch=4, epochs=3,
                                     verbose=0, workers=4, use_multiprocessing=True)  # fmt: skip
    new = _model().fit(_batches(DATA, TARGETS), steps_per_epoch=4, epochs=3, verbose=0)
    assert list(old.history) == ["loss", "mae"]
    assert old.history == new.history  # the same batches in the same order: the same numbers


def test_evaluate_and_predict_generator_call_their_successors() -> None:
    model = _model()
    with pytest.warns(UserWarning, match="`Model.evaluate_generator` is deprecated"):
        loss, mae = model.evaluate_generator(_batches(DATA, TARGETS), steps=4, workers=2)
    assert [loss, mae] == model.evaluate(DATA, TARGETS, batch_size=8, verbose=0)
    with pytest.warns(UserWarning, match="`Model.predict_generator` is deprecated"):
        predicted = model.predict_generator(_batches(DATA, TARGETS), steps=4)
    np.testing.assert_array_equal(predicted, model.predict(DATA, batch_size=8, verbose=0))


def test_fit_accepts_the_prefetch_keywords_and_still_refuses_unknown_ones() -> None:
    model = _model()
    model.fit(DATA, TARGETS, epochs=1, verbose=0, max_queue_size=4, workers=2,
              use_multiprocessing=False)  # fmt: skip
    with pytest.raises(TypeError, match=r"Invalid keyword argument\(s\) in `fit`: \{'worker'\}"):
        model.fit(DATA, TARGETS, epochs=1, verbose=0, worker=2)


def test_a_finite_generator_without_steps_is_one_epoch_then_keras_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    finite = ((DATA[i : i + 8], TARGETS[i : i + 8]) for i in range(0, 32, 8))
    history = _model().fit(finite, epochs=3, verbose=0)
    # The first epoch reads the generator to its end (4 batches); the second finds it
    # empty, and training stops with Keras's warning instead of looping on nothing. As in
    # tf-keras 2.21, that empty epoch is still logged, with its reset metrics (zeros).
    assert len(history.history["loss"]) == 2 and history.history["loss"][0] > 0
    assert history.history["loss"][1] == 0.0 and history.history["mae"][1] == 0.0
    assert "Your input ran out of data; interrupting training" in caplog.text
    assert "at least `steps_per_epoch * epochs` batches (in this case, 12 batches)" in caplog.text


def test_a_generator_with_targets_beside_it_is_keras_error() -> None:
    with pytest.raises(ValueError, match=r"`y` argument is not supported when using python "
                       r"generators as input\."):  # fmt: skip
        _model().fit(_batches(DATA, TARGETS), TARGETS, steps_per_epoch=2, verbose=0)
