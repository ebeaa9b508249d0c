"""Adagrad: a per-weight learning rate that shrinks with the sum of squared gradients."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable
from buildtrace.keras.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    r"""Adagrad with Keras 2's update rule, in float32.

    Mirrors: ``keras/optimizers/adagrad.py::Adagrad`` (tf-keras 2.11+). For each weight
    ``w`` with gradient ``g`` (the accumulator ``a`` starts at
    ``initial_accumulator_value``)::

        a <- a + g**2
        w <- w - lr * g / sqrt(a + epsilon)

    Args:
        learning_rate: Step size (float32). Defaults to 0.001.
        initial_accumulator_value: Starting value of ``a``. Defaults to 0.1.
        epsilon: Added under the square root. Defaults to 1e-7.
        **kwargs: The base optimizer's arguments (clipnorm, weight_decay, use_ema...).
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        name: str = "Adagrad",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self._learning_rate = self._build_learning_rate(learning_rate)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        """One ``accumulator`` slot per weight, filled with ``initial_accumulator_value``."""
        super().build(var_list)
        if self._built:
            return
        self._built = True
        self._accumulators = [
            self.add_variable_from_reference(
                var, "accumulator", initial_value=np.full(var.shape, self.initial_accumulator_value)
            )
            for var in var_list
        ]

    def update_step(self, gradient: np.ndarray, variable: Variable) -> None:
        dtype = variable.value.dtype.type
        lr = dtype(self._learning_rate.value)
        accumulator = self._accumulators[self._var_index(variable)].value
        accumulator += gradient * gradient
        variable.value[...] -= lr * gradient / np.sqrt(accumulator + dtype(self.epsilon))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "learning_rate": float(self._learning_rate.value),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon,
            }
        )
        return config
