"""Save a trained model every way Keras 2 offers, load it back, and compare predictions."""

import numpy as np
from tensorflow import keras

rng = np.random.default_rng(0)
x = rng.normal(size=(256, 8)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("int32")

inputs = keras.Input(shape=(8,), name="features")
hidden = keras.layers.Dense(16, activation="relu")(inputs)
outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
model = keras.Model(inputs, outputs, name="classifier")
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
model.fit(x, y, epochs=2, batch_size=32, verbose=0)
expected = model.predict(x[:10], verbose=0)

model.save("classifier.keras")
model.save("classifier.h5")
for path in ("classifier.keras", "classifier.h5"):
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(x[:10], verbose=0), expected, rtol=1e-6)
    restored.fit(x, y, epochs=1, verbose=0)  # compiled again, optimizer state included

model.save_weights("classifier.weights.h5")
fresh = keras.models.model_from_json(model.to_json())
fresh.load_weights("classifier.weights.h5")
np.testing.assert_allclose(fresh.predict(x[:10], verbose=0), expected, rtol=1e-6)

twin = keras.models.clone_model(model)
twin.set_weights(model.get_weights())
np.testing.assert_allclose(twin.predict(x[:10], verbose=0), expected, rtol=1e-6)
print("all formats round-trip")
