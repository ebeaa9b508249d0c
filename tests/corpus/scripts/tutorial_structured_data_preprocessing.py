"""Structured data with preprocessing layers, the way the tf.keras tutorial classifies pet
adoptions: a numeric feature normalised, integer and string categories looked up and
one-hot encoded, all as Keras layers inside a functional model with one input per column.
The table is generated here (no download, no pandas)."""

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

rng = np.random.default_rng(11)
n = 240
columns = {
    "Age": rng.integers(1, 60, n).astype("int64"),
    "Fee": rng.choice([0, 0, 0, 50, 100, 150, 200], n).astype("int64"),
    "PhotoAmt": rng.integers(0, 12, n).astype("float32"),
    "Type": rng.choice(["Cat", "Dog"], n),
    "Color1": rng.choice(["Black", "Brown", "Cream", "Golden", "Gray", "White"], n),
    "MaturitySize": rng.choice(["Small", "Medium", "Large"], n),
}
score = (
    (columns["Type"] == "Dog") * 0.8
    - columns["Age"] / 30.0
    + columns["PhotoAmt"] / 6.0
    - (columns["Fee"] > 100) * 0.5
)
target = (score + rng.normal(0, 0.4, n) > 0.2).astype("int64")

split = int(0.8 * n)
train = {k: v[:split] for k, v in columns.items()}
val = {k: v[split:] for k, v in columns.items()}


def df_to_dataset(features, labels, shuffle=True, batch_size=32):
    features = {key: value[:, tf.newaxis] for key, value in features.items()}
    ds = tf.data.Dataset.from_tensor_slices((dict(features), labels))
    if shuffle:
        ds = ds.shuffle(buffer_size=len(labels))
    ds = ds.batch(batch_size)
    return ds.prefetch(batch_size)


train_ds = df_to_dataset(train, target[:split], batch_size=32)
val_ds = df_to_dataset(val, target[split:], shuffle=False, batch_size=32)

[(train_features, label_batch)] = train_ds.take(1)
print("Every feature:", list(train_features.keys()))
print("A batch of ages:", train_features["Age"])


def get_normalization_layer(name, dataset):
    normalizer = layers.Normalization(axis=None)
    feature_ds = dataset.map(lambda x, y: x[name])
    normalizer.adapt(feature_ds)
    return normalizer


def get_category_encoding_layer(name, dataset, dtype, max_tokens=None):
    if dtype == "string":
        index = layers.StringLookup(max_tokens=max_tokens)
    else:
        index = layers.IntegerLookup(max_tokens=max_tokens)
    feature_ds = dataset.map(lambda x, y: x[name])
    index.adapt(feature_ds)
    encoder = layers.CategoryEncoding(num_tokens=index.vocabulary_size())
    return lambda feature: encoder(index(feature))


photo_count_col = train_features["PhotoAmt"]
layer = get_normalization_layer("PhotoAmt", train_ds)
print(layer(photo_count_col)[:3])

all_inputs = []
encoded_features = []

for header in ["PhotoAmt", "Fee"]:
    numeric_col = tf.keras.Input(shape=(1,), name=header)
    normalization_layer = get_normalization_layer(header, train_ds)
    encoded_numeric_col = normalization_layer(numeric_col)
    all_inputs.append(numeric_col)
    encoded_features.append(encoded_numeric_col)

age_col = tf.keras.Input(shape=(1,), name="Age", dtype="int64")
encoding_layer = get_category_encoding_layer("Age", train_ds, dtype="int64", max_tokens=5)
encoded_age_col = encoding_layer(age_col)
all_inputs.append(age_col)
encoded_features.append(encoded_age_col)

for header in ["Type", "Color1", "MaturitySize"]:
    categorical_col = tf.keras.Input(shape=(1,), name=header, dtype="string")
    encoding_layer = get_category_encoding_layer(header, train_ds, dtype="string", max_tokens=5)
    encoded_categorical_col = encoding_layer(categorical_col)
    all_inputs.append(categorical_col)
    encoded_features.append(encoded_categorical_col)

all_features = layers.concatenate(encoded_features)
x = layers.Dense(32, activation="relu")(all_features)
x = layers.Dropout(0.5)(x)
output = layers.Dense(1)(x)
model = tf.keras.Model(all_inputs, output)
model.compile(
    optimizer="adam",
    loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.summary()
history = model.fit(train_ds, epochs=8, validation_data=val_ds, verbose=0)
loss, accuracy = model.evaluate(val_ds, verbose=0)
print("Accuracy", accuracy)
assert history.history["loss"][-1] < history.history["loss"][0]

sample = {
    "Type": "Cat",
    "Age": 3,
    "Color1": "Black",
    "MaturitySize": "Small",
    "Fee": 100,
    "PhotoAmt": 2,
}
input_dict = {name: tf.convert_to_tensor([value]) for name, value in sample.items()}
predictions = model.predict(input_dict, verbose=0)
prob = tf.nn.sigmoid(predictions[0])
print(f"This particular pet had a {100 * float(prob[0]):.1f} percent probability of being adopted.")
