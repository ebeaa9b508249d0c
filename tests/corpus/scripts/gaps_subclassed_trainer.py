"""Subclassed models trained with fit: one with its own layers, one wrapping another model."""

import tensorflow as tf
from tensorflow import keras


class TwoLayerNet(keras.Model):
    def __init__(self, hidden_units, num_classes):
        super().__init__()
        self.hidden = keras.layers.Dense(hidden_units, activation="relu")
        self.dropout = keras.layers.Dropout(0.1)
        self.classifier = keras.layers.Dense(num_classes, activation="softmax")

    def call(self, inputs, training=False):
        return self.classifier(self.dropout(self.hidden(inputs), training=training))


class Trainer(keras.Model):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self.inner(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def call(self, x):
        return self.inner(x)


(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train[:1024].reshape(-1, 784).astype("float32") / 255.0
x_test = x_test[:256].reshape(-1, 784).astype("float32") / 255.0
y_train, y_test = y_train[:1024], y_test[:256]

net = TwoLayerNet(32, 10)
net.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
net.fit(x_train, y_train, epochs=1, batch_size=64, validation_data=(x_test, y_test))
print("test:", net.evaluate(x_test, y_test, verbose=0))

inner = keras.Sequential([keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)])
trainer = Trainer(inner)
trainer.compile(
    optimizer=keras.optimizers.SGD(0.1),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
trainer.fit(x_train, y_train, epochs=1, batch_size=64)
