"""Real-time data augmentation in the Keras 2 examples' way: an ImageDataGenerator fit
on the training images (feature-wise normalization), then `fit` on its `flow`, with
`steps_per_epoch`, on a subset of CIFAR-10."""

import numpy as np
from tensorflow import keras
from tensorflow.keras.datasets import cifar10
from tensorflow.keras.layers import Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from tensorflow.keras.models import Sequential
from tensorflow.keras.preprocessing.image import ImageDataGenerator

batch_size = 32
num_classes = 10

(x_train, y_train), (x_test, y_test) = cifar10.load_data()
x_train, y_train = x_train[:320].astype("float32") / 255, y_train[:320]
x_test, y_test = x_test[:64].astype("float32") / 255, y_test[:64]
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = Sequential()
model.add(Conv2D(16, (3, 3), padding="same", input_shape=x_train.shape[1:]))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(64))
model.add(Activation("relu"))
model.add(Dense(num_classes))
model.add(Activation("softmax"))
model.compile(
    loss="categorical_crossentropy",
    optimizer=keras.optimizers.RMSprop(learning_rate=0.0005),
    metrics=["accuracy"],
)

datagen = ImageDataGenerator(
    featurewise_center=True,
    featurewise_std_normalization=True,
    rotation_range=10,
    width_shift_range=0.1,
    height_shift_range=0.1,
    horizontal_flip=True,
    fill_mode="nearest",
)
datagen.fit(x_train)
print("per-channel mean:", datagen.mean.ravel(), "std:", datagen.std.ravel())
assert datagen.mean.shape == (1, 1, 3)

# The same normalization for the test images, without augmentation.
x_test_normalized = np.stack([datagen.standardize(image.copy()) for image in x_test])

history = model.fit(
    datagen.flow(x_train, y_train, batch_size=batch_size),
    steps_per_epoch=len(x_train) // batch_size,
    epochs=2,
    validation_data=(x_test_normalized, y_test),
    verbose=2,
)
assert len(history.history["val_accuracy"]) == 2

# A look at one augmented batch, as the tutorials do before training.
images, labels = next(datagen.flow(x_train, y_train, batch_size=9, seed=1))
assert images.shape == (9, 32, 32, 3) and labels.shape == (9, 10)
print(f"augmented batch: mean {images.mean():.3f}, std {images.std():.3f}")

scores = model.evaluate(x_test_normalized, y_test, verbose=0)
print("Test loss:", scores[0])
print("Test accuracy:", scores[1])
