"""The matrix-shaped initializers: ``Orthogonal`` and ``Identity``.

Mirrors: ``keras/initializers/initializers.py::Orthogonal`` and ``::Identity`` of Keras 2
(kept apart from the elementwise ones for size). RNN recurrent kernels use
``Orthogonal``; identity kernels start residual-style layers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.initializers.initializers import Initializer, Shape, _dtype, _Seeded


class Orthogonal(_Seeded):
    """A random orthogonal matrix (times ``gain``), flattened to ``shape``.

    Mirrors: ``Orthogonal``: the QR decomposition of a normal matrix, with the signs of
    R's diagonal folded into Q so the result is uniformly distributed; a kernel of more
    than two dimensions is treated as ``(prod(shape[:-1]), shape[-1])``.

    Example:
        >>> q = Orthogonal(seed=1)((4, 4))
        >>> bool(np.allclose(q @ q.T, np.eye(4), atol=1e-5))
        True

    Raises:
        ValueError: a shape of fewer than two dimensions (Keras's message).
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape: Shape, dtype: str | None = None) -> np.ndarray:
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        rows = int(np.prod(shape[:-1]))
        cols = int(shape[-1])
        flat = (max(rows, cols), min(rows, cols))
        q, r = np.linalg.qr(self._rng().normal(0.0, 1.0, size=flat))
        q = q * np.sign(np.diag(r))  # make the decomposition unique, hence uniform
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2D shapes only).

    Example:
        >>> Identity(gain=2.0)((2, 3)).tolist()
        [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]

    Raises:
        ValueError: a shape that is not two-dimensional (Keras's message).
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Shape, dtype: str | None = None) -> np.ndarray:
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        return (self.gain * np.eye(*shape)).astype(_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}
