"""``layer.losses`` holds the sublayers' ``add_loss`` values, reset at each outer call.

The Keras guide "making new layers via subclassing" asserts exactly this: an outer layer
whose inner layer calls ``add_loss`` has one loss after a call, and still one after a
second call (Keras's ``_clear_losses`` at the outermost ``__call__``).
"""

from __future__ import annotations

import numpy as np

from buildtrace import keras, tf


class Penalty(keras.layers.Layer):
    def call(self, inputs):  # type: ignore[no-untyped-def]
        self.add_loss(0.5 * tf.reduce_mean(inputs))
        return inputs


class Outer(keras.layers.Layer):
    def __init__(self) -> None:
        super().__init__()
        self.inner = Penalty()

    def call(self, inputs):  # type: ignore[no-untyped-def]
        return self.inner(inputs)


def test_outer_layer_sees_inner_added_loss_once_per_call() -> None:
    layer = Outer()
    assert layer.losses == []
    layer(tf.ones((2, 2)))
    assert len(layer.losses) == 1
    layer(tf.ones((2, 2)) * 4.0)
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0]), 2.0)
    assert len(layer.inner.losses) == 1
