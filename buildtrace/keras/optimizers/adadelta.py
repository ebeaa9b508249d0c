"""Adadelta: steps scaled by running averages of squared gradients and squared steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable
from buildtrace.keras.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    r"""Adadelta with Keras 2's update rule, in float32.

    Mirrors: ``keras/optimizers/adadelta.py::Adadelta`` (tf-keras 2.11+). With
    ``rms(x) = sqrt(x + epsilon)``, for each weight (both accumulators start at 0)::

        E[g2] <- rho * E[g2] + (1 - rho) * g**2
        d     <- -rms(E[d2]) * g / rms(E[g2])
        E[d2] <- rho * E[d2] + (1 - rho) * d**2
        w     <- w + lr * d

    Args:
        learning_rate: Scales each step (Keras's default 0.001; the paper's is 1.0).
        rho: Decay of the running averages. Defaults to 0.95.
        epsilon: Added inside the square roots. Defaults to 1e-7.
        **kwargs: The base optimizer's arguments.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
        epsilon: float = 1e-7,
        name: str = "Adadelta",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self._learning_rate = self._build_learning_rate(learning_rate)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        """``accumulated_grad`` and ``accumulated_delta_var`` per weight, interleaved."""
        super().build(var_list)
        if self._built:
            return
        self._built = True
        self._accumulated_grads: list[Variable] = []
        self._accumulated_delta_vars: list[Variable] = []
        for var in var_list:
            self._accumulated_grads.append(
                self.add_variable_from_reference(var, "accumulated_grad")
            )
            self._accumulated_delta_vars.append(
                self.add_variable_from_reference(var, "accumulated_delta_var")
            )

    def update_step(self, gradient: np.ndarray, variable: Variable) -> None:
        dtype = variable.value.dtype.type
        lr, rho, eps = dtype(self._learning_rate.value), dtype(self.rho), dtype(self.epsilon)
        index = self._var_index(variable)
        grad_avg = self._accumulated_grads[index].value
        delta_avg = self._accumulated_delta_vars[index].value
        grad_avg[...] = rho * grad_avg + (dtype(1) - rho) * gradient * gradient
        delta = -np.sqrt(delta_avg + eps) * gradient / np.sqrt(grad_avg + eps)
        delta_avg[...] = rho * delta_avg + (dtype(1) - rho) * delta * delta
        variable.value[...] += lr * delta

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {"learning_rate": float(self._learning_rate.value), "rho": self.rho,
             "epsilon": self.epsilon}
        )  # fmt: skip
        return config
