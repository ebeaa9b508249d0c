"""Small pieces the recurrent layers share.

Mirrors: ``keras/layers/rnn/rnn_utils.py`` (in part). ``get_initializer`` resolves the
names the recurrent layers use by default (``"orthogonal"`` for the recurrent kernel,
``"uniform"`` for embeddings) even where ``keras.initializers`` does not list them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import initializers
from buildtrace.keras.initializers.initializers import RandomUniform, _dtype, _Seeded


class Orthogonal(_Seeded):
    """A random orthogonal matrix (times ``gain``): the recurrent kernel's default.

    Mirrors: ``keras/initializers/initializers.py::Orthogonal``: the Q of the QR
    decomposition of a normal matrix, signs fixed by R's diagonal, so repeated steps
    neither grow nor shrink the state at the start of training.
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape: Any, dtype: str | None = None) -> np.ndarray:
        shape = tuple(shape)
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        a = self._rng().normal(size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape).astype(_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed}


def get_initializer(identifier: Any) -> Any:
    """``initializers.get``, plus ``"orthogonal"`` and ``"uniform"`` where it lacks them."""
    try:
        return initializers.get(identifier)
    except (ValueError, KeyError, AttributeError):
        name = identifier.get("class_name") if isinstance(identifier, dict) else identifier
        config = identifier.get("config", {}) if isinstance(identifier, dict) else {}
        if name in ("orthogonal", "Orthogonal"):
            return Orthogonal(**config)
        if name == "uniform":
            return RandomUniform()
        raise


def serialize(initializer: Any) -> Any:
    """An initializer's config, as ``keras.initializers.serialize`` writes it."""
    if initializer is None or not hasattr(initializer, "get_config"):
        return None
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def refuse_unsupported(**arguments: Any) -> None:
    """Regularizers and constraints of recurrent layers are not modelled: say so."""
    for name, value in arguments.items():
        if value is not None:
            raise NotImplementedError(f"`{name}` is not supported by buildtrace.")
