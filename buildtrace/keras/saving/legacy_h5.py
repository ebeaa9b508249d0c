"""The legacy ``.h5`` format: a model's config, training config and weights in one HDF5 file.

Mirrors: ``keras/saving/legacy/hdf5_format.py`` (``save_model_to_hdf5``,
``load_model_from_hdf5``, ``save_weights_to_hdf5_group`` and their readers) of tf-keras
2.21: ``model_config`` and ``training_config`` as JSON attributes, weights under
``model_weights``, the optimizer's state under ``optimizer_weights``.
"""

from __future__ import annotations

import json
from typing import Any

from buildtrace.keras.saving import saving_lib, serialization_lib, weights_store


def save_model_to_hdf5(model: Any, filepath: str, include_optimizer: bool = True) -> None:
    """Write the whole model. Mirrors ``save_model_to_hdf5``."""
    h5py = saving_lib._h5py()
    with h5py.File(filepath, "w") as h5:
        config = serialization_lib.model_config(model, v3=False)
        h5.attrs["model_config"] = json.dumps(config)
        h5.attrs["backend"] = "tensorflow"
        h5.attrs["keras_version"] = weights_store.KERAS_VERSION
        weights_store.save_legacy(h5.create_group("model_weights"), model)
        compiled = saving_lib.compile_config(model)
        if include_optimizer and compiled is not None and model.optimizer is not None:
            from buildtrace.keras import optimizers

            optimizer = optimizers.serialize(model.optimizer)
            training = {
                "loss": compiled["loss"],
                "metrics": compiled["metrics"],
                "weighted_metrics": compiled["weighted_metrics"],
                "loss_weights": compiled["loss_weights"],
                "optimizer_config": {
                    "class_name": f"Custom>{optimizer['class_name']}",
                    "config": optimizer["config"],
                },
            }
            h5.attrs["training_config"] = json.dumps(training)
            weights_store.save_legacy_optimizer(h5, model.optimizer)


def load_model_from_hdf5(filepath: str, custom_objects: Any = None, compile: bool = True) -> Any:
    """Read the whole model. Mirrors ``load_model_from_hdf5``.

    Raises:
        ValueError: the file holds weights only (Keras's message).
    """
    h5py = saving_lib._h5py()
    with h5py.File(filepath, "r") as h5:
        raw = h5.attrs.get("model_config")
        if raw is None:
            raise ValueError(f"No model config found in the file at {filepath}.")
        config = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        model = serialization_lib.model_from_config(config, custom_objects)
        weights_store.load_legacy(h5["model_weights"], model)
        training = h5.attrs.get("training_config")
        if compile and training is not None:
            training = json.loads(
                training.decode("utf-8") if isinstance(training, bytes) else training
            )
            saving_lib.compile_from_config(
                model,
                {
                    "optimizer": training["optimizer_config"],
                    "loss": training.get("loss"),
                    "metrics": _single_output(training.get("metrics")),
                    "loss_weights": training.get("loss_weights"),
                    "weighted_metrics": _single_output(training.get("weighted_metrics")),
                },
            )
            weights_store.load_legacy_optimizer(h5, model)
    return model


def _single_output(metrics: Any) -> Any:
    """Keras nests metrics per output (``[[acc]]``); a one-output model takes ``[acc]``."""
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
        return metrics[0]
    return metrics


def save_weights_to_hdf5(model: Any, filepath: str) -> None:
    """Write the weights only, one group per layer at the file's root."""
    with saving_lib._h5py().File(filepath, "w") as h5:
        weights_store.save_legacy(h5, model)


def load_weights_from_hdf5(model: Any, filepath: str) -> None:
    """Read weights from a legacy ``.h5`` (weights only, or a whole saved model)."""
    with saving_lib._h5py().File(filepath, "r") as h5:
        if "layers" in h5 and "layer_names" not in h5.attrs:
            weights_store.load_v3(h5, model)
        elif "model_weights" in h5:
            weights_store.load_legacy(h5["model_weights"], model)
        else:
            weights_store.load_legacy(h5, model)
