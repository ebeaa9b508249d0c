"""``model.summary()`` prints Keras 2's table, character for character.

The goldens in ``golden/`` were checked against Keras 2's ``print_summary`` layout
(column positions 0.45/0.85/1.0 of 65 characters for sequential-like models,
0.3/0.6/0.7/1.0 of 98 with "Connected to" for graphs; totals with memory sizes).
Regenerate with ``BUILDTRACE_UPDATE_GOLDEN=1`` and review the diff by eye.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from example_models import sample_model
from golden import check_golden

from buildtrace import keras

GOLDEN = Path(__file__).parent / "golden"
layers = keras.layers


def _seed() -> keras.Model:
    return sample_model("seed")


def _branches() -> keras.Model:
    return sample_model("functional_branches")


def _cnn() -> keras.Model:
    return sample_model("cnn")


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
