"""``StringLookup`` and ``IntegerLookup`` against tf-keras 2.21
(``tests/data/preprocessing/categorical.npz``, recorded by
``scripts/record_preprocessing_references.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras import layers

REF = np.load(Path(__file__).parents[2] / "data" / "preprocessing" / "categorical.npz")
TEXT = [["cat", "dog", "dog"], ["bird", "cat", "fish"], ["dog", "ant", "bee"]]
CODES = [[12, 36, 36], [7, 12, 36], [1138, 42, 7], [0, 0, 42]]

#: case -> (layer class name, keyword arguments, adapt data or None, inputs); as the script.
LOOKUP_CASES: dict[str, tuple[str, dict[str, Any], Any, Any]] = {
    "string_given": ("StringLookup", {"vocabulary": ["a", "b", "c", "d"]}, None,
                     [["a", "c", "d"], ["d", "z", "b"]]),
    "string_adapted": ("StringLookup", {}, TEXT, [["dog", "zebra", "ant"]]),
    "string_mask_max_tokens": ("StringLookup", {"mask_token": "", "max_tokens": 4},
                               [["x", "y", "", ""], ["y", "y", "z", "w"]], [["", "y", "w"]]),
    "string_one_hot": ("StringLookup", {"output_mode": "one_hot"}, TEXT,
                       [["dog"], ["ant"], ["zebra"]]),
    "string_multi_hot": ("StringLookup", {"output_mode": "multi_hot"}, TEXT, TEXT),
    "string_count_mask": ("StringLookup", {"output_mode": "count", "mask_token": ""}, TEXT,
                          [["dog", "dog", ""], ["cat", "", "zebra"]]),
    "string_invert": ("StringLookup", {"vocabulary": ["a", "b", "c"], "invert": True}, None,
                      [[1, 3, 0], [2, 9, 1]]),
    "integer_adapted": ("IntegerLookup", {}, CODES, [[36, 5, 12], [7, 1138, 0]]),
    "integer_no_oov_mask": ("IntegerLookup", {"num_oov_indices": 0, "mask_token": 0}, CODES,
                            [[36, 0, 12]]),
    "integer_two_oov": ("IntegerLookup", {"num_oov_indices": 2, "vocabulary": [12, 36]}, None,
                        [[12, 5, 36, 6, 7]]),
    "integer_multi_hot_pad": ("IntegerLookup", {"output_mode": "multi_hot", "max_tokens": 8,
                                                "pad_to_max_tokens": True}, CODES, CODES),
    "integer_invert": ("IntegerLookup", {"vocabulary": [12, 36, 1138], "invert": True}, None,
                       [[1, 2, 3, 0, 7]]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(LOOKUP_CASES))
def test_lookup_vocabulary_and_output_match_keras(case: str) -> None:
    cls, kwargs, adapt_data, inputs = LOOKUP_CASES[case]
    layer = getattr(layers, cls)(**kwargs)
    if adapt_data is not None:
        layer.adapt(np.array(adapt_data))
        assert layer.is_adapted
    assert [str(v) for v in layer.get_vocabulary()] == REF[f"lookup_{case}_vocabulary"].tolist()
    out = np.asarray(layer(np.array(inputs)))
    expected = REF[f"lookup_{case}_output"]
    if expected.dtype.kind == "U":
        out = out.astype(str)
    np.testing.assert_array_equal(out, expected)
    assert out.shape == expected.shape


def test_lookup_errors_say_what_was_received() -> None:
    with pytest.raises(ValueError, match=r"found OOV values \[5\]"):
        layers.IntegerLookup(vocabulary=[1, 2], num_oov_indices=0)(np.array([[5]]))
    with pytest.raises(ValueError, match=r"The repeated terms are \['a'\]"):
        layers.StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="after setting a static vocabulary"):
        layers.StringLookup(vocabulary=["a"]).adapt(np.array([["a"]]))
    with pytest.raises(RuntimeError, match="you must set the layer's vocabulary"):
        layers.StringLookup(output_mode="one_hot")(np.array([["a"]]))


def test_structured_data_feature_encoding_trains() -> None:
    """The "classify structured data" pattern: lookup, then one-hot, then Dense."""
    animals = np.array([["dog"], ["cat"], ["dog"], ["bird"], ["cat"], ["dog"]])
    labels = np.array([[1.0], [0.0], [1.0], [0.0], [0.0], [1.0]], "float32")
    index = layers.StringLookup()
    index.adapt(animals)
    encoder = layers.CategoryEncoding(num_tokens=index.vocabulary_size(), output_mode="one_hot")
    inputs = keras.Input(shape=(1,), dtype="string")
    outputs = layers.Dense(1, activation="sigmoid")(encoder(index(inputs)))
    model = keras.Model(inputs, outputs)
    assert model.output_shape == (None, 1)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
    losses = [float(model.train_on_batch(animals, labels)) for _ in range(5)]
    assert losses[-1] < losses[0]


def test_an_adapted_vocabulary_is_saved_as_an_asset(tmp_path: Path) -> None:
    index = layers.StringLookup(output_mode="one_hot")
    index.adapt(np.array(TEXT))
    inputs = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inputs, layers.Dense(2)(index(inputs)))
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert loaded.layers[1].get_vocabulary() == index.get_vocabulary()
    x = np.array([["dog"], ["ant"], ["zebra"]])
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6)
