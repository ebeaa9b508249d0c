"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable
from buildtrace.keras.optimizers.optimizer import Optimizer


class Adamax(Optimizer):
    r"""Adamax with Keras 2's update rule, in float32.

    Mirrors: ``keras/optimizers/adamax.py::Adamax`` (tf-keras 2.11+). At step
    ``t = iterations + 1`` (``m`` and ``u`` start at 0)::

        m <- m + (g - m) * (1 - beta_1)
        u <- max(beta_2 * u, |g|)
        w <- w - lr * m / ((1 - beta_1**t) * (u + epsilon))

    Args:
        learning_rate: Step size. Defaults to 0.001.
        beta_1, beta_2: Decay of the first moment and of the norm. 0.9 and 0.999.
        epsilon: Added to ``u``. Defaults to 1e-7.
        **kwargs: The base optimizer's arguments.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        name: str = "Adamax",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self._learning_rate = self._build_learning_rate(learning_rate)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        """``m`` and ``u`` slots per weight, interleaved as Keras creates them."""
        super().build(var_list)
        if self._built:
            return
        self._built = True
        self._m: list[Variable] = []
        self._u: list[Variable] = []
        for var in var_list:
            self._m.append(self.add_variable_from_reference(var, "m"))
            self._u.append(self.add_variable_from_reference(var, "u"))

    def update_step(self, gradient: np.ndarray, variable: Variable) -> None:
        dtype = variable.value.dtype.type
        lr = dtype(self._learning_rate.value)
        step = dtype(int(self._iterations) + 1)
        beta_1, beta_2 = dtype(self.beta_1), dtype(self.beta_2)
        index = self._var_index(variable)
        m, u = self._m[index].value, self._u[index].value
        m += (gradient - m) * (dtype(1) - beta_1)
        np.maximum(beta_2 * u, np.abs(gradient), out=u)
        variable.value[...] -= (lr * m) / ((dtype(1) - beta_1**step) * (u + dtype(self.epsilon)))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {"learning_rate": float(self._learning_rate.value), "beta_1": self.beta_1,
             "beta_2": self.beta_2, "epsilon": self.epsilon}
        )  # fmt: skip
        return config
