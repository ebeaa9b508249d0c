"""``keras.models``: the model classes, saving and loading, cloning.

Mirrors: ``keras/models/__init__.py`` (``load_model``, ``save_model``,
``model_from_json``, ``model_from_config``) and ``keras/models/cloning.py::clone_model``.
"""

from __future__ import annotations

import json
from typing import Any

from buildtrace.keras.engine.functional import Functional
from buildtrace.keras.engine.sequential import Sequential
from buildtrace.keras.engine.training import Model
from buildtrace.keras.saving.saving_api import load_model, save_model
from buildtrace.keras.saving.serialization_lib import model_config, model_from_config
from buildtrace.keras.unsupported import module_getattr, unsupported

__all__ = [
    "Functional",
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_config",
    "model_from_json",
    "save_model",
]


def model_from_json(json_string: str, custom_objects: Any = None) -> Model:
    """A new (untrained) model from ``model.to_json()``. Mirrors ``model_from_json``."""
    model: Model = model_from_config(json.loads(json_string), custom_objects)
    return model


def clone_model(model: Model, input_tensors: Any = None, clone_function: Any = None) -> Model:
    """A new model with the same layers' configs and *new* weights (freshly initialised).

    Mirrors: ``keras/models/cloning.py::clone_model``: each layer is rebuilt from its
    config (``clone_function`` may replace that for a ``Sequential``), the graph is
    rebuilt the same way, and weights are not copied (call ``set_weights`` for that).
    """
    if input_tensors is not None:
        raise unsupported("keras.models.clone_model(input_tensors=...)")
    if clone_function is not None:
        if not isinstance(model, Sequential):
            raise unsupported("keras.models.clone_model(clone_function=...) of a functional model")
        clone = Sequential(name=model.name)
        input_shape = model._build_input_shape if model.built else None
        for layer in model.layers:
            clone.add(clone_function(layer))
        if input_shape is not None and not clone.built:
            clone.build(input_shape)
        return clone
    cloned: Model = model_from_config(model_config(model, v3=False))
    return cloned


__getattr__ = module_getattr("keras.models")
