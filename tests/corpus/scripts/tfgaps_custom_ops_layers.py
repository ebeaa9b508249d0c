"""Custom layers written with raw TensorFlow ops: a lookup table, a split, dropout.

In the style of TensorFlow's "custom layers" tutorial and the Keras masking guide.
"""

import numpy as np
import tensorflow as tf
from tensorflow import keras

print("GPU available:", tf.test.is_gpu_available(), repr(tf.test.gpu_device_name()))


class TableLookup(keras.layers.Layer):
    def __init__(self, vocab, dim, **kwargs):
        super().__init__(**kwargs)
        self.vocab, self.dim = vocab, dim

    def build(self, input_shape):
        self.table = self.add_weight(shape=(self.vocab, self.dim), initializer="random_normal")

    def call(self, ids):
        return tf.nn.embedding_lookup(self.table, tf.cast(ids, tf.int32))


class HalvesSum(keras.layers.Layer):
    def call(self, x):
        left, right = tf.split(x, 2, axis=-1)
        return left + right


class NoisyDense(keras.layers.Layer):
    def __init__(self, units, rate=0.2, **kwargs):
        super().__init__(**kwargs)
        self.units, self.rate = units, rate

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")

    def call(self, x, training=None):
        if training:
            x = tf.nn.dropout(x, rate=self.rate)
        return tf.nn.relu(tf.matmul(x, self.w))


inputs = keras.Input(shape=(6,))
x = TableLookup(50, 8)(inputs)
x = HalvesSum()(x)
x = keras.layers.Flatten()(x)
x = NoisyDense(16)(x)
outputs = keras.layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.summary()
model.compile(optimizer="adam", loss=tf.losses.BinaryCrossentropy(), metrics=["accuracy"])

ids = np.random.randint(0, 50, size=(128, 6))
labels = (ids.sum(axis=1) > 150).astype("float32")
before = [w.copy() for w in model.get_weights()]
model.fit(ids, labels, epochs=2, batch_size=32, verbose=2)
assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))

# A hand-written step: the gradients flow through the lookup, the split and dropout.
optimizer = keras.optimizers.Adam()
with tf.GradientTape() as tape:
    probs = model(ids, training=True)
    loss = tf.reduce_mean(keras.losses.binary_crossentropy(labels[:, None], probs))
grads = tape.gradient(loss, model.trainable_variables)
assert all(g is not None for g in grads)
optimizer.apply_gradients(zip(grads, model.trainable_variables))
parts = tf.split(tf.range(12), [3, -1])
assert [p.shape.as_list() for p in parts] == [[3], [9]]
assert tf.zeros(2, 1).dtype == tf.float32  # TensorFlow's enum number for float32
print("final loss", float(loss))
