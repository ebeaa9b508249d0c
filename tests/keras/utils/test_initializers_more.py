"""Orthogonal and Identity, and every name Keras 2's ``keras.initializers`` exports."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from buildtrace import keras

# dir(tf_keras.initializers) in tf-keras 2.21, public names.
KERAS_NAMES = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "RandomNormal",
    "RandomUniform", "TruncatedNormal", "VarianceScaling", "Zeros", "constant", "deserialize",
    "get", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity",
    "lecun_normal", "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform",
    "serialize", "truncated_normal", "variance_scaling", "zeros",
]  # fmt: skip


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_every_keras_initializer_name_exists(name: str) -> None:
    assert getattr(keras.initializers, name) is not None


@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 1000))
def test_orthogonal_columns_or_rows_are_orthonormal(rows: int, cols: int, seed: int) -> None:
    q = keras.initializers.Orthogonal(gain=2.0, seed=seed)((rows, cols))
    assert q.dtype == np.float32 and q.shape == (rows, cols)
    gram = q.T @ q if rows >= cols else q @ q.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(rows, cols)), atol=1e-4)


def test_orthogonal_is_repeatable_with_a_seed_and_refuses_vectors() -> None:
    init = keras.initializers.get({"class_name": "Orthogonal", "config": {"seed": 3}})
    np.testing.assert_array_equal(init((3, 3)), init((3, 3)))
    with pytest.raises(ValueError, match="at least two-dimensional"):
        init((3,))


def test_identity_and_aliases() -> None:
    np.testing.assert_array_equal(keras.initializers.get("identity")((2, 3)), np.eye(2, 3))
    with pytest.raises(ValueError, match="only be used for 2D matrices"):
        keras.initializers.Identity()((2, 2, 2))
    assert type(keras.initializers.get("uniform")).__name__ == "RandomUniform"
    assert type(keras.initializers.get("normal")).__name__ == "RandomNormal"
    layer = keras.layers.Dense(3, kernel_initializer="orthogonal")
    layer.build((None, 3))
    kernel = np.asarray(layer.kernel)
    np.testing.assert_allclose(kernel @ kernel.T, np.eye(3), atol=1e-5)
