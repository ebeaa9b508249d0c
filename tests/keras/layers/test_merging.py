"""``Add`` and ``Concatenate`` behave as Keras 2's merge layers do.

Pins: output shapes (symbolic, ``compute_output_shape`` and eager), element-wise sums with
broadcasting of size-1 axes, concatenation along any axis, that merge layers have no
weights, config round trips, and Keras 2's validation messages (which print the list of
shape tuples ``build`` receives). Two former strict xfails (Add of different ranks,
Concatenate with an unknown size off the axis) now pass.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from buildtrace import keras

layers = keras.layers


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# =============================================================================== Add
@pytest.mark.parametrize(
    ("shapes", "expected"),
    [
        ([(3,), (3,)], (None, 3)),
        ([(4, 5), (4, 5), (4, 5)], (None, 4, 5)),
        ([(1, 4), (3, 4)], (None, 3, 4)),  # size-1 axes broadcast
        ([(3, 1), (1, 4)], (None, 3, 4)),
    ],
)
def test_add_output_shape_symbolic_compute_and_eager_agree(
    shapes: list[tuple[int, ...]], expected: tuple[int | None, ...]
) -> None:
    layer = layers.Add()
    out = layer([keras.Input(shape=s) for s in shapes])
    assert out.shape == expected
    assert layer.compute_output_shape([(None, *s) for s in shapes]) == expected
    assert layer([np.zeros((2, *s), "float32") for s in shapes]).shape == (2, *expected[1:])


def test_add_keeps_a_known_batch_size() -> None:
    layer = layers.Add()
    assert layer.compute_output_shape([(8, 3), (None, 3)]) == (8, 3)


def test_add_sums_element_wise() -> None:
    rng = _rng(1)
    a, b, c = (rng.normal(size=(2, 3)).astype("float32") for _ in range(3))
    np.testing.assert_allclose(layers.Add()([a, b, c]), a + b + c, rtol=1e-6)


def test_add_broadcasts_size_one_axes() -> None:
    a = np.arange(6, dtype="float32").reshape(2, 3, 1)
    b = np.array([[[10.0, 20.0]], [[30.0, 40.0]]], "float32")  # (2, 1, 2)
    out = layers.Add()([a, b])
    assert out.shape == (2, 3, 2)
    np.testing.assert_array_equal(out[1, 2], [5 + 30, 5 + 40])


def test_add_does_not_modify_its_inputs() -> None:
    a = np.ones((2, 2), "float32")
    b = np.ones((2, 2), "float32")
    layers.Add()([a, b])
    np.testing.assert_array_equal(a, np.ones((2, 2)))


def test_add_has_no_weights_and_config_round_trips() -> None:
    layer = layers.Add(name="residual")
    layer([keras.Input(shape=(3,)), keras.Input(shape=(3,))])
    assert layer.built
    assert layer.weights == []
    assert layer.count_params() == 0
    config = layer.get_config()
    assert config["name"] == "residual"
    clone = layers.Add.from_config(config)
    assert type(clone) is layers.Add
    assert clone.get_config() == config


def test_add_output_records_both_inbound_layers() -> None:
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    out = layers.Add()([a, b])
    node = out._keras_history.layer._inbound_nodes[0]
    assert [layer.name for layer in node.inbound_layers] == ["input_1", "input_2"]


def test_add_of_inputs_with_different_ranks_expands_at_axis_1() -> None:
    layer = layers.Add()
    out = layer([keras.Input(shape=(3,)), keras.Input(shape=(4, 3))])
    assert out.shape == (None, 4, 3)
    a = np.arange(6, dtype="float32").reshape(2, 3)
    b = np.zeros((2, 4, 3), "float32")
    np.testing.assert_array_equal(layer([a, b]), np.repeat(a[:, None, :], 4, axis=1))


def test_add_of_incompatible_shapes_raises_keras_message() -> None:
    msg = "Inputs have incompatible shapes. Received shapes (3,) and (4,)"
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Add()([keras.Input(shape=(3,)), keras.Input(shape=(4,))])
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Add().compute_output_shape([(None, 3), (None, 4)])


def test_add_called_on_a_single_tensor_raises_keras_message() -> None:
    msg = (
        "A merge layer should be called on a list of inputs. Received: "
        "input_shape=(None, 3) (not a list of shapes)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Add()(keras.Input(shape=(3,)))


def test_add_of_different_batch_sizes_raises_keras_message() -> None:
    msg = (
        "Cannot merge tensors with different batch sizes. Got tensors with shapes [(2, 3), (5, 3)]"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Add()([np.zeros((2, 3)), np.zeros((5, 3))])


# ======================================================================= Concatenate
@pytest.mark.parametrize(
    ("axis", "shapes", "expected"),
    [
        (-1, [(3,), (4,)], (None, 7)),
        (-1, [(2, 3), (2, 5), (2, 1)], (None, 2, 9)),
        (1, [(2, 3), (4, 3)], (None, 6, 3)),
        (3, [(5, 5, 1), (5, 5, 2)], (None, 5, 5, 3)),
        (2, [(5, 1, 2), (5, 4, 2)], (None, 5, 5, 2)),
        (1, [(None, 3), (4, 3)], (None, None, 3)),  # unknown size on the joined axis
    ],
)
def test_concatenate_output_shape_symbolic_compute_and_eager_agree(
    axis: int, shapes: list[tuple[int | None, ...]], expected: tuple[int | None, ...]
) -> None:
    layer = layers.Concatenate(axis=axis)
    out = layer([keras.Input(shape=s) for s in shapes])
    assert out.shape == expected
    assert layer.compute_output_shape([(None, *s) for s in shapes]) == expected
    concrete = [tuple(6 if d is None else d for d in s) for s in shapes]
    eager = layer([np.zeros((2, *s), "float32") for s in concrete])
    assert eager.shape[0] == 2
    assert all(e is None or e == g for e, g in zip(expected[1:], eager.shape[1:]))


def test_concatenate_joins_values_in_input_order() -> None:
    a = np.arange(6, dtype="float32").reshape(2, 3)
    b = -np.arange(4, dtype="float32").reshape(2, 2)
    np.testing.assert_array_equal(layers.Concatenate()([a, b]), np.concatenate([a, b], -1))
    np.testing.assert_array_equal(layers.Concatenate(axis=0)([a.T, b.T]).shape, (5, 2))


def test_concatenate_along_axis_1_of_feature_maps() -> None:
    rng = _rng(2)
    a = rng.normal(size=(2, 3, 4)).astype("float32")
    b = rng.normal(size=(2, 1, 4)).astype("float32")
    out = layers.Concatenate(axis=1)([a, b])
    np.testing.assert_array_equal(out[:, :3], a)
    np.testing.assert_array_equal(out[:, 3:], b)


def test_concatenate_has_no_weights_and_config_round_trips() -> None:
    layer = layers.Concatenate(axis=1, name="join")
    layer([keras.Input(shape=(2, 3)), keras.Input(shape=(4, 3))])
    assert layer.weights == []
    config = layer.get_config()
    assert config["axis"] == 1
    clone = layers.Concatenate.from_config(config)
    assert type(clone) is layers.Concatenate
    assert clone.get_config() == config
    assert clone.compute_output_shape([(None, 2, 3), (None, 4, 3)]) == (None, 6, 3)


def test_concatenate_of_different_ranks_raises_keras_message_with_the_shape_list() -> None:
    msg = (
        "A `Concatenate` layer requires inputs with matching shapes except for the "
        "concatenation axis. Received: input_shape=[(None, 3), (None, 4, 2)]"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Concatenate()([keras.Input(shape=(3,)), keras.Input(shape=(4, 2))])


def test_concatenate_of_mismatched_non_axis_sizes_raises_keras_message() -> None:
    msg = (
        "A `Concatenate` layer requires inputs with matching shapes except for the "
        "concatenation axis. Received: input_shape=[(None, 2, 3), (None, 4, 5)]"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Concatenate(axis=1)([keras.Input(shape=(2, 3)), keras.Input(shape=(4, 5))])


def test_concatenate_ignores_unknown_sizes_off_the_axis() -> None:
    out = layers.Concatenate()([keras.Input(shape=(None, 3)), keras.Input(shape=(5, 2))])
    assert out.shape == (None, 5, 5)


def test_concatenate_called_on_a_single_tensor_raises_keras_message() -> None:
    msg = (
        "A `Concatenate` layer should be called on a list of at least 1 input. "
        "Received: input_shape=(None, 3)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Concatenate()(keras.Input(shape=(3,)))
