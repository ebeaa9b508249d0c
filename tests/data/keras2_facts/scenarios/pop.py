# Sequential.pop on a built model.
# ruff: noqa: F821  (mark, fact and summary are given by scripts/record_keras2_facts.py)
import keras
from keras import layers

model = keras.Sequential(
    [keras.Input(shape=(4,)), layers.Dense(3, name="a"), layers.Dense(2, name="b")]
)
mark("pop")
model.pop()
mark("after")
fact("layers", [layer.name for layer in model.layers])
fact("a_outbound", len(model.layers[-1]._outbound_nodes))
fact("output_shape", list(model.output_shape))
summary("summary", model)
