"""A mini-Keras 2 on numpy that reports every step of a build as an event.

Use it as you would ``tf.keras``::

    from buildtrace import keras
    model = keras.Sequential([keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.build(input_shape=(None, 784))

The package layout mirrors Keras 2's (``keras/engine/base_layer.py``,
``keras/engine/sequential.py``, ``keras/layers/core/dense.py``...), so every traced
function has the name it has in Keras.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras import activations, backend, initializers, layers, models, utils
from buildtrace.keras.engine.functional import Functional
from buildtrace.keras.engine.input_layer import Input
from buildtrace.keras.engine.sequential import Sequential
from buildtrace.keras.engine.training import Model
from buildtrace.keras.unsupported import module_getattr

__version__ = "2.21.0-buildtrace"

__all__ = [
    "Functional",
    "Input",
    "Model",
    "Sequential",
    "activations",
    "backend",
    "initializers",
    "layers",
    "models",
    "utils",
]


def __getattr__(name: str) -> Any:
    import importlib
    import importlib.util

    # Submodules loaded on first use, like Keras's lazy ones. (Only Keras's own names:
    # buildtrace's internal `ops` kernels are not part of the Keras API.)
    lazy = {"datasets", "optimizers", "losses", "metrics", "callbacks", "regularizers", "saving"}
    lazy.add("preprocessing")
    if name in lazy and importlib.util.find_spec(f"buildtrace.keras.{name}") is not None:
        return importlib.import_module(f"buildtrace.keras.{name}")
    return module_getattr("keras")(name)
