"""The seed example, written for tf.keras: two Dense layers, built for 784 inputs."""

import tensorflow as tf

model = tf.keras.Sequential(
    [
        tf.keras.layers.Dense(512, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax"),
    ]
)
model.build(input_shape=(None, 784))
print("built:", model.built)
