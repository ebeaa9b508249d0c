"""A first look at TensorFlow with Keras: logits, softmax by hand, then compile and fit.

Written the way beginner tutorials are: call the untrained model on one image, look at
its output as a numpy array, turn logits into probabilities with ``tf.nn.softmax``, and
ask the loss object for the starting loss before training.
"""

import numpy as np
import tensorflow as tf

print("TensorFlow", tf.__version__)
digits = tf.keras.datasets.mnist
(train_images, train_labels), (test_images, test_labels) = digits.load_data()
train_images, test_images = train_images[:1500] / 255.0, test_images[:300] / 255.0
train_labels, test_labels = train_labels[:1500], test_labels[:300]

net = tf.keras.models.Sequential(
    [
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10),
    ]
)

scores = net(train_images[:1]).numpy()
assert scores.shape == (1, 10) and scores.dtype == np.float32
probabilities = tf.nn.softmax(scores).numpy()
assert abs(probabilities.sum() - 1.0) < 1e-5

loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
start_loss = loss_object(train_labels[:1], scores).numpy()
assert 0.5 < start_loss < 6.0, start_loss  # about -log(1/10) for an untrained net

net.compile(optimizer="adam", loss=loss_object, metrics=["accuracy"])
net.fit(train_images, train_labels, epochs=2, verbose=0)
test_loss, test_accuracy = net.evaluate(test_images, test_labels, verbose=2)
assert np.isfinite(test_loss)

# Probabilities for a few test images: softmax over the logits the model returns.
first_five = tf.nn.softmax(net(test_images[:5]))
assert first_five.shape.as_list() == [5, 10]
print("predicted digits:", tf.argmax(first_five, axis=1).numpy())
