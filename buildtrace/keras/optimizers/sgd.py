"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable
from buildtrace.keras.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent with Keras 2's exact update rule, in float32 and in place.

    Mirrors: ``keras/optimizers/sgd.py::SGD`` (tf-keras 2.11+).

    For every weight ``w`` with gradient ``g`` (the slot ``m`` starts at 0)::

        m <- momentum * m - lr * g
        w <- w + m                          # nesterov=False
        w <- w + momentum * m - lr * g      # nesterov=True

    With ``momentum == 0`` this is plain ``w <- w - lr * g``. Like Keras, an ``m`` slot is
    created for every weight even then (it just holds the last step ``-lr * g``).

    Args:
        learning_rate: Step size, stored as float32. Defaults to 0.01.
        momentum: In [0, 1]. Defaults to 0.0.
        nesterov: Use Nesterov momentum. Defaults to False.
        **kwargs: The base optimizer's arguments (clipnorm, weight_decay, use_ema...).
    """

    def __init__(
        self,
        learning_rate: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        jit_compile: bool = True,
        name: str = "SGD",
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
        self.momentum = momentum
        self.nesterov = nesterov
        if isinstance(momentum, int | float) and (momentum < 0 or momentum > 1):
            raise ValueError("`momentum` must be between [0, 1].")

    def build(self, var_list: Sequence[Variable]) -> None:
        """Create one ``m`` slot per weight."""
        super().build(var_list)
        if self._built:
            return
        self.momentums = [self.add_variable_from_reference(v, "m") for v in var_list]
        self._built = True

    def update_step(self, gradient: np.ndarray, variable: Variable) -> None:
        """One in-place SGD step for one variable (no temporary arrays)."""
        dtype = variable.value.dtype.type
        minus_lr = -dtype(self._learning_rate.value)
        w = variable.value
        m = self.momentums[self._var_index(variable)].value
        if self.momentum == 0:
            # Keras computes m = -g * lr + m * 0 and w += m: the same numbers as w -= lr * g.
            np.multiply(gradient, minus_lr, out=m)
            w += m
            return
        momentum = dtype(self.momentum)
        t1, t2 = self._scratch_for(variable)
        np.multiply(gradient, minus_lr, out=t1)  # t1 = -g * lr
        m *= momentum  # m = -g * lr + m * momentum
        m += t1
        if self.nesterov:
            np.multiply(m, momentum, out=t2)  # w += -g * lr + m * momentum
            t1 += t2
            w += t1
        else:
            w += m

    def get_config(self) -> dict[str, Any]:
        """Base keys, then learning_rate (float32-rounded), momentum, nesterov."""
        config = super().get_config()
        config.update(
            {
                "learning_rate": float(self._learning_rate.value),
                "momentum": self.momentum,
                "nesterov": self.nesterov,
            }
        )
        return config
