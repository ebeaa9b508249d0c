"""A subclassed model: layers made in ``__init__``, wired in ``call``.

What it shows: ``model.build((None, 8))`` runs ``call`` on a placeholder, so each inner
layer is called on a plain tensor (``Layer.__call__`` -> ``_maybe_build`` -> ``build`` ->
``call``) and no ``Node`` is recorded: ``summary()`` prints ``multiple`` for every output
shape. Then ``predict`` runs the model on data (``predict_step`` -> the model's
``Layer.__call__`` -> each layer's), as Keras's first trace of the step shows it.
(buildtrace does not train subclassed models: ``fit`` needs a graph of layers.)

    buildtrace run samples/subclassed.py
"""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


class TwoLayer(keras.Model):
    def __init__(self):
        super().__init__(name="two_layer")
        self.hidden = layers.Dense(16, activation="relu")
        self.out = layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


keras.utils.set_random_seed(0)
model = TwoLayer()
model.build((None, 8))
model.summary()

x = np.random.rand(4, 8).astype("float32")
print(model.predict(x, verbose=0).round(3))
