# A Model subclass (layers in __init__, wiring in call), built from a shape.
# ruff: noqa: F821, B018  (mark, fact and summary are given by scripts/record_keras2_facts.py)
import keras
import numpy as np
from keras import layers


class TwoLayer(keras.Model):
    def __init__(self):
        super().__init__(name="two_layer")
        self.dense = layers.Dense(4, activation="relu")
        self.out = layers.Dense(2)

    def call(self, inputs):
        return self.out(self.dense(inputs))


model = TwoLayer()
mark("build")
model.build((None, 5))
mark("after")
summary("summary", model)
fact("weights", [w.name for w in model.weights])
fact("built", model.built)
try:
    model.layers[0].output
except AttributeError as exc:
    fact("output_error", f"{type(exc).__name__}: {exc}")
try:
    model.layers[0].input
except AttributeError as exc:
    fact("input_error", f"{type(exc).__name__}: {exc}")

called = TwoLayer()
mark("first_call")
called(np.zeros((2, 5), "float32"))
mark("end")
fact("called_weights", [w.name for w in called.weights])
summary("called_summary", called)
