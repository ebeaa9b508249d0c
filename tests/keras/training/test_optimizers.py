"""Optimizers: Keras 2's exact numbers, configs, lookups, and in-place updates."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace.keras import optimizers
from buildtrace.keras.backend import Variable
from buildtrace.keras.backprop import losses as loss_gradients
from buildtrace.keras.losses import SparseCategoricalCrossentropy
from buildtrace.keras.metrics import SparseCategoricalAccuracy
from buildtrace.keras.unsupported import NotSupportedByBuildtrace

DATA = Path(__file__).resolve().parents[2] / "data" / "rmsprop_3steps_reference.npz"
NAMES = ("dense_kernel", "dense_bias", "dense_1_kernel", "dense_1_bias")

# get_config() of tf-keras 2.21's optimizers with default arguments (the reference set's
# numeric/optimizer_defaults.json, copied here).
BASE = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "jit_compile": False,
    "is_legacy_optimizer": False,
}
KERAS_DEFAULTS = {
    "RMSprop": {
        "name": "RMSprop",
        **BASE,
        "ema_overwrite_frequency": 100,
        "learning_rate": 0.0010000000474974513,
        "rho": 0.9,
        "momentum": 0.0,
        "epsilon": 1e-07,
        "centered": False,
    },
    "SGD": {
        "name": "SGD",
        **BASE,
        "ema_overwrite_frequency": None,
        "learning_rate": 0.009999999776482582,
        "momentum": 0.0,
        "nesterov": False,
    },
    "Adam": {
        "name": "Adam",
        **BASE,
        "ema_overwrite_frequency": None,
        "learning_rate": 0.0010000000474974513,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-07,
        "amsgrad": False,
    },
}
KEY_ORDER = [
    "name",
    "weight_decay",
    "clipnorm",
    "global_clipnorm",
    "clipvalue",
    "use_ema",
    "ema_momentum",
    "ema_overwrite_frequency",
    "jit_compile",
    "is_legacy_optimizer",
]


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def forward_backward(
    weights: list[Variable], x: np.ndarray, y: np.ndarray, loss: SparseCategoricalCrossentropy
) -> tuple[float, np.ndarray, list[np.ndarray]]:
    """784 -> 512 relu -> 10 softmax, sparse crossentropy from the logits, by hand."""
    w1, b1, w2, b2 = (w.value for w in weights)
    h = x @ w1 + b1
    a = np.maximum(h, 0)
    z = a @ w2 + b2
    probs = softmax(z)
    value, dz = loss_gradients.forward_backward(
        loss, y, probs, logits=z
    )  # gradient w.r.t. the logits
    da = dz @ w2.T
    da[h <= 0] = 0  # relu passes the gradient only where its input was > 0
    return value, probs, [x.T @ da, da.sum(axis=0), a.T @ dz, dz.sum(axis=0)]


def test_rmsprop_reproduces_keras_three_train_on_batch_steps() -> None:
    ref = np.load(DATA)
    x, y = ref["x"], ref["y"]
    weights = [Variable(ref[f"init_{n}"].copy(), f"{n}:0") for n in NAMES]
    kernel0 = ref["init_dense_kernel"].astype(np.float64)
    arrays = [w.value for w in weights]
    loss = SparseCategoricalCrossentropy()
    optimizer = optimizers.get("rmsprop")

    _, probs, _ = forward_backward(weights, x, y, loss)
    np.testing.assert_allclose(probs[:8], ref["predict_init_x8"], atol=1e-6)

    for step in (1, 2, 3):
        value, probs, grads = forward_backward(weights, x, y, loss)
        assert abs(value - ref["loss"][step - 1]) <= 1e-5
        assert SparseCategoricalAccuracy()(y, probs) == ref["accuracy"][step - 1]
        optimizer.apply_gradients(zip(grads, weights))

        kernel = weights[0].value
        sample = kernel.reshape(-1)[ref["kernel_sample_index"]]
        assert np.abs(sample - ref[f"step{step}_dense_kernel_sample"]).max() <= 1e-5
        assert abs(np.abs(kernel).max() - ref[f"step{step}_dense_kernel_max_abs"]) <= 1e-5
        change = np.abs(kernel - kernel0)
        assert abs(change.max() - ref[f"step{step}_dense_kernel_max_abs_change"]) <= 1e-5
        expected_sum = ref[f"step{step}_dense_kernel_sum_abs_change"]
        assert change.sum() == pytest.approx(expected_sum, rel=1e-4)
        for weight, name in zip(weights[1:], NAMES[1:]):
            assert np.abs(weight.value - ref[f"step{step}_{name}"]).max() <= 1e-5

    assert int(optimizer.iterations) == 3
    assert all(w.value is a for w, a in zip(weights, arrays))  # updated in place
    value, probs, _ = forward_backward(weights, x, y, loss)
    assert abs(value - ref["test_loss_after_3"]) <= 1e-5
    assert SparseCategoricalAccuracy()(y, probs) == ref["test_accuracy_after_3"]


@pytest.mark.parametrize("name", ["RMSprop", "SGD", "Adam"])
def test_default_config_matches_keras(name: str) -> None:
    config = optimizers.get(name.lower()).get_config()
    assert config == KERAS_DEFAULTS[name]
    assert list(config)[:10] == KEY_ORDER
    assert isinstance(optimizers.get(name.upper()), getattr(optimizers, name))


def random_problem(
    seed: int = 0, steps: int = 4
) -> tuple[list[np.ndarray], list[list[np.ndarray]]]:
    """Two weights and a few steps of gradients (float32)."""
    rng = np.random.default_rng(seed)
    shapes = [(5, 3), (3,)]
    weights = [rng.normal(size=s).astype(np.float32) for s in shapes]
    grads = [[rng.normal(size=s).astype(np.float32) for s in shapes] for _ in range(steps)]
    return weights, grads


Problem = tuple[list[np.ndarray], list[list[np.ndarray]]]
#: ``rule(w, g, state, t) -> new w``, in float64.
Rule = Callable[[np.ndarray, np.ndarray, dict[str, Any], int], np.ndarray]


def run(optimizer: optimizers.Optimizer, seed: int = 0) -> tuple[list[np.ndarray], Problem]:
    weights, grads = random_problem(seed)
    variables = [Variable(w.copy(), f"w{i}:0") for i, w in enumerate(weights)]
    for step_grads in grads:
        optimizer.apply_gradients(zip(step_grads, variables))
    return [v.value for v in variables], (weights, grads)


def reference(
    rule: Rule, weights: list[np.ndarray], grads: list[list[np.ndarray]]
) -> list[np.ndarray]:
    """Apply ``rule`` in float64 over the steps."""
    ws = [w.astype(np.float64) for w in weights]
    states: list[dict[str, Any]] = [{} for _ in ws]
    for t, step_grads in enumerate(grads, start=1):
        ws = [rule(w, g.astype(np.float64), s, t) for w, g, s in zip(ws, step_grads, states)]
    return ws


def sgd_rule(lr: float, momentum: float, nesterov: bool) -> Rule:
    def rule(w: np.ndarray, g: np.ndarray, s: dict[str, Any], t: int) -> np.ndarray:
        m = momentum * s.get("m", 0.0) - lr * g
        s["m"] = m
        return np.asarray(w + momentum * m - lr * g if nesterov else w + m)

    return rule


@pytest.mark.parametrize(
    ("momentum", "nesterov"), [(0.0, False), (0.9, False), (0.9, True), (0.5, True)]
)
def test_sgd_matches_formula(momentum: float, nesterov: bool) -> None:
    got, (w0, grads) = run(optimizers.SGD(learning_rate=0.1, momentum=momentum, nesterov=nesterov))
    for a, b in zip(got, reference(sgd_rule(0.1, momentum, nesterov), w0, grads)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_sgd_plain_step_is_exactly_w_minus_lr_g() -> None:
    w = Variable(np.array([1.0, -2.0, 3.5], np.float32), "w:0")
    g = np.array([0.5, 0.25, -1.0], np.float32)
    optimizers.SGD(learning_rate=0.1).apply_gradients([(g, w)])
    np.testing.assert_array_equal(w.value, np.array([1, -2, 3.5], np.float32) - np.float32(0.1) * g)


def rmsprop_rule(lr: float, rho: float, momentum: float, eps: float, centered: bool) -> Rule:
    def rule(w: np.ndarray, g: np.ndarray, s: dict[str, Any], t: int) -> np.ndarray:
        v = rho * s.get("v", 0.0) + (1 - rho) * g**2
        s["v"] = v
        denominator = v + eps
        if centered:
            a = rho * s.get("a", 0.0) + (1 - rho) * g
            s["a"] = a
            denominator = v - a**2 + eps
        increment = lr * g / np.sqrt(denominator)
        if momentum > 0:
            s["m"] = momentum * s.get("m", 0.0) + increment
            return np.asarray(w - s["m"])
        return np.asarray(w - increment)

    return rule


@pytest.mark.parametrize(("momentum", "centered"), [(0.0, False), (0.9, False), (0.0, True)])
def test_rmsprop_matches_formula(momentum: float, centered: bool) -> None:
    opt = optimizers.RMSprop(learning_rate=0.01, momentum=momentum, centered=centered)
    got, (w0, grads) = run(opt)
    expected = reference(rmsprop_rule(0.01, 0.9, momentum, 1e-7, centered), w0, grads)
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def adam_rule(lr: float, b1: float, b2: float, eps: float, amsgrad: bool) -> Rule:
    def rule(w: np.ndarray, g: np.ndarray, s: dict[str, Any], t: int) -> np.ndarray:
        m = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - b1)
        v = s.get("v", 0.0) + (g**2 - s.get("v", 0.0)) * (1 - b2)
        s["m"], s["v"] = m, v
        if amsgrad:
            v = s["vhat"] = np.maximum(s.get("vhat", 0.0), v)
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        return np.asarray(w - alpha * m / (np.sqrt(v) + eps))

    return rule


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_matches_formula(amsgrad: bool) -> None:
    got, (w0, grads) = run(optimizers.Adam(learning_rate=0.01, amsgrad=amsgrad))
    for a, b in zip(got, reference(adam_rule(0.01, 0.9, 0.999, 1e-7, amsgrad), w0, grads)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_amsgrad_differs_when_gradients_shrink() -> None:
    w_plain, w_ams = (
        Variable(np.ones(1, np.float32), "a:0"),
        Variable(np.ones(1, np.float32), "b:0"),
    )
    plain, ams = optimizers.Adam(0.1), optimizers.Adam(0.1, amsgrad=True)
    for g in (10.0, 0.1, 0.1):
        plain.apply_gradients([(np.array([g], np.float32), w_plain)])
        ams.apply_gradients([(np.array([g], np.float32), w_ams)])
    assert w_ams.value[0] > w_plain.value[0]  # the max of v keeps later steps smaller


@pytest.mark.parametrize(
    "make",
    [
        lambda: optimizers.RMSprop(),
        lambda: optimizers.RMSprop(momentum=0.9, centered=True),
        lambda: optimizers.SGD(momentum=0.9, nesterov=True),
        lambda: optimizers.Adam(amsgrad=True),
    ],
    ids=["rmsprop", "rmsprop-centered-momentum", "sgd-nesterov", "adam-amsgrad"],
)
def test_update_step_allocates_no_large_temporaries(
    make: Callable[[], optimizers.Optimizer],
) -> None:
    optimizer = make()
    kernel = Variable(np.zeros((784, 512), np.float32), "dense/kernel:0")
    grad = np.full((784, 512), 0.01, np.float32)
    optimizer.apply_gradients([(grad, kernel)])  # builds the slots
    tracemalloc.start()
    optimizer.apply_gradients([(grad, kernel)])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < kernel.value.nbytes // 20  # a temporary kernel-sized array would be 1.6 MB


def test_slots_iterations_and_names() -> None:
    kernel = Variable(np.zeros((2, 3), np.float32), "dense/kernel:0")
    bias = Variable(np.zeros(3, np.float32), "dense/bias:0")
    opt = optimizers.Adam(amsgrad=True)
    assert int(opt.iterations) == 0
    opt.apply_gradients([(np.ones((2, 3)), kernel), (np.ones(3), bias)])
    names = [v.name for v in opt.variables]
    assert names == [
        "iteration:0",
        "m/dense/kernel:0",
        "v/dense/kernel:0",
        "m/dense/bias:0",
        "v/dense/bias:0",
        "vhat/dense/kernel:0",
        "vhat/dense/bias:0",
    ]
    assert opt.variables() == opt.variables
    assert int(opt.iterations) == 1
    assert kernel.value.dtype == np.float32  # float64 gradients are cast, not the weights


def test_unknown_variable_after_build_is_a_key_error() -> None:
    a, b = Variable(np.zeros(2, np.float32), "a:0"), Variable(np.zeros(2, np.float32), "b:0")
    opt = optimizers.SGD()
    opt.apply_gradients([(np.ones(2), a)])
    with pytest.raises(KeyError, match="cannot recognize variable b:0"):
        opt.apply_gradients([(np.ones(2), b)])


def test_none_gradients_are_skipped_with_a_warning() -> None:
    a, b = Variable(np.zeros(2, np.float32), "a:0"), Variable(np.zeros(2, np.float32), "b:0")
    opt = optimizers.SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['b:0'\]"):
        opt.apply_gradients([(np.ones(2), a), (None, b)])
    np.testing.assert_array_equal(a.value, [-1, -1])
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, a), (None, b)])


def test_clipping_follows_keras() -> None:
    g = np.array([3.0, 4.0], np.float32)  # norm 5
    cases: list[tuple[dict[str, Any], list[float]]] = [
        ({"clipnorm": 1.0}, [0.6, 0.8]),
        ({"clipnorm": 10.0}, [3.0, 4.0]),
        ({"clipvalue": 3.5}, [3.0, 3.5]),
        ({"global_clipnorm": 2.5}, [1.5, 2.0]),
    ]
    for kwargs, expected in cases:
        w = Variable(np.zeros(2, np.float32), "w:0")
        optimizers.SGD(learning_rate=1.0, **kwargs).apply_gradients([(g, w)])
        np.testing.assert_allclose(-w.value, expected, rtol=1e-6)
    np.testing.assert_array_equal(g, [3.0, 4.0])  # the caller's gradient is untouched
    with pytest.raises(ValueError, match="At most one of `clipnorm` and `global_clipnorm`"):
        optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)


def test_weight_decay_and_exclusion() -> None:
    w = Variable(np.full(2, 2.0, np.float32), "dense/kernel:0")
    b = Variable(np.full(2, 2.0, np.float32), "dense/bias:0")
    opt = optimizers.SGD(learning_rate=1.0, weight_decay=0.004)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply_gradients([(np.zeros(2), w), (np.zeros(2), b)])
    np.testing.assert_allclose(w.value, [1.992, 1.992], rtol=1e-6)  # Keras's docstring example
    np.testing.assert_array_equal(b.value, [2.0, 2.0])


def test_ema_overwrites_every_n_steps() -> None:
    # Keras's docstring example: -0.125 after the third step instead of -1.
    var = Variable(np.full(1, 2.0, np.float32), "v:0")
    opt = optimizers.SGD(learning_rate=1, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=3)
    values = []
    for _ in range(3):
        opt.apply_gradients([(np.ones(1, np.float32), var)])
        values.append(float(var.value[0]))
    assert values == [1.0, 0.0, -0.125]


def test_learning_rate_is_float32_and_settable() -> None:
    opt = optimizers.RMSprop(learning_rate=0.1)
    assert float(opt.learning_rate) == float(np.float32(0.1))
    opt.learning_rate = 0.5
    assert float(opt.lr) == 0.5
    assert opt.get_config()["learning_rate"] == 0.5


def test_from_config_round_trip_and_serialize() -> None:
    opt = optimizers.Adam(learning_rate=0.002, beta_1=0.8, amsgrad=True, name="my_adam")
    clone = optimizers.Adam.from_config(opt.get_config())
    assert clone.get_config() == opt.get_config()
    data = optimizers.serialize(opt)
    assert data["class_name"] == "Adam"
    assert optimizers.get(data).get_config() == opt.get_config()
    sgd = optimizers.get({"class_name": "sgd", "config": {"momentum": 0.5}})
    assert isinstance(sgd, optimizers.SGD) and sgd.momentum == 0.5


def test_get_returns_instances_unchanged() -> None:
    opt = optimizers.SGD()
    assert optimizers.get(opt) is opt


def test_unknown_identifiers_raise_keras_errors() -> None:
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 42"):
        optimizers.get(42)
    with pytest.raises(ValueError, match="Unknown optimizer: 'nope'"):
        optimizers.get("nope")
    with pytest.raises(NotSupportedByBuildtrace, match=r"keras\.optimizers\.AdamW"):
        optimizers.get("adamw")
    with pytest.raises(NotSupportedByBuildtrace, match=r"keras\.optimizers\.AdamW"):
        optimizers.AdamW  # noqa: B018


def test_bad_arguments_raise_like_keras() -> None:
    with pytest.raises(ValueError, match=r"`momentum` must be between \[0, 1\]"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(TypeError, match="foo is not a valid argument"):
        optimizers.SGD(foo=1)
    with pytest.raises(ValueError, match="decay is deprecated"):
        optimizers.SGD(decay=0.1)
    with pytest.warns(UserWarning, match="`lr` is deprecated"):
        opt = optimizers.SGD(lr=0.5)
    assert float(opt.learning_rate) == pytest.approx(0.01)  # Keras 2.11+ ignores `lr`


def test_minimize_explains_there_is_no_tape() -> None:
    with pytest.raises(NotImplementedError, match="no autodiff tape"):
        optimizers.SGD().minimize(lambda: 0.0, [])
