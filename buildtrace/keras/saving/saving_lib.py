"""The ``.keras`` file: a zip of ``config.json``, ``metadata.json`` and ``model.weights.h5``
(and ``assets/``: an adapted lookup layer's vocabulary).

Mirrors: ``keras/saving/saving_lib.py`` of tf-keras 2.21 (``save_model``, ``load_model``,
``save_weights_only``, ``load_weights_only``) and the ``compile_config`` that
``Model.get_compile_config`` / ``compile_from_config`` write and read.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import tempfile
import zipfile
from typing import Any

from buildtrace.keras.saving import serialization_lib, weights_store

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
ASSETS = "assets"


def _h5py() -> Any:
    try:
        import h5py
    except ImportError as err:  # a dependency of buildtrace; say how to get it back
        raise ImportError(
            "Saving and loading models needs h5py: `pip install h5py` in the environment "
            "buildtrace runs in."
        ) from err
    return h5py


# ---------------------------------------------------------------- compile config
def _serialize_named(value: Any, module: str) -> Any:
    """A loss/metric as compile received it: names stay names, objects become dicts."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_serialize_named(v, module) for v in value]
    if isinstance(value, dict):
        return {k: _serialize_named(v, module) for k, v in value.items()}
    if hasattr(value, "get_config"):
        return {"module": module, "class_name": type(value).__name__,
                "config": value.get_config(), "registered_name": None}  # fmt: skip
    return getattr(value, "__name__", str(value))


def compile_config(model: Any) -> dict[str, Any] | None:
    """Mirrors ``Model.get_compile_config``: the arguments ``compile`` was given."""
    args = getattr(model, "_compile_args", None)
    if args is None:
        return None
    from buildtrace.keras import optimizers

    optimizer = args["optimizer"]
    return {
        "optimizer": optimizer
        if isinstance(optimizer, str)
        else optimizers.serialize(model.optimizer),
        "loss": _serialize_named(args["loss"], "keras.losses"),
        "metrics": _serialize_named(args["metrics"], "keras.metrics"),
        "loss_weights": args["loss_weights"],
        "weighted_metrics": _serialize_named(args["weighted_metrics"], "keras.metrics"),
        "run_eagerly": None,
        "steps_per_execution": None,
        "jit_compile": None,
    }


def _plain(value: Any) -> Any:
    """A saved loss/metric back into what ``compile`` takes (names, or objects)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict) and "class_name" in value:
        config = value.get("config") or {}
        if value["class_name"] in {"MeanMetricWrapper", "function"} or "name" in config:
            return config.get("fn") if value["class_name"] == "function" else config.get("name")
        return value["class_name"]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _plain_loss(value: Any) -> Any:
    """A saved loss back into a loss: a ``Loss`` class with its config (``from_logits``
    included) is rebuilt as Keras's ``losses.get`` does; anything else as :func:`_plain`."""
    from buildtrace.keras import losses

    if isinstance(value, list):
        return [_plain_loss(v) for v in value]
    if isinstance(value, dict) and "class_name" in value:
        if value["class_name"] in losses._CLASSES:
            return losses.get({"class_name": value["class_name"], "config": value.get("config")})
        return _plain(value)
    if isinstance(value, dict):
        return {k: _plain_loss(v) for k, v in value.items()}
    return value


def compile_from_config(model: Any, config: dict[str, Any]) -> None:
    """Mirrors ``Model.compile_from_config``: compile again with the saved arguments."""
    from buildtrace.keras import optimizers

    optimizer = config.get("optimizer", "rmsprop")
    if isinstance(optimizer, dict):
        optimizer = dict(optimizer)
        optimizer["class_name"] = str(optimizer["class_name"]).removeprefix("Custom>")
        optimizer = optimizers.deserialize(optimizer)
    model.compile(
        optimizer=optimizer,
        loss=_plain_loss(config.get("loss")),
        metrics=_plain(config.get("metrics")),
        loss_weights=config.get("loss_weights"),
        weighted_metrics=_plain(config.get("weighted_metrics")),
    )


