"""``summary()`` of models using the added layers prints tf-keras 2.21's text, byte for byte
(the output shapes and parameter counts of every new layer, wrappers and RNNs included).

The expected texts were recorded by ``scripts/record_layer_references.py`` into
``tests/data/layers/build_facts.json`` from the same three models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from buildtrace import keras
from buildtrace.keras import backend

layers = keras.layers
SUMMARIES = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "layers" / "build_facts.json").read_text()
)["summaries"]


def _models() -> dict[str, Any]:
    text = keras.Sequential(
        [
            layers.Embedding(100, 8, input_length=20),
            layers.Bidirectional(layers.GRU(8, return_sequences=True)),
            layers.Conv1D(4, 3, padding="causal"),
            layers.GlobalAveragePooling1D(),
            layers.Dropout(0.5),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    tagger = keras.Sequential(
        [
            layers.Embedding(100, 8),
            layers.LSTM(16, return_sequences=True),
            layers.LayerNormalization(),
            layers.TimeDistributed(layers.Dense(3)),
        ]
    )
    image = keras.Input(shape=(8, 8, 1), name="image")
    x = layers.Rescaling(1 / 255)(image)
    x = layers.ZeroPadding2D(1)(x)
    x = layers.Conv2D(4, 3, strides=2, activation="relu")(x)
    y = layers.Conv2DTranspose(4, 3, strides=2, padding="same")(x)
    y = layers.UpSampling2D()(layers.MaxPooling2D()(y))
    z = layers.concatenate([layers.GlobalMaxPooling2D()(y), layers.GlobalAveragePooling2D()(x)])
    out = layers.Softmax()(layers.Dense(3)(layers.LeakyReLU()(z)))
    images = keras.Model(image, out, name="images")
    return {"text": text, "tagger": tagger, "images": images}


@pytest.fixture(scope="module")
def printed() -> dict[str, str]:
    backend.clear_session()
    texts = {}
    for name, model in _models().items():
        lines: list[str] = []
        model.summary(print_fn=lines.append)
        texts[name] = "\n".join(lines)
    return texts


@pytest.mark.parametrize("name", ["text", "tagger"])
def test_summary_matches_tf_keras(name: str, printed: dict[str, str]) -> None:
    assert printed[name] == SUMMARIES[name]


def test_functional_summary_rows_of_the_new_layers_match_tf_keras(printed: dict[str, str]) -> None:
    """Every row but the InputLayer's: Keras prints its shape as a list, ``[(None, 8, 8,
    1)]``, which is the summary's own business (issue 12), not the layers'."""

    def rows(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith(" image (InputLayer)")]

    assert rows(printed["images"]) == rows(SUMMARIES["images"])
