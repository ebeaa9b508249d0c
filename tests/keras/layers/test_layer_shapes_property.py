"""Property tests: symbolic shapes, ``compute_output_shape`` and eager shapes agree.

For random valid Conv2D and pooling configurations (VALID/SAME, strides 1-3, windows
1-5, sizes 1-20, known or unknown batch) the symbolic output shape equals Keras 2's
arithmetic, ``compute_output_shape`` and the shape of a real (numpy) call. Random Dense
stacks chain their kernels; random Sequential-style stacks of Dense, Dropout,
Activation, BatchNormalization, Flatten and Reshape agree symbolically and eagerly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from strategies import (
    ConvCase,
    PoolCase,
    StackCase,
    conv_cases,
    dense_stacks,
    pool_cases,
    sequential_stacks,
)

from buildtrace import keras

layers = keras.layers
EAGER_BATCH = 2  # stands in for an unknown (None) batch size in the eager call

property_settings = settings(max_examples=40, deadline=None)


def _eager_batch(batch: int | None) -> int:
    return EAGER_BATCH if batch is None else batch


def _with_batch(shape: tuple[int | None, ...], batch: int) -> tuple[int | None, ...]:
    return (batch, *shape[1:])


@property_settings
@given(case=conv_cases())
def test_conv2d_symbolic_compute_and_eager_shapes_agree(case: ConvCase) -> None:
    keras.backend.clear_session()
    layer = layers.Conv2D(case.filters, case.kernel, strides=case.strides, padding=case.padding)
    symbolic = layer(keras.Input(batch_shape=case.input_shape)).shape
    assert symbolic == case.expected_output_shape
    assert layer.compute_output_shape(case.input_shape) == symbolic
    batch = _eager_batch(case.batch)
    x = np.zeros(_with_batch(case.input_shape, batch), "float32")
    assert layer(x).shape == _with_batch(symbolic, batch)
    assert layer.kernel.shape == (*case.kernel, case.channels, case.filters)


@property_settings
@given(case=pool_cases(), max_pool=...)
def test_pooling_symbolic_compute_and_eager_shapes_agree(case: PoolCase, max_pool: bool) -> None:
    keras.backend.clear_session()
    cls = layers.MaxPooling2D if max_pool else layers.AveragePooling2D
    layer = cls(pool_size=case.pool, strides=case.strides, padding=case.padding)
    symbolic = layer(keras.Input(batch_shape=case.input_shape)).shape
    assert symbolic == case.expected_output_shape
    assert layer.compute_output_shape(case.input_shape) == symbolic
    batch = _eager_batch(case.batch)
    x = np.zeros(_with_batch(case.input_shape, batch), "float32")
    assert layer(x).shape == _with_batch(symbolic, batch)


@property_settings
@given(stack=dense_stacks())
def test_dense_stack_build_chains_the_kernels(stack: tuple[int, list[int]]) -> None:
    keras.backend.clear_session()
    n_inputs, units = stack
    model = keras.Sequential([layers.Dense(u) for u in units])
    model.build((None, n_inputs))
    assert model.built
    fan_ins = [n_inputs, *units[:-1]]
    assert [layer.kernel.shape for layer in model.layers] == list(zip(fan_ins, units))
    assert [layer.bias.shape for layer in model.layers] == [(u,) for u in units]
    assert [layer.name for layer in model.layers] == [
        "dense" if i == 0 else f"dense_{i}" for i in range(len(units))
    ]
    assert model.count_params() == sum(i * u + u for i, u in zip(fan_ins, units))
    assert model(np.zeros((3, n_inputs), "float32")).shape == (3, units[-1])


def _make(spec: Any) -> Any:
    return getattr(layers, spec.kind)(*spec.args, **spec.kwargs)


@property_settings
@given(stack=sequential_stacks(), batch=...)
def test_random_stacks_agree_symbolically_and_eagerly(stack: StackCase, batch: bool) -> None:
    keras.backend.clear_session()
    batch_size = 3 if batch else None
    model_layers = [_make(spec) for spec in stack.layers]

    tensor = keras.Input(batch_shape=(batch_size, *stack.input_shape))
    symbolic_shapes = []
    for layer in model_layers:
        before = tensor.shape
        tensor = layer(tensor)
        assert layer.compute_output_shape(before) == tensor.shape
        symbolic_shapes.append(tensor.shape)
    assert tensor.shape == (batch_size, *stack.output_shape)

    n = _eager_batch(batch_size)
    x = np.random.default_rng(0).normal(size=(n, *stack.input_shape)).astype("float32")
    for layer, symbolic in zip(model_layers, symbolic_shapes):
        x = layer(x, training=True)
        assert x.shape == _with_batch(symbolic, n)
        assert np.isfinite(x).all()

    model = keras.Sequential([_make(spec) for spec in stack.layers])
    model.build((batch_size, *stack.input_shape))
    assert model.outputs[0].shape == (batch_size, *stack.output_shape)