# ---------------------------------------------------------------- whole models
def save_model(model: Any, filepath: str) -> None:
    """Write ``filepath`` (a ``.keras`` zip). Mirrors ``saving_lib.save_model``."""
    h5py = _h5py()
    config = serialization_lib.model_config(model, v3=True)
    shape = getattr(model, "_build_input_shape", None)
    if shape is not None:
        config["build_config"] = {"input_shape": serialization_lib._jsonable(shape)}
    compiled = compile_config(model)
    if compiled is not None:
        config["compile_config"] = compiled
    metadata = {
        "keras_version": weights_store.KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        weights_store.save_v3(h5, model)
    with zipfile.ZipFile(filepath, "w") as archive:
        archive.writestr(METADATA, json.dumps(metadata))
        archive.writestr(CONFIG, json.dumps(config))
        archive.writestr(WEIGHTS, buffer.getvalue())
        _save_assets(archive, model)


def load_model(filepath: str, custom_objects: Any = None, compile: bool = True) -> Any:
    """Read a ``.keras`` file. Mirrors ``saving_lib.load_model``."""
    h5py = _h5py()
    with zipfile.ZipFile(filepath, "r") as archive:
        config = json.loads(archive.read(CONFIG))
        weights = archive.read(WEIGHTS)
        model = serialization_lib.model_from_config(config, custom_objects)
        _load_assets(archive, model)
    if compile and config.get("compile_config"):
        compile_from_config(model, config["compile_config"])
    with h5py.File(io.BytesIO(weights), "r") as h5:
        weights_store.load_v3(h5, model)
    return model


def _asset_layers(model: Any) -> list[tuple[str, Any]]:
    """The layers with assets (``save_assets``), each with its folder inside ``assets/``."""
    found = []
    for layer in getattr(model, "layers", []):
        if hasattr(layer, "save_assets"):
            found.append((f"{ASSETS}/layers/{layer.name}", layer))
    return found


def _save_assets(archive: zipfile.ZipFile, model: Any) -> None:
    """Each layer writes its assets into a scratch folder; they go into the zip.

    Mirrors the assets store of ``saving_lib._save_state`` (``save_assets(dir_path)``).
    """
    for folder, layer in _asset_layers(model):
        with tempfile.TemporaryDirectory() as scratch:
            layer.save_assets(scratch)
            for name in sorted(os.listdir(scratch)):
                archive.write(os.path.join(scratch, name), f"{folder}/{name}")


def _load_assets(archive: zipfile.ZipFile, model: Any) -> None:
    """The other way: unpack a layer's assets into a scratch folder for ``load_assets``."""
    names = archive.namelist()
    for folder, layer in _asset_layers(model):
        files = [n for n in names if n.startswith(folder + "/")]
        if not files:
            continue
        with tempfile.TemporaryDirectory() as scratch:
            for name in files:
                with open(os.path.join(scratch, name[len(folder) + 1 :]), "wb") as f:
                    f.write(archive.read(name))
            layer.load_assets(scratch)


def is_keras_zip(filepath: str) -> bool:
    """Whether ``filepath`` is a ``.keras`` zip (by name, or by content)."""
    return str(filepath).endswith(".keras") or (
        os.path.isfile(filepath) and zipfile.is_zipfile(filepath)
    )


def save_weights_only(model: Any, filepath: str) -> None:
    """Write ``*.weights.h5`` in the ``.keras`` layout. Mirrors ``save_weights_only``."""
    with _h5py().File(filepath, "w") as h5:
        weights_store.save_v3(h5, model)


def load_weights_only(model: Any, filepath: str) -> None:
    """Read a ``*.weights.h5`` (or the weights inside a ``.keras`` zip)."""
    h5py = _h5py()
    if zipfile.is_zipfile(filepath):
        with zipfile.ZipFile(filepath) as archive:
            data = archive.read(WEIGHTS)
        with h5py.File(io.BytesIO(data), "r") as h5:
            weights_store.load_v3(h5, model)
        return
    with h5py.File(filepath, "r") as h5:
        weights_store.load_v3(h5, model)
