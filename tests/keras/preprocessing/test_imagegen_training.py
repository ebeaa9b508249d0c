"""``fit``, ``evaluate`` and ``predict`` take the image pipeline's iterators and datasets,
as tutorials hand them over: ``fit(gen.flow(...), steps_per_epoch=..., validation_data=...)``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PIL")

from buildtrace import keras
from buildtrace.keras.preprocessing.image import ImageDataGenerator, save_img


def _model(
    shape: tuple[int, int, int], units: int, loss: str, activation: str = "softmax"
) -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.layers.Conv2D(4, 3, activation="relu", input_shape=shape),
            keras.layers.Flatten(),
            keras.layers.Dense(units, activation=activation),
        ]
    )
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


def _two_kinds(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Bright images (class 1) and dark ones (class 0), 8x8 RGB, values 0..255."""
    rng = np.random.RandomState(0)
    y = np.arange(n) % 2
    x = rng.uniform(0, 100, (n, 8, 8, 3)) + 150 * y[:, None, None, None]
    return x.astype("float32"), y


def test_fit_on_flow_with_steps_and_validation_iterator() -> None:
    x, y = _two_kinds(24)
    gen = ImageDataGenerator(rescale=1 / 255, horizontal_flip=True, width_shift_range=0.1)
    model = _model((8, 8, 3), 2, "sparse_categorical_crossentropy")
    train = gen.flow(x, y, batch_size=8, seed=0)
    history = model.fit(
        train, steps_per_epoch=len(train), epochs=3, verbose=0,
        validation_data=ImageDataGenerator(rescale=1 / 255).flow(x, y, batch_size=8),
        validation_steps=2,
    )  # fmt: skip
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, _ = model.evaluate(ImageDataGenerator(rescale=1 / 255).flow(x, y), verbose=0)
    assert np.isfinite(loss)
    probabilities = model.predict(gen.flow(x, batch_size=5, shuffle=False), verbose=0)
    assert probabilities.shape == (24, 2)


def test_for_loop_over_flow_as_keras_1_scripts_train() -> None:
    """The Keras 1 pattern: ``for x_batch, y_batch in gen.flow(...)``, broken by hand."""
    x, y = _two_kinds(10)
    model = _model((8, 8, 3), 2, "sparse_categorical_crossentropy")
    seen = 0
    for x_batch, y_batch in ImageDataGenerator(rescale=1 / 255).flow(x, y, batch_size=4):
        model.train_on_batch(x_batch, y_batch)
        seen += len(x_batch)
        if seen >= 20:
            break  # the iterator never ends
    assert seen == 20


def test_fit_on_flow_from_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    x, y = _two_kinds(12)
    for i, (image, label) in enumerate(zip(x, y)):
        folder = tmp_path / ("bright" if label else "dark")
        folder.mkdir(exist_ok=True)
        save_img(folder / f"{i}.png", image, scale=False)
    gen = ImageDataGenerator(rescale=1 / 255, validation_split=0.25)
    train = gen.flow_from_directory(
        tmp_path, target_size=(8, 8), batch_size=4, class_mode="binary", subset="training"
    )
    val = gen.flow_from_directory(
        tmp_path, target_size=(8, 8), batch_size=4, class_mode="binary", subset="validation"
    )
    assert capsys.readouterr().out.splitlines() == [
        "Found 10 images belonging to 2 classes.",
        "Found 2 images belonging to 2 classes.",
    ]
    assert train.class_indices == {"bright": 0, "dark": 1}
    model = _model((8, 8, 3), 1, "binary_crossentropy", activation="sigmoid")
    history = model.fit(train, epochs=2, validation_data=val, verbose=0)
    assert len(history.history["val_loss"]) == 2


def test_fit_on_image_dataset_from_directory(tmp_path: Path) -> None:
    x, y = _two_kinds(8)
    for i, (image, label) in enumerate(zip(x, y)):
        folder = tmp_path / str(label)
        folder.mkdir(exist_ok=True)
        save_img(folder / f"{i}.png", image, scale=False)
    ds = keras.utils.image_dataset_from_directory(tmp_path, image_size=(8, 8), batch_size=4, seed=1)
    assert ds.class_names == ["0", "1"]
    images, labels = next(iter(ds))
    assert images.shape.as_list() == [4, 8, 8, 3] and labels.dtype.name == "int32"
    model = _model((8, 8, 3), 2, "sparse_categorical_crossentropy")
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
