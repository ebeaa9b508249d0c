"""Check by hand that files buildtrace saves load in real tf-keras 2.21, and record it.

Two steps, two interpreters (the test suite needs neither TensorFlow nor this script)::

    python scripts/check_saved_in_tf_keras.py write /tmp/bt_saved        # buildtrace's
    TF_USE_LEGACY_KERAS=1 python scripts/check_saved_in_tf_keras.py check /tmp/bt_saved

``write`` saves the seed model (small) and a small CNN with buildtrace as ``.keras``,
``.h5`` and ``.weights.h5``, with their predictions on fixed inputs and the layout of
each file. ``check`` loads each file in tf-keras, compares the predictions, and writes
the outcome with that layout to ``tests/data/saved/tf_keras_loads_buildtrace.json``;
``tests/keras/saving`` checks buildtrace still writes files of that layout.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

RECORD = Path(__file__).resolve().parent.parent / "tests" / "data" / "saved"
RECORD_FILE = RECORD / "tf_keras_loads_buildtrace.json"
FILES = ("seed.keras", "seed.h5", "seed.weights.h5", "cnn.keras", "cnn.h5", "cnn.weights.h5")


def layout(path: Path) -> dict[str, Any]:
    """What a Keras reader looks at: the config's keys and the HDF5 groups and shapes."""
    import h5py

    def walk(h5: Any) -> list[str]:
        found: list[str] = []
        h5.visititems(lambda n, o: found.append(f"{n} {list(getattr(o, 'shape', []))}"))
        return found

    if path.suffix == ".keras":
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
            with h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as h5:
                return {"config_keys": sorted(config), "h5": walk(h5)}
    with h5py.File(path) as h5:
        return {"attrs": sorted(h5.attrs), "h5": walk(h5)}


def write(folder: Path) -> None:
    from buildtrace import keras

    folder.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    seed = keras.Sequential(
        [keras.layers.Dense(16, activation="relu", input_shape=(784,)),
         keras.layers.Dense(10, activation="softmax")], name="seed",
    )  # fmt: skip
    seed.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["accuracy"])
    inputs = keras.Input((8, 8, 1), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.MaxPooling2D(name="pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(x)
    cnn = keras.Model(inputs, outputs, name="small_cnn")
    cnn.compile(keras.optimizers.Adam(0.01), "categorical_crossentropy", metrics=["accuracy"])
    expected = {}
    for name, model, data, target in (
        ("seed", seed, rng.random((4, 784), "float32"), np.arange(4) % 10),
        ("cnn", cnn, rng.random((4, 8, 8, 1), "float32"), np.eye(3)[np.arange(4) % 3]),
    ):
        model.train_on_batch(data, target)
        model.save(folder / f"{name}.keras")
        model.save(folder / f"{name}.h5")
        model.save_weights(folder / f"{name}.weights.h5")
        expected[f"{name}_x"] = data
        expected[f"{name}_y"] = model.predict(data, verbose=0)
    np.savez(folder / "expected.npz", **expected)
    print("wrote", folder)


def check(folder: Path) -> None:
    import tf_keras as keras

    expected = np.load(folder / "expected.npz")
    outcome: dict[str, Any] = {"checked_with": f"tf-keras {keras.__version__}", "files": {}}
    for file in FILES:
        name = file.split(".")[0]
        entry: dict[str, Any] = {"layout": layout(folder / file)}
        try:
            if file.endswith(".weights.h5"):
                model = keras.models.load_model(folder / f"{name}.keras")
                model = keras.models.clone_model(model)
                model.load_weights(folder / file)
            else:
                model = keras.models.load_model(folder / file)
            got = model.predict(expected[f"{name}_x"], verbose=0)
            entry["max_abs_diff"] = float(np.abs(got - expected[f"{name}_y"]).max())
            entry["loaded"] = entry["max_abs_diff"] < 1e-5
            if not file.endswith(".weights.h5"):
                entry["optimizer"] = type(model.optimizer).__name__
                entry["optimizer_iterations"] = int(model.optimizer.iterations.numpy())
        except Exception as err:  # record what tf-keras said
            entry["loaded"] = False
            entry["error"] = f"{type(err).__name__}: {err}"
        outcome["files"][file] = entry
        print(file, entry.get("loaded"), entry.get("error", entry.get("max_abs_diff")))
    RECORD_FILE.write_text(json.dumps(outcome, indent=1) + "\n")
    print("wrote", RECORD_FILE)


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](Path(sys.argv[2]))
