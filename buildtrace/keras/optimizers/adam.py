"""Adam: momentum on the gradient and on its square, with bias correction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable
from buildtrace.keras.optimizers.optimizer import Optimizer


class Adam(Optimizer):
    r"""Adam with Keras 2's exact update rule, in float32 and in place.

    Mirrors: ``keras/optimizers/adam.py::Adam`` (tf-keras 2.11+).

    At step ``t = iterations + 1``, for every weight ``w`` with gradient ``g``
    (``m``, ``v``, ``v_hat`` start at 0)::

        m <- m + (g - m) * (1 - beta_1)
        v <- v + (g**2 - v) * (1 - beta_2)
        v_hat <- max(v_hat, v); use v_hat as v        # amsgrad only
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w <- w - (m * alpha) / (sqrt(v) + epsilon)

    The bias correction is folded into ``alpha``, so epsilon is added to the *uncorrected*
    ``sqrt(v)`` (the "epsilon hat" of Kingma & Ba).

    Args:
        learning_rate: Step size, stored as float32. Defaults to 0.001.
        beta_1: Decay of the first moment. Defaults to 0.9.
        beta_2: Decay of the second moment. Defaults to 0.999.
        epsilon: Added to ``sqrt(v)``. Defaults to 1e-7.
        amsgrad: Use the running maximum of ``v`` (AMSGrad). Defaults to False.
        **kwargs: The base optimizer's arguments (clipnorm, weight_decay, use_ema...).
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        jit_compile: bool = True,
        name: str = "Adam",
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list: Sequence[Variable]) -> None:
        """Create ``m`` and ``v`` slots per weight (interleaved, as Keras), then ``vhat``."""
        super().build(var_list)
        if self._built:
            return
        self._built = True
        self._momentums: list[Variable] = []
        self._velocities: list[Variable] = []
        for var in var_list:
            self._momentums.append(self.add_variable_from_reference(var, "m"))
            self._velocities.append(self.add_variable_from_reference(var, "v"))
        self._velocity_hats: list[Variable] = []
        if self.amsgrad:
            self._velocity_hats = [self.add_variable_from_reference(v, "vhat") for v in var_list]

    def update_step(self, gradient: np.ndarray, variable: Variable) -> None:
        """One in-place Adam step for one variable (no temporary arrays)."""
        index = self._var_index(variable)
        dtype = variable.value.dtype.type
        one = dtype(1)
        # Scalars in float32, in TF's order: pow(beta, t), then alpha.
        step = dtype(int(self._iterations) + 1)
        beta_1_power = dtype(self.beta_1) ** step
        beta_2_power = dtype(self.beta_2) ** step
        lr = dtype(self._learning_rate.value)
        alpha = lr * np.sqrt(one - beta_2_power) / (one - beta_1_power)
        w = variable.value
        m = self._momentums[index].value
        v = self._velocities[index].value
        t1, t2 = self._scratch_for(variable)

        np.subtract(gradient, m, out=t1)  # m += (g - m) * (1 - beta_1)
        t1 *= dtype(1 - self.beta_1)
        m += t1
        np.square(gradient, out=t1)  # v += (g**2 - v) * (1 - beta_2)
        t1 -= v
        t1 *= dtype(1 - self.beta_2)
        v += t1
        if self.amsgrad:
            v_hat = self._velocity_hats[index].value
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=t1)  # w -= (m * alpha) / (sqrt(v) + eps)
        t1 += dtype(self.epsilon)
        np.multiply(m, alpha, out=t2)
        t2 /= t1
        w -= t2

    def get_config(self) -> dict[str, Any]:
        """Base keys, then learning_rate (float32-rounded), beta_1, beta_2, epsilon, amsgrad."""
        config = super().get_config()
        config.update(
            {
                "learning_rate": float(self._learning_rate.value),
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
