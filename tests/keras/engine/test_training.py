"""Training on the numpy engine: Keras 2's numbers, its loop, its events.

``tests/data/rmsprop_3steps_reference.*`` hold numbers recorded from tf-keras 2.21
(see ``tests/data/make_training_reference.py``).
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.state.teaching import teaching_steps
from buildtrace.trace import Event

DATA = Path(__file__).parents[2] / "data"
REF = np.load(DATA / "rmsprop_3steps_reference.npz")
layers = keras.layers


def _seed_model() -> keras.Sequential:
    model = keras.Sequential(
        [layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    model.build((None, 784))
    model.set_weights(
        [REF[f"init_{k}"] for k in ("dense_kernel", "dense_bias", "dense_1_kernel", "dense_1_bias")]
    )
    return model


def test_predict_matches_keras_from_the_initial_weights() -> None:
    model = _seed_model()
    np.testing.assert_allclose(model.predict(REF["x"][:8], verbose=0), REF["predict_init_x8"],
                               atol=1e-6)  # fmt: skip


def test_three_rmsprop_steps_reproduce_keras_losses_accuracies_and_weights() -> None:
    model = _seed_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    assert model.optimizer.get_config()["learning_rate"] == 0.0010000000474974513
    sample = REF["kernel_sample_index"]
    for step in range(3):
        loss, accuracy = model.train_on_batch(REF["x"], REF["y"])
        assert loss == pytest.approx(REF["loss"][step], abs=1e-5)
        assert accuracy == REF["accuracy"][step]
        kernel, bias, kernel_1, bias_1 = model.get_weights()
        prefix = f"step{step + 1}_"
        assert np.abs(kernel.ravel()[sample] - REF[prefix + "dense_kernel_sample"]).max() <= 1e-5
        assert np.abs(bias - REF[prefix + "dense_bias"]).max() <= 1e-5
        assert np.abs(kernel_1 - REF[prefix + "dense_1_kernel"]).max() <= 1e-5
        assert np.abs(bias_1 - REF[prefix + "dense_1_bias"]).max() <= 1e-5
    assert int(model.optimizer.iterations) == 3
    loss, accuracy = model.test_on_batch(REF["x"], REF["y"])
    assert loss == pytest.approx(float(REF["test_loss_after_3"]), abs=1e-5)
    assert accuracy == float(REF["test_accuracy_after_3"])
    assert model.metrics_names == ["loss", "accuracy"]


def test_model_gradients_match_finite_differences() -> None:
    """The whole chain (loss -> softmax logits -> Dense -> ReLU -> Dense) is exact."""
    from buildtrace.keras.engine.gradients import GradientTape

    keras.utils.set_random_seed(1)
    x_in = keras.Input(shape=(5,))
    h = layers.Dense(4, activation="tanh")(x_in)
    out = layers.Dense(3, activation="softmax")(layers.Concatenate()([h, x_in]))
    model = keras.Model(x_in, out)
    for w in model.weights:
        w.value = w.value.astype(np.float64)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(6, 5))
    y = np.array([0, 1, 2, 0, 1, 2])

    def loss_value() -> float:
        # Through the tape's forward pass: model(x) would cast to float32.
        return model.compiled_loss._losses[0](y, GradientTape(model).forward(x))  # type: ignore[no-any-return]

    tape = GradientTape(model)
    y_pred = tape.forward(x)
    model.compute_loss(x, y, y_pred, tape=tape)
    grads = tape.gradient(0.0, model.trainable_weights)
    for variable, grad in zip(model.trainable_weights, grads):
        flat = variable.value.reshape(-1)
        for i in range(0, flat.size, max(1, flat.size // 7)):
            old = flat[i]
            flat[i] = old + 1e-6
            up = loss_value()
            flat[i] = old - 1e-6
            down = loss_value()
            flat[i] = old
            assert grad.reshape(-1)[i] == pytest.approx((up - down) / 2e-6, abs=1e-6)


def _blobs(n: int = 512, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.normal(size=(n, 8)).astype("float32") + y[:, None] * 1.5
    return x, y


def test_fit_learns_and_returns_a_keras_history(events: list[Event]) -> None:
    keras.utils.set_random_seed(0)
    x, y = _blobs()
    model = keras.Sequential(
        [layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax")]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.02),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x, y, epochs=10, batch_size=64, validation_split=0.25, verbose=0)
    assert history.epoch == list(range(10))
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.8
    batch_ends = [e for e in events if e["kind"] == "batch_end"]
    assert len(batch_ends) == 10 * 6  # 384 training samples / 64
    epoch_ends = [e for e in events if e["kind"] == "epoch_end"]
    assert [e["epoch"] for e in epoch_ends] == list(range(10))
    assert epoch_ends[-1]["logs"]["loss"] == pytest.approx(history.history["loss"][-1])


def test_deferred_build_inside_fit_is_traced_once_with_unknown_batch(events: list[Event]) -> None:
    x, y = _blobs(256)
    model = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert not model.built
    model.fit(x, y.astype("float32"), epochs=2, batch_size=32, verbose=0)
    assert model.built
    # Inside Keras's traced train function the batch size is unknown: (None, 8).
    assert model.inputs[0].shape == (None, 8)
    assert model.layers[0]._build_input_shape == (None, 8)
    steps = teaching_steps(events)
    names = [s[1] for s in steps if s[0] == "call"]
    assert names.count("keras.engine.training.Model.train_step") == 1
    fit_at = names.index("keras.engine.training.Model.fit")
    build_at = names.index("keras.layers.core.dense.Dense.build")
    assert fit_at < names.index("keras.engine.training.Model.train_step") < build_at


def test_train_on_batch_without_compile_raises_keras_error() -> None:
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(RuntimeError, match="You must compile your model before training"):
        model.train_on_batch(np.ones((2, 2)), np.ones((2, 1)))


def test_evaluate_and_predict_return_keras_shapes() -> None:
    x, y = _blobs(100)
    model = keras.Sequential([layers.Dense(3, activation="softmax", input_shape=(8,))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["acc"])
    loss, acc = model.evaluate(x, y, verbose=0)
    assert isinstance(loss, float) and 0 <= acc <= 1
    assert set(model.evaluate(x, y, verbose=0, return_dict=True)) == {"loss", "acc"}
    assert model.predict(x, batch_size=7, verbose=0).shape == (100, 3)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)


def test_early_stopping_stops_fit() -> None:
    x, y = _blobs(128)
    model = keras.Sequential([layers.Dense(3, activation="softmax", input_shape=(8,))])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="sparse_categorical_crossentropy"
    )
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=1)
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[stop], shuffle=False)
    assert len(history.epoch) == 2


def test_compile_event_describes_the_setup(events: list[Event]) -> None:
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    compile_event = next(e for e in events if e["kind"] == "compile")
    assert compile_event["optimizer"] == "Adam"
    assert compile_event["loss"] == "mse" and compile_event["metrics"] == ["mae"]
    assert json.dumps(compile_event)  # JSON-ready


def test_steps_per_epoch_continues_through_the_data() -> None:
    x, y = _blobs(64)
    model = keras.Sequential([layers.Dense(3, activation="softmax", input_shape=(8,))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=3, batch_size=16, steps_per_epoch=3, verbose=0, shuffle=False)
    assert len(history.history["loss"]) == 3


def test_fit_frees_its_batches_as_soon_as_it_returns() -> None:
    """Memory stays flat over many ``fit`` calls: no reference cycle keeps a finished fit's
    data handler (and the batches its generator holds) waiting for the cycle collector."""
    from buildtrace.keras.engine import data_adapter

    x, y = _blobs(128)
    model = keras.Sequential(
        [layers.Dense(4, activation="relu"), layers.Dense(3, activation="softmax")]
    )
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["acc"])
    gc.collect()
    gc.disable()
    try:
        for verbose in (0, 0, 2):
            model.fit(x, y, epochs=2, batch_size=32, verbose=verbose)
        model.evaluate(x, y, verbose=0)
        handlers = [o for o in gc.get_objects() if isinstance(o, data_adapter.DataHandler)]
        assert handlers == []
    finally:
        gc.enable()


def test_train_step_returns_the_metrics_results_by_name() -> None:
    x, y = _blobs(64)
    model = keras.Sequential([layers.Dense(3, activation="softmax", input_shape=(8,))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    logs = model.train_step((x, y))
    assert logs == model.get_metrics_result()
    # As in Keras, a step returns the metrics' float32 result tensors; fit's loops turn
    # them into Python floats for the callbacks.
    assert list(logs) == ["loss", "accuracy"]
    assert all(v.numpy().dtype == np.float32 and v.shape == () for v in logs.values())
    assert all(type(v) is float for v in model.train_on_batch(x, y, return_dict=True).values())
