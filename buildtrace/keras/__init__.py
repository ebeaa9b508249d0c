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

    # Submodules loaded on first use, like Keras's lazy ones.
    if name in {"datasets", "optimizers", "losses", "metrics", "callbacks"}:
        try:
            return importlib.import_module(f"buildtrace.keras.{name}")
        except ModuleNotFoundError:
            pass
    from buildtrace.keras.unsupported import unsupported

    raise unsupported(f"keras.{name}")
