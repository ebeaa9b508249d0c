"""Learning-rate schedules: the learning rate as a function of the optimizer's step.

Mirrors: ``keras/optimizers/schedules/learning_rate_schedule.py`` of Keras 2. Each
schedule is called with the step (``optimizer.iterations`` before the update) and
returns a float32 learning rate, computed in float32 as TensorFlow does.

An optimizer given a schedule keeps it in a :class:`ScheduledLearningRate`, a
read-only learning-rate variable whose value is the schedule at the current step, so
that every optimizer's update reads ``self._learning_rate.value`` as usual.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from buildtrace.keras.optimizers.optimizer import ScalarVariable

f32 = np.float32


class LearningRateSchedule:
    """Base class: ``schedule(step)`` is the learning rate at ``step``."""

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError("Learning rate schedule must override __call__")

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError("Learning rate schedule must override get_config")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        """``cls(**config)``."""
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """``initial * decay_rate ** (step / decay_steps)`` (floored with ``staircase``).

    Example:
        >>> [round(float(ExponentialDecay(0.5, 2, 0.5)(s)), 4) for s in range(3)]
        [0.5, 0.3536, 0.25]
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str | None = None,
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> Any:
        p = f32(step) / f32(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return f32(self.initial_learning_rate) * np.power(f32(self.decay_rate), p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` while ``step <= boundaries[i]``, ``values[-1]`` after the last.

    Raises:
        ValueError: ``len(values) != len(boundaries) + 1`` (Keras's message).
    """

    def __init__(self, boundaries: list[Any], values: list[Any], name: str | None = None) -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> Any:
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return f32(value)
        return f32(self.values[-1])

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From ``initial`` to ``end`` over ``decay_steps`` along ``(1 - t) ** power``."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str | None = None,
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> Any:
        step, steps = f32(step), f32(self.decay_steps)
        if self.cycle:
            multiplier = f32(1.0) if step == 0 else np.ceil(step / steps)
            steps = steps * multiplier
        else:
            step = min(step, steps)
        fraction = step / steps
        start, end = f32(self.initial_learning_rate), f32(self.end_learning_rate)
        return (start - end) * np.power(f32(1) - fraction, f32(self.power)) + end

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """``initial / (1 + decay_rate * step / decay_steps)`` (floored with ``staircase``)."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str | None = None,
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> Any:
        p = f32(step) / f32(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return f32(self.initial_learning_rate) / (f32(1) + f32(self.decay_rate) * p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Half a cosine from ``initial`` down to ``alpha * initial`` over ``decay_steps``."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str | None = None,
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        if warmup_target is not None or warmup_steps:
            from buildtrace.keras.unsupported import unsupported

            raise unsupported("keras.optimizers.schedules.CosineDecay(warmup_target=...)")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name

    def __call__(self, step: Any) -> Any:
        fraction = min(f32(step), f32(self.decay_steps)) / f32(self.decay_steps)
        cosine = f32(0.5) * (f32(1) + np.cos(f32(math.pi) * fraction))
        decayed = (f32(1) - f32(self.alpha)) * cosine + f32(self.alpha)
        return f32(self.initial_learning_rate) * decayed

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": None,
            "warmup_steps": 0,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay that restarts (SGDR): periods grow by ``t_mul``, peaks shrink by ``m_mul``."""

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str | None = None,
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: Any) -> Any:
        done = f32(step) / f32(self.first_decay_steps)
        t_mul, m_mul = f32(self._t_mul), f32(self._m_mul)
        if t_mul == 1.0:
            restarts = np.floor(done)
            done = done - restarts
        else:
            restarts = np.floor(np.log(f32(1) - done * (f32(1) - t_mul)) / np.log(t_mul))
            total = (f32(1) - t_mul**restarts) / (f32(1) - t_mul)
            done = (done - total) / t_mul**restarts
        peak = m_mul**restarts
        cosine = f32(0.5) * peak * (f32(1) + np.cos(f32(math.pi) * done))
        decayed = (f32(1) - f32(self.alpha)) * cosine + f32(self.alpha)
        return f32(self.initial_learning_rate) * decayed

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        CosineDecay,
        CosineDecayRestarts,
        ExponentialDecay,
        InverseTimeDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
    )
}


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}``, as an optimizer's config holds it."""
    return {
        "module": "keras.optimizers.schedules",
        "class_name": type(schedule).__name__,
        "config": schedule.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict[str, Any], custom_objects: Any = None) -> LearningRateSchedule:
    """The inverse of :func:`serialize`."""
    cls = _SCHEDULES.get(config["class_name"]) or (custom_objects or {}).get(config["class_name"])
    if cls is None:
        raise ValueError(f"Unknown learning rate schedule: '{config['class_name']}'.")
    schedule: LearningRateSchedule = cls.from_config(config["config"])
    return schedule


class ScheduledLearningRate(ScalarVariable):
    """An optimizer's learning rate that follows a schedule: read-only, step-dependent.

    Mirrors: what ``Optimizer.learning_rate`` returns for a schedule in Keras (the
    schedule's value at ``iterations``), with the same error when assigned to.
    """

    __slots__ = ("_iterations", "schedule")

    def __init__(self, schedule: Any, iterations: ScalarVariable) -> None:
        self.schedule = schedule
        self._iterations = iterations
        self.name = "learning_rate:0"
        self.trainable = False

    @property
    def value(self) -> np.ndarray:
        return np.asarray(self.schedule(int(self._iterations)), np.float32)

    @value.setter
    def value(self, value: Any) -> None:
        self.assign(value)

    def assign(self, value: Any, read_value: bool = True) -> Any:
        raise TypeError(
            "This optimizer was created with a `LearningRateSchedule` object as its "
            "`learning_rate` constructor argument, hence its learning rate is not settable. "
            "If you need the learning rate to be settable, you should instantiate the "
            "optimizer with a float `learning_rate` argument."
        )
