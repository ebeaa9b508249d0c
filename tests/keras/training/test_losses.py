"""Losses: Keras 2's values, the fused logits path, gradients, and ``losses.get``."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from buildtrace import tf
from buildtrace.keras import losses
from buildtrace.keras.backprop import losses as loss_gradients
from buildtrace.keras.unsupported import NotSupportedByBuildtrace

EPS = 1e-7


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """Central differences of ``f`` at the float64 array ``x``."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


Batch = tuple[np.ndarray, np.ndarray]


@pytest.fixture
def batch() -> Batch:
    rng = np.random.default_rng(1)
    return rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)


def test_sparse_from_logits_value_and_fused_gradient(batch: Batch) -> None:
    z64, y = batch
    z = z64.astype(np.float32)
    loss = losses.SparseCategoricalCrossentropy()
    value, grad = loss_gradients.forward_backward(loss, y, softmax(z), logits=z)
    expected = np.mean(-np.log(softmax(z64)[np.arange(6), y]))
    assert value == pytest.approx(expected, abs=1e-6)
    assert grad.dtype == np.float32 and grad.shape == z.shape
    expected_grad = (softmax(z64) - np.eye(4)[y]) / 6  # (softmax - onehot) / batch
    np.testing.assert_allclose(grad, expected_grad, atol=1e-7)
    # the same as from_logits=True on the logits themselves
    same = loss_gradients.forward_backward(
        losses.SparseCategoricalCrossentropy(from_logits=True), y, z
    )
    assert same[0] == value
    np.testing.assert_array_equal(same[1], grad)


def test_sparse_from_logits_is_stable_for_huge_logits() -> None:
    z = np.array([[1000.0, 0.0, -1000.0]], np.float32)
    value, grad = loss_gradients.forward_backward(
        losses.SparseCategoricalCrossentropy(from_logits=True), [2], z
    )
    assert value == pytest.approx(2000.0)
    np.testing.assert_allclose(grad, [[1.0, 0.0, -1.0]])


@pytest.mark.parametrize(
    "labels",
    [
        np.array([0, 2, 1]),
        np.array([[0], [2], [1]]),
        np.array([0.0, 2.0, 1.0]),
        np.array([[0.0], [2.0], [1.0]], np.float32),
    ],
    ids=["int-N", "int-N1", "float-N", "float-N1"],
)
def test_sparse_label_shapes_and_types(labels: np.ndarray) -> None:
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]], np.float32)
    expected = -(math.log(0.7) + math.log(0.8) + math.log(0.4)) / 3
    assert losses.SparseCategoricalCrossentropy()(labels, p) == pytest.approx(expected, rel=1e-6)


def test_sparse_out_of_range_label() -> None:
    with pytest.raises(ValueError, match=r"label value of 3 which is outside the valid range"):
        losses.sparse_categorical_crossentropy([3], np.ones((1, 3), np.float32) / 3)


def test_sparse_on_probabilities_clips_like_keras() -> None:
    p = np.array([[0.0, 1.0], [0.5, 0.5]], np.float32)
    per_sample = losses.sparse_categorical_crossentropy([0, 1], p)
    # clip(0) = 1e-7 -> -log(1e-7) (+ log of the clipped row's sum, ~0)
    assert per_sample[0] == pytest.approx(-math.log(EPS), rel=1e-5)
    assert per_sample[1] == pytest.approx(math.log(2), rel=1e-6)
    _, grad = loss_gradients.forward_backward(losses.SparseCategoricalCrossentropy(), [0, 1], p)
    assert grad[0, 1] == 0.0  # 1.0 is clipped to 1 - eps: no gradient there


