# summary() of the models a student meets.
# ruff: noqa: F821  (mark, fact and summary are given by scripts/record_keras2_facts.py)
import keras
from keras import layers

keras.utils.set_random_seed(0)
seq = keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10)])
seq.build((None, 784))
summary("sequential", seq)

inputs = keras.Input(shape=(16,))
x = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(1)(x)
summary("functional", keras.Model(inputs, outputs))

inner = keras.Sequential([layers.Dense(4, input_shape=(16,)), layers.Dense(2)], name="inner")
top_in = keras.Input(shape=(16,))
summary("nested", keras.Model(top_in, layers.Dense(1)(inner(top_in))))

shared = layers.Dense(4, name="shared")
left, right = keras.Input(shape=(3,), name="left"), keras.Input(shape=(3,), name="right")
merged = layers.Concatenate()([shared(left), shared(right)])
summary("shared", keras.Model([left, right], merged))

cnn = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(10),
    ]
)
summary("cnn", cnn)

text = keras.Sequential(
    [keras.Input(shape=(12,)), layers.Embedding(100, 8), layers.LSTM(6), layers.Dense(1)]
)
summary("embedding_lstm", text)
