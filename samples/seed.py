"""The seed example: the two-layer MNIST classifier every Keras course starts with.

What it shows: ``model.build(input_shape=(None, 784))`` and its three stages — the
input-shape check, the hidden ``InputLayer`` named ``dense_input`` and each layer's
``__call__ -> ... -> build -> add_weight``, then ``_init_graph_network`` — followed by
``compile`` and five epochs of ``fit`` on MNIST (or, offline, on buildtrace's built-in
stand-in digits, which it says in one line).

Written for ``tf.keras`` and unchanged: run it with

    buildtrace run samples/seed.py              # print the build trace
    buildtrace run samples/seed.py -o seed.jsonl
"""

from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)

model = keras.Sequential(
    [
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)
model.build(input_shape=(None, 784))
model.summary()

model.compile(
    optimizer="rmsprop",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape((60000, 28 * 28)).astype("float32") / 255
x_test = x_test.reshape((10000, 28 * 28)).astype("float32") / 255

model.fit(x_train, y_train, epochs=5, batch_size=128)
test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
print(f"test_acc: {test_acc:.4f}")
