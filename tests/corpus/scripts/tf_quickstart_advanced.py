"""The "expert" style: a subclassed model, tf.data batches and a GradientTape loop.

A convolutional classifier written as a ``keras.Model`` subclass, trained by hand:
``@tf.function`` steps that run the model under ``tf.GradientTape``, ask the tape for
the gradients and let the optimizer apply them, with running metrics per epoch.
"""

import tensorflow as tf
from tensorflow.keras import Model
from tensorflow.keras.layers import Conv2D, Dense, Flatten

(images, labels), (test_images, test_labels) = tf.keras.datasets.mnist.load_data()
images, test_images = images[:600] / 255.0, test_images[:128] / 255.0
labels, test_labels = labels[:600], test_labels[:128]
images = images[..., tf.newaxis].astype("float32")
test_images = test_images[..., tf.newaxis].astype("float32")

train_batches = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(1000).batch(32)
test_batches = tf.data.Dataset.from_tensor_slices((test_images, test_labels)).batch(32)


class DigitNet(Model):
    def __init__(self):
        super().__init__()
        self.features = Conv2D(8, 3, activation="relu")
        self.flat = Flatten()
        self.hidden = Dense(32, activation="relu")
        self.scores = Dense(10)

    def call(self, x):
        return self.scores(self.hidden(self.flat(self.features(x))))


net = DigitNet()
criterion = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam()
mean_loss = tf.keras.metrics.Mean(name="train_loss")
accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")


@tf.function
def learn(batch_images, batch_labels):
    with tf.GradientTape() as tape:
        outputs = net(batch_images, training=True)
        loss = criterion(batch_labels, outputs)
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
    mean_loss(loss)
    accuracy(batch_labels, outputs)


@tf.function
def check(batch_images, batch_labels):
    test_accuracy(batch_labels, net(batch_images, training=False))


losses = []
for epoch in range(3):
    mean_loss.reset_state()
    accuracy.reset_state()
    test_accuracy.reset_state()
    for batch_images, batch_labels in train_batches:
        learn(batch_images, batch_labels)
    for batch_images, batch_labels in test_batches:
        check(batch_images, batch_labels)
    losses.append(float(mean_loss.result()))
    print(
        f"Epoch {epoch + 1}, Loss: {mean_loss.result():0.3f}, "
        f"Accuracy: {accuracy.result() * 100:0.1f}, "
        f"Test accuracy: {test_accuracy.result() * 100:0.1f}"
    )

assert len(net.trainable_variables) == 6
assert losses[-1] < losses[0], losses
