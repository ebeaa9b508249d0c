"""FTRL-Proximal: "Follow The Regularized Leader", with L1/L2 regularisation in the update."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable
from buildtrace.keras.optimizers.optimizer import Optimizer


class Ftrl(Optimizer):
    r"""FTRL with Keras 2's update rule, in float32.

    Mirrors: ``keras/optimizers/ftrl.py::Ftrl`` (tf-keras 2.11+). With ``p = -lr_power``,
    ``l2 = l2_regularization_strength + beta / (2 lr)`` (``n`` starts at
    ``initial_accumulator_value``, ``z`` at 0)::

        g' = g + 2 * l2_shrinkage * w
        z <- z + g' - (((n + g**2)**p - n**p) / lr) * w
        n <- n + g**2
        w <- (clip(z, -l1, l1) - z) / ((n**p) / lr + 2 * l2)

    Args:
        learning_rate: Defaults to 0.001.
        learning_rate_power: At most 0. Defaults to -0.5.
        initial_accumulator_value: Start of ``n``. Defaults to 0.1.
        l1_regularization_strength, l2_regularization_strength,
        l2_shrinkage_regularization_strength, beta: Default to 0.
        **kwargs: The base optimizer's arguments.

    Raises:
        ValueError: a negative accumulator start or strength, or a positive power
            (Keras's messages).
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
        name: str = "Ftrl",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if initial_accumulator_value < 0.0:
            raise ValueError(
                "`initial_accumulator_value` needs to be positive or zero. Received: "
                f"initial_accumulator_value={initial_accumulator_value}."
            )
        if learning_rate_power > 0.0:
            raise ValueError(
                "`learning_rate_power` needs to be negative or zero. Received: "
                f"learning_rate_power={learning_rate_power}."
            )
        for key, value in (
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
        ):
            if value < 0.0:
                raise ValueError(f"`{key}` needs to be positive or zero. Received: {key}={value}.")
        self._learning_rate = self._build_learning_rate(learning_rate)
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list: Sequence[Variable]) -> None:
        """``accumulator`` (``n``) and ``linear`` (``z``) per weight, interleaved."""
        super().build(var_list)
        if self._built:
            return
        self._built = True
        self._accumulators: list[Variable] = []
        self._linears: list[Variable] = []
        for var in var_list:
            start = np.full(var.shape, self.initial_accumulator_value)
            self._accumulators.append(
                self.add_variable_from_reference(var, "accumulator", initial_value=start)
            )
            self._linears.append(self.add_variable_from_reference(var, "linear"))

    def update_step(self, gradient: np.ndarray, variable: Variable) -> None:
        dtype = variable.value.dtype.type
        lr = dtype(self._learning_rate.value)
        index = self._var_index(variable)
        accum = self._accumulators[index].value
        linear = self._linears[index].value
        power = dtype(-self.learning_rate_power)
        l1 = dtype(self.l1_regularization_strength)
        l2 = dtype(self.l2_regularization_strength) + dtype(self.beta) / (dtype(2.0) * lr)
        w = variable.value
        grad = gradient + dtype(2) * dtype(self.l2_shrinkage_regularization_strength) * w
        new_accum = accum + gradient * gradient
        linear += grad - (np.power(new_accum, power) - np.power(accum, power)) / lr * w
        quadratic = np.power(new_accum, power) / lr + dtype(2) * l2
        w[...] = (np.clip(linear, -l1, l1) - linear) / quadratic
        accum[...] = new_accum

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "learning_rate": float(self._learning_rate.value),
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta,
            }
        )
        return config
