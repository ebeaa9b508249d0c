"""The image classification tutorial's pipeline: `image_dataset_from_directory` with a
training/validation split, the class names it finds, `cache`/`shuffle`/`prefetch`, and a
`Rescaling` layer in the model. The flower photos are stand-ins made here (three colours
of blossom on a dark background) and written to a temporary folder as PNG files."""

import os
import shutil
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

data_dir = tempfile.mkdtemp()
rng = np.random.default_rng(1)
for channel, flower in enumerate(["daisy", "roses", "tulips"]):
    os.makedirs(os.path.join(data_dir, flower))
    for i in range(16):
        photo = rng.uniform(0, 60, (40, 36, 3))
        top, left = rng.integers(4, 16, 2)
        photo[top : top + 20, left : left + 16, channel] += 180
        keras.utils.save_img(os.path.join(data_dir, flower, f"{i}.png"), photo, scale=False)

image_count = sum(len(files) for _, _, files in os.walk(data_dir))
print(image_count)
batch_size, img_height, img_width = 8, 24, 24

train_ds = tf.keras.utils.image_dataset_from_directory(
    data_dir,
    validation_split=0.25,
    subset="training",
    seed=123,
    image_size=(img_height, img_width),
    batch_size=batch_size,
)
val_ds = tf.keras.utils.image_dataset_from_directory(
    data_dir,
    validation_split=0.25,
    subset="validation",
    seed=123,
    image_size=(img_height, img_width),
    batch_size=batch_size,
)
class_names = train_ds.class_names
print(class_names)
assert class_names == ["daisy", "roses", "tulips"]

for image_batch, labels_batch in train_ds:
    print(image_batch.shape)
    print(labels_batch.shape)
    break
assert tuple(image_batch.shape) == (8, 24, 24, 3)

AUTOTUNE = tf.data.AUTOTUNE
train_ds = train_ds.cache().shuffle(100).prefetch(buffer_size=AUTOTUNE)
val_ds = val_ds.cache().prefetch(buffer_size=AUTOTUNE)

normalization_layer = layers.Rescaling(1.0 / 255)
normalized_ds = train_ds.map(lambda x, y: (normalization_layer(x), y))
first_image = next(iter(normalized_ds))[0][0]
print(np.min(first_image), np.max(first_image))
assert 0.0 <= np.min(first_image) <= np.max(first_image) <= 1.0

num_classes = len(class_names)
model = keras.Sequential(
    [
        layers.Rescaling(1.0 / 255, input_shape=(img_height, img_width, 3)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(16, activation="relu"),
        layers.Dense(num_classes),
    ]
)
model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = model.fit(train_ds, validation_data=val_ds, epochs=3, verbose=2)
print(history.history["val_accuracy"])
assert len(history.history["val_accuracy"]) == 3

# Predict a new picture, as the tutorial does with a sunflower from the web.
img = keras.utils.load_img(
    os.path.join(data_dir, "roses", "0.png"), target_size=(img_height, img_width)
)
img_array = tf.expand_dims(keras.utils.img_to_array(img), 0)
score = tf.nn.softmax(model.predict(img_array, verbose=0)[0])
best = class_names[np.argmax(score)]
print(
    f"This image most likely belongs to {best} with a {100 * np.max(score):.2f} percent confidence."
)
shutil.rmtree(data_dir)
