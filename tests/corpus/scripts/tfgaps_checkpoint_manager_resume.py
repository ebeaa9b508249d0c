"""A hand-written training loop that checkpoints its model, optimizer and step counter
with `tf.train.Checkpoint` + `CheckpointManager`, is "interrupted", and resumes in a new
model exactly where it stopped."""

import numpy as np
import tensorflow as tf
from tensorflow import keras


class Regressor(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


rng = np.random.default_rng(11)
x = rng.normal(size=(64, 3)).astype("float32")
y = (x @ np.array([[1.5], [-2.0], [0.5]], "float32")).astype("float32")
batches = [(x[i : i + 16], y[i : i + 16]) for i in range(0, 64, 16)]


def train_steps(model, optimizer, step, count):
    for _ in range(count):
        xb, yb = batches[int(step.numpy()) % len(batches)]
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(xb) - yb))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        step.assign_add(1)
    return float(loss)


def make():
    model, optimizer, step = Regressor(), keras.optimizers.Adam(0.05), tf.Variable(0)
    ckpt = tf.train.Checkpoint(step=step, optimizer=optimizer, model=model)
    return model, optimizer, step, ckpt, tf.train.CheckpointManager(ckpt, "run", max_to_keep=2)


model, optimizer, step, ckpt, manager = make()
ckpt.restore(manager.latest_checkpoint)
assert manager.latest_checkpoint is None
for _ in range(3):
    train_steps(model, optimizer, step, 4)
    print("saved", manager.save(), "at step", int(step.numpy()))
assert [p.split("-")[-1] for p in manager.checkpoints] == ["2", "3"]
train_steps(model, optimizer, step, 5)
goal = model.get_weights()

# A new program: the same objects, restored from the newest checkpoint, then 5 more steps.
model2, optimizer2, step2, ckpt2, manager2 = make()
model2(x[:1])
ckpt2.restore(manager2.latest_checkpoint).assert_existing_objects_matched()
print("resumed at step", int(step2.numpy()), "from", manager2.latest_checkpoint)
assert int(step2.numpy()) == 12
train_steps(model2, optimizer2, step2, 5)
for a, b in zip(goal, model2.get_weights()):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
print("resumed training matches the uninterrupted run")
