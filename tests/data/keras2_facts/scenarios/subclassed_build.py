# A Model subclass (layers in __init__, wiring in call), built from a shape.
import keras
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
