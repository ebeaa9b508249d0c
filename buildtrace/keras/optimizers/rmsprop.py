"""RMSprop: divide each gradient by a running root-mean-square of its past values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable
from buildtrace.keras.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    r"""RMSprop, with Keras 2's exact update rule, in float32 and in place.

    Mirrors: ``keras/optimizers/rmsprop.py::RMSprop`` (tf-keras 2.11+).

    For every weight ``w`` with gradient ``g`` (``v``, ``m``, ``a`` start at 0)::

        v <- rho * v + (1 - rho) * g**2
        a <- rho * a + (1 - rho) * g                  # centered only
        d <- v + epsilon          (or v - a**2 + epsilon when centered)
        w <- w - lr * g / sqrt(d)                     # momentum == 0
        m <- momentum * m + lr * g / sqrt(d); w <- w - m   # momentum > 0

    Note that epsilon is *inside* the square root and there is no bias correction: the very
    first step moves every weight by about ``lr / sqrt(1 - rho)`` = 3.16 * lr.

    Args:
        learning_rate: Step size, stored as float32. Defaults to 0.001.
        rho: Discount of the running average of squared gradients. Defaults to 0.9.
        momentum: Plain (not Nesterov) momentum. Defaults to 0.0.
        epsilon: Added to the average before the square root. Defaults to 1e-7.
        centered: Divide by an estimate of the variance instead of the second moment.
        **kwargs: The base optimizer's arguments (clipnorm, weight_decay, use_ema...).
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = 100,
        jit_compile: bool = True,
        name: str = "RMSprop",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            jit_compile=jit_compile,
            **kwargs,
        )
        self._learning_rate = self._build_learning_rate(learning_rate)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list: Sequence[Variable]) -> None:
        """Create ``velocity`` (and ``momentum``, ``average_gradient`` when used) slots."""
        super().build(var_list)
        if self._built:
            return
        self._built = True
        self._velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]
        self._momentums: list[Variable] = []
        if self.momentum > 0:
            self._momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list]
        self._average_gradients: list[Variable] = []
        if self.centered:
            self._average_gradients = [
                self.add_variable_from_reference(v, "average_gradient") for v in var_list
            ]

    def update_step(self, gradient: np.ndarray, variable: Variable) -> None:
        """One in-place RMSprop step for one variable (no temporary arrays)."""
        index = self._var_index(variable)
        dtype = variable.value.dtype.type
        lr = dtype(self._learning_rate.value)
        rho = dtype(self.rho)
        one_minus_rho = dtype(1 - self.rho)  # computed in Python, then cast, as TF does
        eps = dtype(self.epsilon)
        w = variable.value
        v = self._velocities[index].value
        t1, t2 = self._scratch_for(variable)

        np.multiply(v, rho, out=v)  # v = rho * v + (1 - rho) * g**2
        np.square(gradient, out=t1)
        t1 *= one_minus_rho
        v += t1
        if self.centered:
            a = self._average_gradients[index].value
            np.multiply(a, rho, out=a)  # a = rho * a + (1 - rho) * g
            np.multiply(gradient, one_minus_rho, out=t1)
            a += t1
            np.square(a, out=t1)  # denominator = v - a**2 + eps
            np.subtract(v, t1, out=t1)
            t1 += eps
        else:
            np.add(v, eps, out=t1)  # denominator = v + eps
        np.sqrt(t1, out=t1)
        np.multiply(gradient, lr, out=t2)  # increment = lr * g / sqrt(denominator)
        t2 /= t1
        if self.momentum > 0:
            m = self._momentums[index].value
            m *= dtype(self.momentum)  # m = momentum * m + increment; w -= m
            m += t2
            w -= m
        else:
            w -= t2

    def get_config(self) -> dict[str, Any]:
        """Base keys, then learning_rate (float32-rounded), rho, momentum, epsilon, centered."""
        config = super().get_config()
        config.update(
            {
                "learning_rate": float(self._learning_rate.value),
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
