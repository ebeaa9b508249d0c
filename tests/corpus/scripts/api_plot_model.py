"""Draw a two-branch functional model with keras.utils.plot_model."""

import os

from tensorflow import keras
from tensorflow.keras.utils import plot_model

title = keras.Input(shape=(10,), name="title")
body = keras.Input(shape=(20,), name="body")
t = keras.layers.Dense(8, activation="relu", name="title_features")(title)
b = keras.layers.Dense(8, activation="relu", name="body_features")(body)
merged = keras.layers.Concatenate()([t, b])
priority = keras.layers.Dense(1, name="priority")(merged)
model = keras.Model(inputs=[title, body], outputs=priority)

result = plot_model(
    model, to_file="model.png", show_shapes=True, show_layer_names=True, rankdir="LR", dpi=72
)
written = str(getattr(result, "path", "model.png"))
assert os.path.exists(written), written
print("drew", written)
