"""A hand-written training loop that logs its loss and accuracy for TensorBoard with
`tf.summary`, as TensorFlow's TensorBoard tutorial does: the logging is accepted (and
writes nothing under buildtrace), the training runs."""

import datetime

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(2)
x = rng.normal(size=(128, 5)).astype("float32")
y = (x[:, 0] - x[:, 2] > 0).astype("int32")
dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(128).batch(32)

model = tf.keras.Sequential(
    [tf.keras.layers.Dense(16, activation="relu", input_shape=(5,)), tf.keras.layers.Dense(2)]
)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(0.01)
train_loss = tf.keras.metrics.Mean("train_loss")
train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy("train_accuracy")

log_dir = "logs/gradient_tape/" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S") + "/train"
writer = tf.summary.create_file_writer(log_dir)

losses = []
for epoch in range(4):
    for xb, yb in dataset:
        with tf.GradientTape() as tape:
            logits = model(xb, training=True)
            loss = loss_fn(yb, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        train_loss(loss)
        train_accuracy(yb, logits)
    with writer.as_default():
        tf.summary.scalar("loss", train_loss.result(), step=epoch)
        tf.summary.scalar("accuracy", train_accuracy.result(), step=epoch)
    losses.append(float(train_loss.result()))
    print(
        f"epoch {epoch + 1}: loss {losses[-1]:.4f}, accuracy {float(train_accuracy.result()):.3f}"
    )
    train_loss.reset_states()
    train_accuracy.reset_states()

assert losses[-1] < losses[0]
