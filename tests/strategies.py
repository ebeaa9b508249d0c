"""Shared hypothesis strategies for the layer tests.

Each strategy draws a *valid* configuration (one Keras 2 accepts and whose output has no
empty dimension) together with the shape arithmetic the tests compare against, written
out independently of the engine: ``valid`` gives ``(n - k) // s + 1`` and ``same`` gives
``ceil(n / s)``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from hypothesis import assume
from hypothesis import strategies as st

Pair = tuple[int, int]


def window_output_length(size: int, window: int, stride: int, padding: str) -> int:
    """Output length of one spatial axis of a conv/pooling window (Keras 2 / TensorFlow)."""
    if padding == "same":
        return math.ceil(size / stride)
    return (size - window) // stride + 1


class ConvCase(NamedTuple):
    """A Conv2D layer configuration and the input it is called on."""

    batch: int | None
    height: int
    width: int
    channels: int
    filters: int
    kernel: Pair
    strides: Pair
    padding: str

    @property
    def input_shape(self) -> tuple[int | None, int, int, int]:
        return (self.batch, self.height, self.width, self.channels)

    @property
    def expected_output_shape(self) -> tuple[int | None, int, int, int]:
        rows = window_output_length(self.height, self.kernel[0], self.strides[0], self.padding)
        cols = window_output_length(self.width, self.kernel[1], self.strides[1], self.padding)
        return (self.batch, rows, cols, self.filters)


class PoolCase(NamedTuple):
    """A pooling layer configuration (``strides=None``: Keras's default, the pool size)."""

    batch: int | None
    height: int
    width: int
    channels: int
    pool: Pair
    strides: Pair | None
    padding: str

    @property
    def input_shape(self) -> tuple[int | None, int, int, int]:
        return (self.batch, self.height, self.width, self.channels)

    @property
    def expected_output_shape(self) -> tuple[int | None, int, int, int]:
        strides = self.pool if self.strides is None else self.strides
        rows = window_output_length(self.height, self.pool[0], strides[0], self.padding)
        cols = window_output_length(self.width, self.pool[1], strides[1], self.padding)
        return (self.batch, rows, cols, self.channels)


batches = st.one_of(st.none(), st.integers(1, 3))
paddings = st.sampled_from(["valid", "same"])
spatial_sizes = st.integers(1, 20)
windows = st.tuples(st.integers(1, 5), st.integers(1, 5))
strides_pairs = st.tuples(st.integers(1, 3), st.integers(1, 3))


@st.composite
def conv_cases(draw: st.DrawFn) -> ConvCase:
    """Conv2D configurations whose output has at least one row and one column."""
    case = ConvCase(
        batch=draw(batches),
        height=draw(spatial_sizes),
        width=draw(spatial_sizes),
        channels=draw(st.integers(1, 3)),
        filters=draw(st.integers(1, 4)),
        kernel=draw(windows),
        strides=draw(strides_pairs),
        padding=draw(paddings),
    )
    assume(min(case.expected_output_shape[1:3]) >= 1)
    return case


@st.composite
def pool_cases(draw: st.DrawFn) -> PoolCase:
    """Pooling configurations whose output has at least one row and one column."""
    case = PoolCase(
        batch=draw(batches),
        height=draw(spatial_sizes),
        width=draw(spatial_sizes),
        channels=draw(st.integers(1, 3)),
        pool=draw(windows),
        strides=draw(st.one_of(st.none(), strides_pairs)),
        padding=draw(paddings),
    )
    assume(min(case.expected_output_shape[1:3]) >= 1)
    return case


@st.composite
def dense_stacks(draw: st.DrawFn) -> tuple[int, list[int]]:
    """``(input size, [units of each Dense layer])`` for a stack of 1 to 5 layers."""
    n_inputs = draw(st.integers(1, 20))
    units = draw(st.lists(st.integers(1, 16), min_size=1, max_size=5))
    return n_inputs, units


class LayerSpec(NamedTuple):
    """A layer to create (``kind`` names a class of ``keras.layers``) and its arguments."""

    kind: str
    args: tuple[object, ...]
    kwargs: dict[str, object]


def _reshape_targets(shape: tuple[int, ...]) -> st.SearchStrategy[tuple[int, ...]]:
    """Targets a per-sample ``shape`` can be reshaped to, with or without a -1."""
    size = math.prod(shape)
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    return st.one_of(
        st.just((-1,)),
        st.just((size,)),
        st.sampled_from(divisors).map(lambda d: (d, -1)),
        st.sampled_from(divisors).map(lambda d: (-1, d)),
        st.sampled_from(divisors).map(lambda d: (size // d, d)),
        st.sampled_from(divisors).map(lambda d: (d, 1, -1)),
    )


class StackCase(NamedTuple):
    """A stack of layers, its per-sample input shape and its expected per-sample output."""

    input_shape: tuple[int, ...]
    layers: list[LayerSpec]
    output_shape: tuple[int, ...]


@st.composite
def sequential_stacks(draw: st.DrawFn) -> StackCase:
    """A per-sample input shape and a stack of shape-compatible layers.

    Layers: Dense, Dropout, Activation, BatchNormalization, Flatten and Reshape. The
    per-sample shape is tracked while drawing so every Reshape target has the right size.
    """
    input_shape: tuple[int, ...] = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=3)))
    shape = input_shape
    specs: list[LayerSpec] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(
            st.sampled_from(
                ["Dense", "Dropout", "Activation", "BatchNormalization", "Flatten", "Reshape"]
            )
        )
        if kind == "Dense":
            units = draw(st.integers(1, 8))
            specs.append(LayerSpec(kind, (units,), {}))
            shape = (*shape[:-1], units)
        elif kind == "Dropout":
            specs.append(LayerSpec(kind, (draw(st.sampled_from([0.0, 0.25, 0.5])),), {}))
        elif kind == "Activation":
            name = draw(st.sampled_from(["relu", "tanh", "sigmoid", "softmax", "linear"]))
            specs.append(LayerSpec(kind, (name,), {}))
        elif kind == "BatchNormalization":
            specs.append(LayerSpec(kind, (), {}))
        elif kind == "Flatten":
            specs.append(LayerSpec(kind, (), {}))
            shape = (math.prod(shape),)
        else:
            target = draw(_reshape_targets(shape))
            specs.append(LayerSpec(kind, (target,), {}))
            known = math.prod(d for d in target if d != -1)
            shape = tuple(math.prod(shape) // known if d == -1 else d for d in target)
    return StackCase(input_shape, specs, shape)
