"""``keras.backend`` as old examples call it (``K.mean``, ``K.image_data_format``...)."""

from __future__ import annotations

import numpy as np
import pytest

from buildtrace import keras, tf
from buildtrace.keras import backend as K


def test_session_settings_read_like_keras() -> None:
    assert K.image_data_format() == "channels_last"
    assert K.floatx() == "float32" and K.epsilon() == 1e-7
    K.set_image_data_format("channels_first")
    try:
        assert K.image_data_format() == "channels_first"
    finally:
        K.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="Received: data_format=nchw"):
        K.set_image_data_format("nchw")
    K.clear_session()
    assert keras.layers.Dense(1).name == "dense"


def test_tensor_functions_on_arrays_and_tensors() -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    assert K.mean(x, axis=1).numpy().tolist() == [1.5, 3.5]
    assert float(K.sum(tf.constant(x))) == 10.0
    assert K.sqrt(K.square(x)).numpy().tolist() == x.tolist()
    assert K.abs(-x).numpy().tolist() == x.tolist()
    assert K.maximum(x, 2.5).numpy().tolist() == [[2.5, 2.5], [3.0, 4.0]]
    assert K.concatenate([x, x]).shape.as_list() == [2, 4]
    assert K.int_shape(x) == (2, 2) and K.shape(x).numpy().tolist() == [2, 2]
    np.testing.assert_allclose(K.exp(np.zeros(2, np.float32)).numpy(), [1.0, 1.0])
    np.testing.assert_allclose(
        K.l2_normalize(np.array([[3.0, 4.0]]), axis=-1).numpy(), [[0.6, 0.8]]
    )
    noise = K.random_normal((3, 2), stddev=0.1)
    assert noise.shape.as_list() == [3, 2] and noise.dtype == tf.float32


def test_tensor_functions_on_symbolic_tensors_build_layers() -> None:
    K.clear_session()
    inputs = keras.Input(shape=(4, 3))
    pooled = K.mean(inputs, axis=1)
    assert K.int_shape(pooled) == (None, 3)
    model = keras.Model(inputs, keras.layers.Dense(2)(pooled))
    assert "tf.math.reduce_mean" in [layer.name for layer in model.layers]
    assert model.predict(np.ones((5, 4, 3)), verbose=0).shape == (5, 2)
