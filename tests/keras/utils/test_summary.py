"""``model.summary()`` prints Keras 2's table, character for character.

The goldens in ``golden/`` were checked against Keras 2's ``print_summary`` layout
(column positions 0.45/0.85/1.0 of 65 characters for sequential-like models,
0.3/0.6/0.7/1.0 of 98 with "Connected to" for graphs; totals with memory sizes).
Regenerate with ``BUILDTRACE_UPDATE_GOLDEN=1`` and review the diff by eye.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden import check_golden

from buildtrace import keras

GOLDEN = Path(__file__).parent / "golden"
layers = keras.layers


def _seed() -> keras.Model:
    model = keras.Sequential(
        [layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    model.build(input_shape=(None, 784))
    return model


def _branches() -> keras.Model:
    inputs = keras.Input(shape=(784,), name="pixels")
    wide = layers.Dense(64, activation="relu", name="wide")(inputs)
    deep = layers.Dense(128, activation="relu", name="deep_1")(inputs)
    deep = layers.Dense(64, activation="relu", name="deep_2")(deep)
    merged = layers.Concatenate(name="merge")([wide, deep])
    outputs = layers.Dense(10, activation="softmax", name="digits")(merged)
    return keras.Model(inputs=inputs, outputs=outputs, name="two_branches")


def _cnn() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(16, kernel_size=3, activation="relu"),
            layers.MaxPooling2D(pool_size=2),
            layers.Conv2D(32, kernel_size=3, activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(pool_size=2),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )


@pytest.mark.parametrize("name, make", [("seed", _seed), ("branches", _branches), ("cnn", _cnn)])
def test_summary_matches_golden(name: str, make: object) -> None:
    lines: list[str] = []
    make().summary(print_fn=lines.append)  # type: ignore[operator]
    text = "\n".join(lines) + "\n"
    check_golden(GOLDEN / f"summary_{name}.txt", text)


def test_seed_totals() -> None:
    lines: list[str] = []
    _seed().summary(print_fn=lines.append)
    assert "Total params: 407050 (1.55 MB)" in lines
    assert "Non-trainable params: 0 (0.00 Byte)" in lines


def test_batch_norm_moving_stats_count_as_non_trainable() -> None:
    lines: list[str] = []
    _cnn().summary(print_fn=lines.append)
    assert "Non-trainable params: 64 (256.00 Byte)" in lines


def test_summary_prints_through_rich_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    _seed().summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out and "dense_1 (Dense)" in out
