"""Models in and out: ``.keras``, ``.h5``, weights files, JSON, configs, clones.

``tests/data/saved/`` holds files written by real tf-keras 2.21
(``scripts/record_saved_models.py``) and the outcome of loading buildtrace's own files
in tf-keras (``scripts/check_saved_in_tf_keras.py``, with the layout of each file).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras.unsupported import NotSupportedByBuildtrace

h5py = pytest.importorskip("h5py")

SAVED = Path(__file__).parents[2] / "data" / "saved"
EXPECTED = np.load(SAVED / "expected.npz")
TF_KERAS_OUTCOME = json.loads((SAVED / "tf_keras_loads_buildtrace.json").read_text())


def _seed() -> Any:
    model = keras.Sequential(
        [keras.layers.Dense(16, activation="relu", input_shape=(784,)),
         keras.layers.Dense(10, activation="softmax")], name="seed",
    )  # fmt: skip
    model.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _cnn() -> Any:
    inputs = keras.Input((8, 8, 1), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.MaxPooling2D(name="pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(x)
    model = keras.Model(inputs, outputs, name="small_cnn")
    model.compile(keras.optimizers.Adam(0.01), "categorical_crossentropy", metrics=["accuracy"])
    return model


def _trained(name: str) -> tuple[Any, np.ndarray]:
    keras.utils.set_random_seed(0)
    model = _seed() if name == "seed" else _cnn()
    x = EXPECTED[f"{name}_x"]
    y = np.arange(4) % 10 if name == "seed" else np.eye(3)[np.arange(4) % 3]
    model.train_on_batch(x, y)
    return model, x


@pytest.mark.parametrize("file", ["seed.keras", "seed.h5", "cnn.keras", "cnn.h5"])
def test_loads_files_written_by_tf_keras(file: str) -> None:
    name = file.split(".")[0]
    model = keras.models.load_model(SAVED / file)
    got = model.predict(EXPECTED[f"{name}_x"], verbose=0)
    np.testing.assert_allclose(got, EXPECTED[f"{name}_y"], atol=1e-6)
    # compiled again, with the optimizer's state after tf-keras's one step
    assert int(model.optimizer.iterations) == 1
    assert type(model.optimizer).__name__ == ("RMSprop" if name == "seed" else "Adam")


@pytest.mark.parametrize("name", ["seed", "cnn"])
def test_load_weights_written_by_tf_keras(name: str) -> None:
    model = _seed() if name == "seed" else _cnn()
    model.load_weights(SAVED / f"{name}.weights.h5")
    got = model.predict(EXPECTED[f"{name}_x"], verbose=0)
    np.testing.assert_allclose(got, EXPECTED[f"{name}_y"], atol=1e-6)


def _layout(path: Path) -> dict[str, Any]:
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


@pytest.mark.parametrize("file", sorted(TF_KERAS_OUTCOME["files"]))
def test_files_we_write_have_the_layout_tf_keras_loaded(file: str, tmp_path: Path) -> None:
    recorded = TF_KERAS_OUTCOME["files"][file]
    assert recorded["loaded"], recorded.get("error")
    name = file.split(".")[0]
    model, _ = _trained(name)
    path = tmp_path / file
    if file.endswith(".weights.h5"):
        model.save_weights(path)
    else:
        model.save(path)
    assert _layout(path) == recorded["layout"]


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
@pytest.mark.parametrize("name", ["seed", "cnn"])
def test_round_trip_keeps_weights_compile_and_optimizer_state(
    name: str, suffix: str, tmp_path: Path
) -> None:
    model, x = _trained(name)
    model.save(tmp_path / f"m{suffix}")
    loaded = keras.models.load_model(tmp_path / f"m{suffix}")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_config() == model.get_config()
    # One more step on each: the same numbers, since the optimizer state came back too.
    y = np.arange(4) % 10 if name == "seed" else np.eye(3)[np.arange(4) % 3]
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_json_and_config_round_trips_rebuild_the_graph() -> None:
    model = _cnn()
    again = keras.models.model_from_json(model.to_json())
    assert [type(layer).__name__ for layer in again.layers] == [
        "InputLayer", "Conv2D", "MaxPooling2D", "Flatten", "Dense",
    ]  # fmt: skip
    assert again.get_config() == model.get_config()
    config = model.get_config()
    assert config["input_layers"] == [["image", 0, 0]]
    assert config["layers"][1]["inbound_nodes"] == [[["image", 0, 0, {}]]]
    seq = _seed()
    assert keras.Sequential.from_config(seq.get_config()).get_config() == seq.get_config()


def test_clone_model_has_the_config_and_new_weights() -> None:
    model, _ = _trained("seed")
    clone = keras.models.clone_model(model)
    assert clone.get_config() == model.get_config()
    assert clone.weights[0] is not model.weights[0]
    assert not np.array_equal(clone.get_weights()[0], model.get_weights()[0])


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda m, p: keras.models.load_model(p), "SavedModel directory"),
        (lambda m, p: m.load_weights(p / "ckpt"), "checkpoint format"),
    ],
)
def test_tensorflow_formats_are_refused_clearly(call: Any, named: str, tmp_path: Path) -> None:
    with pytest.raises(NotSupportedByBuildtrace, match=named):
        call(_seed(), tmp_path)


def test_load_model_of_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="No file or directory found at"):
        keras.models.load_model(tmp_path / "nope.keras")


def test_model_checkpoint_saves_the_best_epochs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(0)
    x = rng.random((40, 784), "float32")
    y = rng.integers(0, 10, 40)
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "best.keras"), monitor="loss", save_best_only=True, verbose=1
    )
    _seed().fit(x, y, epochs=2, callbacks=[checkpoint], verbose=0)
    assert "Epoch 1: loss improved from inf to" in capsys.readouterr().out
    assert (tmp_path / "best.keras").exists()
    keras.models.load_model(tmp_path / "best.keras")
    per_epoch = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "w.{epoch:02d}.weights.h5"), save_weights_only=True
    )
    _seed().fit(x, y, epochs=2, callbacks=[per_epoch], verbose=0)
    assert sorted(p.name for p in tmp_path.glob("w.*")) == ["w.01.weights.h5", "w.02.weights.h5"]
