"""Training from image files in folders, the "dogs vs cats" chapter's way: a train and a
validation folder with a subfolder per class, `flow_from_directory` with augmentation,
and a look at augmented copies of one picture. The pictures are made up here (bright at
the top: "cats", bright at the bottom: "dogs") and written to a temporary folder."""

import os
import shutil
import tempfile

import numpy as np
from tensorflow.keras import layers, models, optimizers
from tensorflow.keras.preprocessing import image
from tensorflow.keras.preprocessing.image import ImageDataGenerator

base_dir = tempfile.mkdtemp()
rng = np.random.default_rng(0)


def write_pictures(folder, label, count):
    os.makedirs(folder)
    for i in range(count):
        picture = rng.uniform(0, 90, (30, 30, 3))
        rows = slice(0, 15) if label == "cats" else slice(15, 30)
        picture[rows] += 150
        image.save_img(os.path.join(folder, f"{label}.{i}.png"), picture, scale=False)


for split, count in (("train", 30), ("validation", 10)):
    for label in ("cats", "dogs"):
        write_pictures(os.path.join(base_dir, split, label), label, count)
train_dir = os.path.join(base_dir, "train")
validation_dir = os.path.join(base_dir, "validation")

model = models.Sequential()
model.add(layers.Conv2D(8, (3, 3), activation="relu", input_shape=(24, 24, 3)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(16, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Flatten())
model.add(layers.Dense(16, activation="relu"))
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(
    loss="binary_crossentropy", optimizer=optimizers.RMSprop(learning_rate=1e-3), metrics=["acc"]
)

train_datagen = ImageDataGenerator(
    rescale=1.0 / 255,
    rotation_range=10,
    width_shift_range=0.1,
    height_shift_range=0.1,
    zoom_range=0.1,
    horizontal_flip=True,
)
test_datagen = ImageDataGenerator(rescale=1.0 / 255)
train_generator = train_datagen.flow_from_directory(
    train_dir, target_size=(24, 24), batch_size=10, class_mode="binary"
)
validation_generator = test_datagen.flow_from_directory(
    validation_dir, target_size=(24, 24), batch_size=10, class_mode="binary"
)
assert train_generator.class_indices == {"cats": 0, "dogs": 1}
assert train_generator.samples == 60 and len(train_generator.filenames) == 60

for data_batch, labels_batch in train_generator:
    print("data batch shape:", data_batch.shape)
    print("labels batch shape:", labels_batch.shape)
    break
assert data_batch.shape == (10, 24, 24, 3) and 0.0 <= data_batch.min() <= data_batch.max() <= 1.0

history = model.fit(
    train_generator,
    steps_per_epoch=6,
    epochs=4,
    validation_data=validation_generator,
    validation_steps=2,
    verbose=2,
)
acc, val_acc = history.history["acc"], history.history["val_acc"]
print("accuracy by epoch:", acc, "validation:", val_acc)
assert len(val_acc) == 4

# Augmented copies of one training picture, as the chapter draws them.
fnames = sorted(
    os.path.join(train_dir, "cats", f) for f in os.listdir(os.path.join(train_dir, "cats"))
)
img = image.load_img(fnames[3], target_size=(24, 24))
x = image.img_to_array(img)
x = x.reshape((1, *x.shape))
copies = []
for batch in train_datagen.flow(x, batch_size=1):
    copies.append(image.array_to_img(batch[0]))
    if len(copies) == 4:
        break
assert [c.size for c in copies] == [(24, 24)] * 4

shutil.rmtree(base_dir)
