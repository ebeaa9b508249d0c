"""A kernel machine in Keras: random Fourier features under a linear layer trained with
a hinge loss (a "quasi-SVM"), the trainable kernel scale learning along."""

import numpy as np
from tensorflow import keras
from tensorflow.keras.layers.experimental import RandomFourierFeatures

rng = np.random.default_rng(5)
# Two rings: not linearly separable, separable after the kernel map.
radius = np.where(rng.random(400) < 0.5, 1.0, 2.5)
angle = rng.uniform(0, 2 * np.pi, 400)
x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1).astype("float32")
x += rng.normal(scale=0.1, size=x.shape).astype("float32")
y = keras.utils.to_categorical((radius > 1.5).astype("int32"), 2)

features = RandomFourierFeatures(output_dim=256, scale=1.0, trainable=True)
model = keras.Sequential([keras.Input(shape=(2,)), features, keras.layers.Dense(2)])
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    loss=keras.losses.hinge,
    metrics=[keras.metrics.CategoricalAccuracy(name="acc")],
)
model.summary()
print([w.name for w in model.layers[0].weights])
assert [w.name.split("/")[-1] for w in features.trainable_weights] == ["kernel_scale:0"]
scale_before = float(features.kernel_scale.numpy()[0])
history = model.fit(x, y, epochs=8, batch_size=32, verbose=0, validation_split=0.2)
print("val acc:", [round(a, 3) for a in history.history["val_acc"]])
assert history.history["val_acc"][-1] > 0.8
assert float(features.kernel_scale.numpy()[0]) != scale_before
