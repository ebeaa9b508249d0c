"""Nadam: Adam with Nesterov momentum (Dozat's schedule of momentum values)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable
from buildtrace.keras.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    r"""Nadam with Keras 2's update rule, in float32.

    Mirrors: ``keras/optimizers/nadam.py::Nadam`` (tf-keras 2.11+). At step
    ``t = iterations + 1``, with ``mu(t) = beta_1 * (1 - 0.5 * 0.96**t)`` and
    ``P(t) = mu(1) * ... * mu(t)`` (kept in one extra variable, ``u_product``)::

        m <- m + (g - m) * (1 - beta_1);   v <- v + (g**2 - v) * (1 - beta_2)
        m_hat = mu(t+1) * m / (1 - P(t) * mu(t+1)) + (1 - mu(t)) * g / (1 - P(t))
        v_hat = v / (1 - beta_2**t)
        w <- w - lr * m_hat / (sqrt(v_hat) + epsilon)

    When ``P`` advances is tf-keras's own, and a quirk: Keras means to advance it once per
    step (a Python counter compared with ``iterations`` inside a ``tf.cond``), but the
    counter is read when ``train_step`` is traced, and the first ``fit`` /
    ``train_on_batch`` call traces it twice (once more because the optimizer creates its
    variables in it). With ``n`` weights, weight ``i`` therefore sees the counter value
    ``1 + n + i`` and advances ``P`` at every step except when ``iterations == n + i - 1``.
    buildtrace reproduces that, so its numbers are Keras's (recorded from tf-keras 2.21).

    Args:
        learning_rate: Step size. Defaults to 0.001.
        beta_1, beta_2: Decays of the moments. 0.9 and 0.999.
        epsilon: Added to ``sqrt(v_hat)``. Defaults to 1e-7.
        **kwargs: The base optimizer's arguments.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        name: str = "Nadam",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self._learning_rate = self._build_learning_rate(learning_rate)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        """``m`` and ``v`` per weight, and ``u_product`` (1.0), as Keras builds them."""
        super().build(var_list)
        if self._built:
            return
        self._built = True
        self._u_product = np.float32(1.0)
        self._traced_counter = 1 + len(var_list)  # see the class docstring
        self._momentums: list[Variable] = []
        self._velocities: list[Variable] = []
        for var in var_list:
            self._momentums.append(self.add_variable_from_reference(var, "m"))
            self._velocities.append(self.add_variable_from_reference(var, "v"))

    def update_step(self, gradient: np.ndarray, variable: Variable) -> None:
        dtype = variable.value.dtype.type
        one = dtype(1)
        lr = dtype(self._learning_rate.value)
        iterations = int(self._iterations)
        local_step, next_step = dtype(iterations + 1), dtype(iterations + 2)
        beta_1, beta_2, decay = dtype(self.beta_1), dtype(self.beta_2), dtype(0.96)
        u_t = beta_1 * (one - dtype(0.5) * decay**local_step)
        u_t_1 = beta_1 * (one - dtype(0.5) * decay**next_step)
        index = self._var_index(variable)
        # Keras's "cached" branch is taken only when its traced counter meets iterations + 2.
        if self._traced_counter + index != iterations + 2:
            self._u_product = dtype(self._u_product * u_t)
        u_product_t = self._u_product
        u_product_t_1 = u_product_t * u_t_1
        m, v = self._momentums[index].value, self._velocities[index].value
        m += (gradient - m) * (one - beta_1)
        v += (gradient * gradient - v) * (one - beta_2)
        m_hat = u_t_1 * m / (one - u_product_t_1) + (one - u_t) * gradient / (one - u_product_t)
        v_hat = v / (one - beta_2**local_step)
        variable.value[...] -= (m_hat * lr) / (np.sqrt(v_hat) + dtype(self.epsilon))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {"learning_rate": float(self._learning_rate.value), "beta_1": self.beta_1,
             "beta_2": self.beta_2, "epsilon": self.epsilon}
        )  # fmt: skip
        return config