@pytest.mark.parametrize(
    "loss",
    [
        losses.SparseCategoricalCrossentropy(),
        losses.SparseCategoricalCrossentropy(from_logits=True),
        losses.CategoricalCrossentropy(),
        losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
        losses.BinaryCrossentropy(),
        losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2),
        losses.MeanSquaredError(),
        losses.MeanAbsoluteError(),
    ],
    ids=lambda loss: f"{type(loss).__name__}-{getattr(loss, 'from_logits', '')}",
)
def test_gradient_matches_finite_differences(loss: losses.Loss, batch: Batch) -> None:
    z, y = batch
    from_logits = getattr(loss, "from_logits", False)
    if isinstance(loss, losses.BinaryCrossentropy):
        pred = z if from_logits else 1 / (1 + np.exp(-z))
        target = (np.arange(24).reshape(6, 4) % 3 == 0).astype(np.float64)
    else:
        pred = z if from_logits else softmax(z)
        sparse = isinstance(loss, losses.SparseCategoricalCrossentropy)
        target = y if sparse else np.eye(4)[y]
    if isinstance(loss, losses.MeanSquaredError | losses.MeanAbsoluteError):
        target = np.eye(4)[y]
    _, grad = loss_gradients.forward_backward(loss, target, pred)
    numeric = numerical_gradient(lambda p: float(loss(target, p)), pred)
    np.testing.assert_allclose(grad, numeric, atol=1e-6)


def test_fused_gradients_for_categorical_and_binary(batch: Batch) -> None:
    z, y = batch
    onehot = np.eye(4)[y]
    cce = losses.CategoricalCrossentropy()
    value, grad = loss_gradients.forward_backward(cce, onehot, softmax(z), logits=z)
    assert value == pytest.approx(cce(onehot, softmax(z)), abs=1e-9)
    np.testing.assert_allclose(grad, (softmax(z) - onehot) / 6, atol=1e-12)
    bce = losses.BinaryCrossentropy()
    sig = 1 / (1 + np.exp(-z))
    target = (z > 0).astype(np.float64)
    value, grad = loss_gradients.forward_backward(bce, target, sig, logits=z)
    assert value == pytest.approx(bce(target, sig), abs=1e-6)
    np.testing.assert_allclose(grad, (sig - target) / 24, atol=1e-12)


def test_logits_are_ignored_where_the_loss_does_not_fuse(batch: Batch) -> None:
    z, y = batch
    mse = losses.MeanSquaredError()
    assert not loss_gradients.fuses_activation(mse, "softmax")
    assert loss_gradients.fuses_activation(losses.SparseCategoricalCrossentropy(), "softmax")
    assert not loss_gradients.fuses_activation(losses.SparseCategoricalCrossentropy(), "sigmoid")
    assert loss_gradients.fuses_activation(losses.BinaryCrossentropy(), "sigmoid")
    p = softmax(z)
    plain = loss_gradients.forward_backward(mse, np.eye(4)[y], p)
    with_logits = loss_gradients.forward_backward(mse, np.eye(4)[y], p, logits=z)
    assert plain[0] == with_logits[0]
    np.testing.assert_array_equal(plain[1], with_logits[1])


def test_from_logits_true_with_logits_warns_and_uses_them(batch: Batch) -> None:
    z, y = batch
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    with pytest.warns(UserWarning, match="does not represent logits"):
        value, _ = loss_gradients.forward_backward(loss, y, softmax(z), logits=z)
    assert value == pytest.approx(loss(y, z))


def test_categorical_on_probabilities_rescales_and_clips() -> None:
    p = np.array([[2.0, 2.0], [0.0, 1.0]], np.float32)  # first row sums to 4
    per_sample = losses.categorical_crossentropy(np.eye(2), p)
    assert per_sample[0] == pytest.approx(math.log(2), rel=1e-6)
    assert per_sample[1] == pytest.approx(-math.log(np.float32(1) - np.float32(EPS)), abs=1e-6)


