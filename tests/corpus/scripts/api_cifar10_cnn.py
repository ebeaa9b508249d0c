"""A small CNN on CIFAR-10 colour images (a subset, one epoch)."""

from tensorflow.keras import datasets, layers, models, utils

(train_images, train_labels), (test_images, test_labels) = datasets.cifar10.load_data()
train_images, test_images = train_images[:1000] / 255.0, test_images[:200] / 255.0
train_labels = utils.to_categorical(train_labels[:1000], 10)
test_labels = utils.to_categorical(test_labels[:200], 10)
assert train_labels.shape == (1000, 10)

model = models.Sequential()
model.add(layers.Conv2D(8, (3, 3), activation="relu", input_shape=(32, 32, 3)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(16, (3, 3), activation="relu", padding="same"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Flatten())
model.add(layers.Dense(32, activation="relu"))
model.add(layers.Dense(10, activation="softmax"))
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(
    train_images,
    train_labels,
    epochs=1,
    batch_size=50,
    validation_data=(test_images, test_labels),
    verbose=0,
)
print(history.history)
assert "val_accuracy" in history.history
