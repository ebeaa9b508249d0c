"""``tf.data.Dataset``: the pipeline tutorials build, as TensorFlow documents it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buildtrace import keras, tf

Dataset = tf.data.Dataset


def test_slices_of_a_tuple_are_tuples_of_tensors() -> None:
    ds = Dataset.from_tensor_slices((np.arange(6.0).reshape(3, 2), np.array([0, 1, 2])))
    first = next(iter(ds))
    assert isinstance(first, tuple) and isinstance(first[0], tf.Tensor)
    assert first[0].shape.as_list() == [2] and first[0].dtype == tf.float64
    assert [int(y) for _, y in ds] == [0, 1, 2]


def test_a_python_list_is_one_tensor_and_a_dict_stays_a_dict() -> None:
    assert [float(v) for v in Dataset.from_tensor_slices([1.0, 2.0])] == [1.0, 2.0]
    assert next(iter(Dataset.from_tensor_slices([1.0]))).dtype == tf.float32
    element = next(iter(Dataset.from_tensor_slices({"a": np.ones(2), "b": np.zeros(2)})))
    assert set(element) == {"a", "b"}


def test_rows_must_agree() -> None:
    with pytest.raises(ValueError, match="Dimensions 3 and 2"):
        Dataset.from_tensor_slices((np.ones(3), np.ones(2)))


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 40),
    batch=st.integers(1, 9),
    buffer=st.integers(1, 50),
    drop=st.booleans(),
)
def test_shuffle_then_batch_keeps_every_row_once(
    n: int, batch: int, buffer: int, drop: bool
) -> None:
    ds = Dataset.from_tensor_slices(np.arange(n)).shuffle(buffer).batch(batch, drop)
    sizes = [len(b) for b in ds]
    rows = np.concatenate([b.numpy() for b in ds]) if sizes else np.array([])
    full = n // batch
    assert sizes == [batch] * full + ([] if drop or n % batch == 0 else [n % batch])
    assert len(ds) == len(sizes)
    if not drop:
        assert sorted(rows.tolist()) == list(range(n))


def test_shuffle_reshuffles_each_epoch_and_a_seed_repeats() -> None:
    ds = Dataset.from_tensor_slices(np.arange(50)).shuffle(50)
    assert [int(v) for v in ds] != [int(v) for v in ds]
    seeded = Dataset.from_tensor_slices(np.arange(50)).shuffle(
        50, seed=3, reshuffle_each_iteration=False
    )
    assert [int(v) for v in seeded] == [int(v) for v in seeded]


def test_map_take_skip_repeat_prefetch_and_cardinality() -> None:
    ds = (
        Dataset.from_tensor_slices((np.arange(5.0), np.arange(5)))
        .map(lambda x, y: (x * 2, y))
        .prefetch(tf.data.AUTOTUNE)
    )
    assert [float(x) for x, _ in ds.take(2)] == [0.0, 2.0]
    assert [int(y) for _, y in ds.skip(3)] == [3, 4]
    assert len(list(ds.repeat(2))) == 10
    assert int(ds.cardinality()) == 5
    assert int(ds.filter(lambda x, y: y > 2).cardinality()) == -2  # unknown, as in TensorFlow


def test_unknown_names_say_so() -> None:
    with pytest.raises(AttributeError, match=r"`tf.data.TFRecordDataset` is not supported"):
        _ = tf.data.TFRecordDataset


def test_fit_evaluate_and_predict_take_a_dataset() -> None:
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((40, 4), dtype=np.float32)
    y = (x.sum(axis=1) > 2).astype("int64")
    ds = Dataset.from_tensor_slices((x, y)).shuffle(40).batch(8)
    model = keras.Sequential([keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(ds, epochs=2, validation_data=ds, verbose=0)
    assert len(history.history["loss"]) == 2 and "val_accuracy" in history.history
    assert len(model.evaluate(ds, verbose=0)) == 2
    assert model.predict(Dataset.from_tensor_slices(x).batch(8), verbose=0).shape == (40, 2)


def test_a_loop_over_a_dataset_trains_with_a_tape() -> None:
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(1).random((64, 3), dtype=np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    ds = Dataset.from_tensor_slices((x, y)).shuffle(64).batch(16)
    model = keras.Sequential([keras.layers.Dense(1)])
    optimizer = keras.optimizers.SGD(0.1)
    first = last = 0.0
    for epoch in range(30):
        total = 0.0
        for xb, yb in ds:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(yb - model(xb, training=True)))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            total += float(loss)
        first, last = (total, total) if epoch == 0 else (first, total)
    assert last < 0.05 * first
