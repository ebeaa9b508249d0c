"""An encoder-decoder (seq2seq) pair of LSTMs: the encoder's final states start the
decoder, passed with ``initial_state`` as in the character-level translation example."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

tokens, latent = 6, 16
rng = np.random.default_rng(9)
source = np.eye(tokens, dtype="float32")[rng.integers(0, tokens, size=(64, 7))]
target_in = np.eye(tokens, dtype="float32")[rng.integers(0, tokens, size=(64, 5))]
target_out = np.roll(target_in, -1, axis=1)

encoder_inputs = keras.Input(shape=(None, tokens))
_, state_h, state_c = layers.LSTM(latent, return_state=True)(encoder_inputs)
decoder_inputs = keras.Input(shape=(None, tokens))
decoder_sequence = layers.LSTM(latent, return_sequences=True)(
    decoder_inputs, initial_state=[state_h, state_c]
)
outputs = layers.Dense(tokens, activation="softmax")(decoder_sequence)
model = keras.Model([encoder_inputs, decoder_inputs], outputs)
assert state_h.shape == (None, latent)
assert outputs.shape == (None, None, tokens)
model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
model.fit([source, target_in], target_out, batch_size=16, epochs=2, verbose=0)
assert model.predict([source[:2], target_in[:2]], verbose=0).shape == (2, 5, tokens)
