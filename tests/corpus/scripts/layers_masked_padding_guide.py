"""Padding and masking, walked through the way the Keras guide teaches it.

Ragged sentences are padded to one length, an Embedding with ``mask_zero=True`` marks
the padding, and the mask rides along on the tensors (``_keras_mask``) into an LSTM,
which skips the padded steps. A ``Masking`` layer does the same for feature vectors.
"""

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

sentences = [
    [711, 632, 71],
    [73, 8, 3215, 55, 927],
    [83, 91, 1, 645, 1253, 927],
]
padded = keras.preprocessing.sequence.pad_sequences(sentences, padding="post")
assert padded.shape == (3, 6) and padded[0, 3:].tolist() == [0, 0, 0]

# The Embedding layer makes the mask: True where the id is not 0.
embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
masked_output = embedding(padded)
print(masked_output._keras_mask)
assert np.asarray(masked_output._keras_mask).tolist() == (padded != 0).tolist()

# The Masking layer does it for sequences of vectors: a step of all zeros is padding.
unmasked_embedding = tf.cast(tf.tile(tf.expand_dims(padded, axis=-1), [1, 1, 10]), tf.float32)
masking_layer = layers.Masking()
masked_embedding = masking_layer(unmasked_embedding)
print(masked_embedding._keras_mask)
assert np.asarray(masked_embedding._keras_mask).tolist() == (padded != 0).tolist()

# In a functional model the mask travels between layers by itself.
inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
outputs = layers.LSTM(32)(x)
model = keras.Model(inputs, outputs)
assert x._keras_mask is not None and getattr(outputs, "_keras_mask", None) is None

# Padding at the end changes nothing: the LSTM carries its state over masked steps.
short = model(np.array([[711, 632, 71]]))
long = model(np.array([[711, 632, 71, 0, 0, 0, 0]]))
np.testing.assert_allclose(np.asarray(short), np.asarray(long), rtol=1e-5, atol=1e-6)

# A mask can also be passed by hand, to a layer whose call takes one.
lstm = layers.LSTM(8, return_sequences=True)
sequences = np.random.default_rng(0).normal(size=(3, 6, 4)).astype("float32")
by_hand = lstm(sequences, mask=padded != 0)
assert by_hand.shape == (3, 6, 8)
