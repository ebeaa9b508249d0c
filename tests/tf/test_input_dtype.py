"""Bool and int data into a float32 model train, as in Keras (``_conform_to_reference_input``).

Before, an LSTM fed bool one-hot sequences (keras-io's ``addition_rnn``) failed in its
backward pass: ``Cannot cast ufunc 'add' output from dtype('float32') to dtype('bool')``.
"""

from __future__ import annotations

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras.engine.data_adapter import conform_to_reference_input


@pytest.mark.parametrize("dtype", [bool, np.int64, np.uint8])
def test_recurrent_model_trains_on_non_float_data(dtype: type) -> None:
    model = keras.Sequential([keras.layers.LSTM(4, input_shape=(3, 2)), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    x = (np.arange(48).reshape(8, 3, 2) % 2).astype(dtype)
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, np.ones((8, 1)), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert model.predict(x, verbose=0).dtype == np.float32


def test_conform_casts_arrays_not_tensors() -> None:
    from buildtrace import tf

    assert conform_to_reference_input(np.array([True]), "float32").dtype == np.float32
    tensor = tf.constant([1, 2])
    assert conform_to_reference_input(tensor, "float32") is tensor
    strings = np.array(["a"])
    assert conform_to_reference_input(strings, "float32") is strings
