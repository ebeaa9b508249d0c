"""Weight initializers, named and parameterised as in Keras 2.

Mirrors: ``keras/initializers/initializers.py``. Each initializer is a callable
``init(shape, dtype) -> np.ndarray``. Without a ``seed`` they draw from the session
generator (``keras.utils.set_random_seed`` makes runs repeatable); with a ``seed`` they
give the same values every call, as Keras 2's seeded initializers do.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from buildtrace.keras import backend

Shape = tuple[int, ...]


class Initializer:
    """Base class: ``__call__(shape, dtype)`` and a config that round-trips."""

    def __call__(self, shape: Shape, dtype: str | None = None) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, so ``cls(**config)`` rebuilds the initializer."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _dtype(dtype: str | None) -> str:
    return dtype or backend.floatx()


class _Seeded(Initializer):
    """Shared by the random initializers: where the random numbers come from."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed

    def _rng(self) -> np.random.Generator:
        return np.random.default_rng(self.seed) if self.seed is not None else backend.rng()


class Zeros(Initializer):
    """All zeros (Keras's default for biases)."""

    def __call__(self, shape: Shape, dtype: str | None = None) -> np.ndarray:
        return np.zeros(shape, dtype=_dtype(dtype))


class Ones(Initializer):
    """All ones (BatchNormalization's ``gamma`` and moving variance)."""

    def __call__(self, shape: Shape, dtype: str | None = None) -> np.ndarray:
        return np.ones(shape, dtype=_dtype(dtype))


class Constant(Initializer):
    """Every value ``value``."""

    def __init__(self, value: float = 0) -> None:
        self.value = value

    def __call__(self, shape: Shape, dtype: str | None = None) -> np.ndarray:
        return np.full(shape, self.value, dtype=_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value}


class RandomUniform(_Seeded):
    """Uniform on ``[minval, maxval)``."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape: Shape, dtype: str | None = None) -> np.ndarray:
        values = self._rng().uniform(self.minval, self.maxval, size=shape)
        return values.astype(_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(_Seeded):
    """Normal with ``mean`` and ``stddev``."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape: Shape, dtype: str | None = None) -> np.ndarray:
        values = self._rng().normal(self.mean, self.stddev, size=shape)
        return values.astype(_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _truncated_normal(
    rng: np.random.Generator, mean: float, stddev: float, shape: Shape
) -> np.ndarray:
    """Normal draws, redrawing any farther than two standard deviations from the mean."""
    values = rng.normal(0.0, 1.0, size=shape)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.normal(0.0, 1.0, size=int(outside.sum()))
        outside = np.abs(values) > 2.0
    return mean + stddev * values


class TruncatedNormal(_Seeded):
    """Normal with ``mean`` and ``stddev``, cut at two standard deviations."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape: Shape, dtype: str | None = None) -> np.ndarray:
        values = _truncated_normal(self._rng(), self.mean, self.stddev, shape)
        return values.astype(_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def compute_fans(shape: Shape) -> tuple[float, float]:
    """Fan-in and fan-out of a weight shape. Mirrors ``initializers._compute_fans``.

    A Dense kernel ``(784, 512)`` has fan-in 784 and fan-out 512; a Conv2D kernel
    ``(3, 3, 1, 32)`` has fan-in 3·3·1 = 9 and fan-out 3·3·32 = 288.
    """
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive_field = math.prod(shape[:-2])
    return float(shape[-2] * receptive_field), float(shape[-1] * receptive_field)


class VarianceScaling(_Seeded):
    """Random values whose variance is ``scale / n``, ``n`` the fan chosen by ``mode``.

    ``distribution="uniform"`` draws from ``±sqrt(3·scale/n)``; ``"truncated_normal"``
    uses stddev ``sqrt(scale/n) / 0.8796...`` (the stddev of a unit normal cut at ±2,
    so the cut distribution keeps the intended variance).
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ) -> None:
        super().__init__(seed)
        if scale <= 0.0:
            raise ValueError(f"`scale` must be positive float. Received: scale={scale}.")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError(
                "Invalid `mode` argument: expected on of {'fan_in', 'fan_out', 'fan_avg'}. "
                f"Received: mode={mode}"
            )
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in {"uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError(
                "Invalid `distribution` argument: expected one of {'uniform', "
                "'truncated_normal', 'untruncated_normal'}. "
                f"Received: distribution={distribution}"
            )
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def limit(self, shape: Shape) -> float:
        """The bound ``±limit`` of the uniform case (shown in the narration)."""
        return math.sqrt(3.0 * self._scale_over_fan(shape))

    def _scale_over_fan(self, shape: Shape) -> float:
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out}.get(self.mode, (fan_in + fan_out) / 2.0)
        return self.scale / max(1.0, fan)

    def __call__(self, shape: Shape, dtype: str | None = None) -> np.ndarray:
        variance = self._scale_over_fan(shape)
        rng = self._rng()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, size=shape)
        elif self.distribution == "truncated_normal":
            values = _truncated_normal(rng, 0.0, math.sqrt(variance) / 0.87962566103423978, shape)
        else:
            values = rng.normal(0.0, math.sqrt(variance), size=shape)
        return values.astype(_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


class _Preset(VarianceScaling):
    """A VarianceScaling with fixed arguments; its config holds only the seed."""

    _ARGS: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: int | None = None) -> None:
        scale, mode, distribution = self._ARGS
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


class GlorotUniform(_Preset):
    """Uniform on ``±sqrt(6 / (fan_in + fan_out))``: Keras's default kernel initializer."""

    _ARGS = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Truncated normal with stddev ``sqrt(2 / (fan_in + fan_out))``."""

    _ARGS = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_Preset):
    """Truncated normal with stddev ``sqrt(2 / fan_in)`` (for ReLU layers)."""

    _ARGS = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Preset):
    """Uniform on ``±sqrt(6 / fan_in)``."""

    _ARGS = (2.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """Truncated normal with stddev ``sqrt(1 / fan_in)``."""

    _ARGS = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """Uniform on ``±sqrt(3 / fan_in)``."""

    _ARGS = (1.0, "fan_in", "uniform")
