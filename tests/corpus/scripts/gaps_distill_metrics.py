"""A student learns from a teacher's softened outputs (KL divergence), tracked with metrics."""

import numpy as np
import tensorflow as tf
from tensorflow import keras

rng = np.random.default_rng(7)
x = rng.normal(size=(300, 8)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("int64")

teacher = keras.Sequential(
    [keras.layers.Dense(16, activation="relu", input_shape=(8,)), keras.layers.Dense(2)]
)
teacher.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
teacher.fit(x, y, epochs=2, verbose=0)

student = keras.Sequential([keras.layers.Dense(2, input_shape=(8,))])
kl = keras.losses.KLDivergence()
optimizer = keras.optimizers.Adam(0.01)
temperature = 3.0
tracker = keras.metrics.Mean(name="distillation_loss")
for start in range(0, 300, 50):
    batch = x[start : start + 50]
    soft_targets = tf.nn.softmax(teacher(batch, training=False) / temperature, axis=1)
    with tf.GradientTape() as tape:
        soft_student = tf.nn.softmax(student(batch, training=True) / temperature, axis=1)
        loss = kl(soft_targets, soft_student)
    grads = tape.gradient(loss, student.trainable_variables)
    optimizer.apply_gradients(zip(grads, student.trainable_variables))
    tracker.update_state(loss)
print("distillation loss:", float(tracker.result()))

regression = keras.Sequential([keras.layers.Dense(1, input_shape=(8,))])
regression.compile(
    optimizer="sgd",
    loss=keras.losses.Huber(delta=0.5),
    metrics=[
        keras.metrics.MeanAbsoluteError(),
        keras.metrics.RootMeanSquaredError(),
        keras.metrics.MeanAbsolutePercentageError(),
    ],
)
regression.fit(x, x[:, :1] * 2 + 1, epochs=2, verbose=2)

classifier = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(8,))])
classifier.compile(
    optimizer="adam",
    loss="binary_crossentropy",
    metrics=[keras.metrics.Precision(), keras.metrics.Recall()],
)
print(classifier.fit(x, y, epochs=2, verbose=0).history)