def test_binary_matches_keras_formula_with_eps_inside_logs() -> None:
    y = np.array([[1.0, 0.0], [1.0, 1.0]])
    p = np.array([[0.9, 0.2], [1.0, 0.0]])
    clipped = np.clip(p, EPS, 1 - EPS)
    each = -(y * np.log(clipped + EPS) + (1 - y) * np.log(1 - clipped + EPS))
    np.testing.assert_allclose(losses.binary_crossentropy(y, p), each.mean(axis=-1), rtol=1e-6)
    # (N,) targets against (N, 1) outputs, as in a one-unit sigmoid model
    column = np.array([[0.9], [0.2]])
    assert losses.BinaryCrossentropy()([1, 0], column) == pytest.approx(
        -(math.log(0.9 + EPS) + math.log(0.8 + EPS)) / 2, rel=1e-6
    )


def test_mse_and_mae_values_and_gradients() -> None:
    y = np.array([[0.0, 1.0], [2.0, 2.0]], np.float32)
    p = np.array([[1.0, 1.0], [0.0, 3.0]], np.float32)
    mse, mae = losses.MeanSquaredError(), losses.MeanAbsoluteError()
    mse_value, mse_grad = loss_gradients.forward_backward(mse, y, p)
    assert mse_value == pytest.approx((1 + 0 + 4 + 1) / 4)
    np.testing.assert_allclose(mse_grad, 2 * (p - y) / 4)
    mae_value, mae_grad = loss_gradients.forward_backward(mae, y, p)
    assert mae_value == pytest.approx((1 + 0 + 2 + 1) / 4)
    np.testing.assert_allclose(mae_grad, np.sign(p - y) / 4)
    assert mae_grad[0, 1] == 0.0  # sign(0) = 0, as TensorFlow's abs gradient
    np.testing.assert_allclose(losses.mse(y, p), [0.5, 2.5])


def test_sample_weight_and_reductions() -> None:
    y = np.array([[0.0], [0.0]], np.float32)
    p = np.array([[1.0], [3.0]], np.float32)
    assert losses.MeanSquaredError()(y, p, sample_weight=[1.0, 0.0]) == pytest.approx(0.5)
    assert losses.MeanSquaredError(reduction="sum")(y, p) == pytest.approx(10.0)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="none")(y, p), [1.0, 9.0])
    value, grad = loss_gradients.forward_backward(
        losses.MeanSquaredError(), y, p, sample_weight=[1.0, 0.0]
    )
    assert value == pytest.approx(0.5)
    np.testing.assert_allclose(grad, [[1.0], [0.0]])
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        losses.MeanSquaredError(reduction="mean")


@pytest.mark.parametrize(
    ("identifier", "cls", "name"),
    [
        ("sparse_categorical_crossentropy", losses.SparseCategoricalCrossentropy, None),
        ("categorical_crossentropy", losses.CategoricalCrossentropy, None),
        ("binary_crossentropy", losses.BinaryCrossentropy, None),
        ("mse", losses.MeanSquaredError, "mean_squared_error"),
        ("mean_squared_error", losses.MeanSquaredError, None),
        ("MAE", losses.MeanAbsoluteError, "mean_absolute_error"),
        ("mean_absolute_error", losses.MeanAbsoluteError, None),
        ("SparseCategoricalCrossentropy", losses.SparseCategoricalCrossentropy,
         "sparse_categorical_crossentropy"),
        (losses.mean_squared_error, losses.MeanSquaredError, "mean_squared_error"),
    ],
)  # fmt: skip
def test_get_by_name(identifier: object, cls: type, name: str | None) -> None:
    loss = losses.get(identifier)
    assert type(loss) is cls and loss is not None
    assert loss.name == (name or identifier)


