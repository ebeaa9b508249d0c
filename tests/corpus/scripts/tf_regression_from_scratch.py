"""Linear regression with nothing but tf.Variable, tf ops and a GradientTape.

The classic first autodiff lesson: two variables, a hand-written mean squared error,
``tape.gradient`` and a manual update with ``assign_sub``, then the same with a Keras
optimizer.
"""

import numpy as np
import tensorflow as tf

tf.random.set_seed(3)
true_w, true_b = 3.0, -1.0
xs = tf.random.normal((200,))
ys = true_w * xs + true_b + tf.random.normal((200,), stddev=0.05)

w = tf.Variable(0.0, name="w")
b = tf.Variable(0.0, name="b")


def predict(x):
    return w * x + b


for _ in range(100):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(ys - predict(xs)))
    dw, db = tape.gradient(loss, [w, b])
    w.assign_sub(0.1 * dw)
    b.assign_sub(0.1 * db)

assert abs(w.numpy() - true_w) < 0.05 and abs(b.numpy() - true_b) < 0.05, (w, b)
print(f"w = {w.numpy():.3f}, b = {b.numpy():.3f}, loss = {float(loss):.4f}")

# The same fit, with an optimizer and a tf.data pipeline of mini-batches.
v = tf.Variable(tf.zeros((1,)))
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
batches = tf.data.Dataset.from_tensor_slices((xs, ys)).shuffle(200).batch(20)
for _ in range(20):
    for x_batch, y_batch in batches:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(y_batch - (v * x_batch + true_b)))
        optimizer.apply_gradients(zip(tape.gradient(loss, [v]), [v]))
assert np.allclose(v.numpy(), [true_w], atol=0.05), v.numpy()