def test_get_passes_instances_configs_and_callables() -> None:
    loss = losses.BinaryCrossentropy(from_logits=True)
    assert losses.get(loss) is loss
    assert losses.get(None) is None
    clone = losses.get(losses.serialize(loss))
    assert isinstance(clone, losses.BinaryCrossentropy)
    assert clone.get_config() == loss.get_config()

    def my_loss(y_true: object, y_pred: object) -> np.ndarray:
        return np.asarray(np.abs(np.asarray(y_pred) - np.asarray(y_true)).max(axis=-1))

    wrapped = losses.get(my_loss)
    assert isinstance(wrapped, losses.LossFunctionWrapper) and wrapped.name == "my_loss"
    assert wrapped([[0.0, 0.0]], [[1.0, 3.0]]) == 3.0
    with pytest.raises(NotImplementedError):
        loss_gradients.forward_backward(wrapped, [[0.0]], [[1.0]])


def test_get_errors_like_keras() -> None:
    with pytest.raises(ValueError, match="Unknown loss function: 'nope'"):
        losses.get("nope")
    with pytest.raises(ValueError, match="Could not interpret loss function identifier: 3"):
        losses.get(3)
    with pytest.raises(NotSupportedByBuildtrace, match=r"keras\.losses\.categorical_hinge"):
        losses.get("categorical_hinge")
    with pytest.raises(NotSupportedByBuildtrace, match=r"keras\.losses\.CategoricalHinge"):
        losses.CategoricalHinge  # noqa: B018


def test_default_configs() -> None:
    assert losses.SparseCategoricalCrossentropy().get_config() == {
        "reduction": "auto",
        "name": "sparse_categorical_crossentropy",
        "from_logits": False,
        "ignore_class": None,
    }
    assert losses.BinaryCrossentropy().get_config() == {
        "reduction": "auto",
        "name": "binary_crossentropy",
        "from_logits": False,
        "label_smoothing": 0.0,
        "axis": -1,
    }


def test_built_in_classes_wrap_their_functions_as_in_keras() -> None:
    """Keras 2's built-in classes are ``LossFunctionWrapper``s of the functions of the same
    name; each of those functions has its gradient rule in ``keras/backprop/losses.py``."""
    for cls in losses._CLASSES.values():
        loss = cls()
        assert isinstance(loss, losses.LossFunctionWrapper)
        assert loss.fn is getattr(losses, loss.fn.__name__)
        assert loss_gradients.rule_for(loss) is not None, f"{cls.__name__} has no gradient"
    assert losses.Huber(delta=0.5).fn is losses.huber
    assert losses.Huber(delta=0.5).get_config()["delta"] == 0.5

    def mine(y_true: object, y_pred: object) -> object:
        return y_pred

    assert loss_gradients.rule_for(losses.LossFunctionWrapper(mine)) is None  # a tape's job


def test_deserialize_round_trips_and_reads_names() -> None:
    loss = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, name="cce")
    clone = losses.deserialize(losses.serialize(loss))
    assert type(clone) is losses.CategoricalCrossentropy
    assert clone.get_config() == loss.get_config()
    assert type(losses.deserialize("mae")) is losses.MeanAbsoluteError
    assert losses.deserialize("huber_loss").name == "huber_loss"
    with pytest.raises(ValueError, match="Unknown loss function: 'mean_cubed_error'"):
        losses.deserialize("mean_cubed_error")


def test_a_loss_function_on_a_tape_keeps_its_positional_options() -> None:
    """``categorical_crossentropy(y, p, True)`` on a tape: ``True`` is ``from_logits``, and
    the tape's gradient is the softmax-minus-target of the logits."""
    z = np.array([[2.0, -1.0, 0.5]], np.float32)
    onehot = np.array([[0.0, 1.0, 0.0]], np.float32)
    logits = tf.Variable(z)
    with tf.GradientTape() as tape:
        per_sample = losses.categorical_crossentropy(onehot, logits, True)
    expected = -np.log(softmax(z.astype(np.float64))[0, 1])
    assert float(np.asarray(per_sample)[0]) == pytest.approx(expected, rel=1e-6)
    np.testing.assert_allclose(tape.gradient(per_sample, logits).numpy(), softmax(z) - onehot)
