"""The base class of Keras 2's "new" optimizers (tf-keras 2.11+), on numpy.

Mirrors: ``keras/optimizers/optimizer.py::Optimizer`` (and its ``_BaseOptimizer``).

An optimizer owns an ``iterations`` counter, a float32 ``learning_rate`` and, once
``build(var_list)`` has run, one or more *slot* arrays per model variable (RMSprop's
``velocity``, Adam's ``m`` and ``v``...). ``apply_gradients`` clips the gradients, applies
weight decay, lets the subclass's ``update_step`` change every variable **in place**, updates
the moving average (EMA) and finally adds one to ``iterations``.

Simplifications: no distribution strategy, no XLA (``jit_compile`` is reported ``False``, as
Keras does on a machine without a GPU), no sparse ``IndexedSlices`` gradients, no
learning-rate schedules, and no ``minimize``/``compute_gradients`` (a hand-written loop takes
its gradients from ``tf.GradientTape`` and calls ``apply_gradients``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable
from buildtrace.keras.engine import trace_details
from buildtrace.tf.tensors import Tensor
from buildtrace.trace import traced

_NO_TAPE = (
    "buildtrace has no autodiff tape: compute the gradients yourself (as Model.fit does) and "
    "call `optimizer.apply_gradients(zip(grads, variables))`."
)


class ScalarVariable(Variable):
    """A 0-d :class:`Variable` that also converts with ``float()``/``int()``.

    Mirrors: the scalar ``tf.Variable``s Keras keeps for ``optimizer.iterations`` (int64) and
    ``optimizer.learning_rate`` (float32).
    """

    __slots__ = ()

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __index__(self) -> int:
        return int(self.value)


class CallableList(list[Variable]):
    """Both ``opt.variables`` and ``opt.variables()`` work.

    Mirrors: ``keras/optimizers/optimizer.py::CallableList``.
    """

    def __call__(self) -> CallableList:
        return self


def _base_name(variable: Variable) -> str:
    """``dense/kernel:0`` -> ``dense/kernel`` (TensorFlow's ``_shared_name``)."""
    return variable.name[:-2] if variable.name.endswith(":0") else variable.name


class Optimizer:
    """Abstract optimizer: subclasses implement ``build`` (slots) and ``update_step``.

    Mirrors: ``keras/optimizers/optimizer.py::Optimizer``.

    Args:
        name: The optimizer's name (``"RMSprop"``...).
        weight_decay: If set, ``w -= w * weight_decay * lr`` before each update.
        clipnorm: Clip each gradient to this L2 norm.
        clipvalue: Clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: Clip all gradients together to this global L2 norm.
        use_ema: Keep an exponential moving average of the weights.
        ema_momentum: ``average = m * average + (1 - m) * weight``.
        ema_overwrite_frequency: Every this many steps, copy the averages into the weights.
        jit_compile: Accepted for compatibility; always reported ``False`` (no XLA here).
        **kwargs: Only ``is_legacy_optimizer`` (from a config) and the deprecated ``lr``.
    """

    #: Set by each subclass's ``__init__`` through ``_build_learning_rate``.
    _learning_rate: ScalarVariable

    def __init__(
        self,
        name: str,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        jit_compile: bool = True,
        **kwargs: Any,
    ) -> None:
        self.name = name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        # Keras turns XLA off when no GPU is found; buildtrace never has one.
        self.jit_compile = False
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(
                    "`ema_momentum` must be in the range [0, 1]. "
                    f"Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer > 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(
                "At most one of `clipnorm` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, global_clipnorm={global_clipnorm}."
            )
        self._variables: list[Variable] = []
        self._iterations = ScalarVariable(np.zeros((), np.int64), "iteration:0", False)
        self._variables.append(self._iterations)
        self._process_kwargs(kwargs)
        self._built = False
        self._index_dict: dict[int, int] = {}
        self._scratch: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._averages: list[Variable] = []
        self._exclude_ids: set[int] = set()
        self._exclude_names: list[str] = []

    def _process_kwargs(self, kwargs: dict[str, Any]) -> None:
        kwargs.pop("is_legacy_optimizer", None)  # only ever comes from a config
        if kwargs.pop("lr", None):
            # Keras 2.11+ only warns: the value of `lr` is *not* used.
            warnings.warn(
                "`lr` is deprecated in Keras optimizer, please use `learning_rate` or use the "
                f"legacy optimizer, e.g.,tf.keras.optimizers.legacy.{type(self).__name__}.",
                stacklevel=3,
            )
        for key in kwargs:
            if key in {"decay", "gradient_aggregator", "gradient_transformers"}:
                raise ValueError(
                    f"{key} is deprecated in the new Keras optimizer, please check the "
                    "docstring for valid arguments, or use the legacy optimizer, e.g., "
                    f"tf.keras.optimizers.legacy.{type(self).__name__}."
                )
            raise TypeError(
                f"{key} is not a valid argument, kwargs should be empty  for "
                "`optimizer_experimental.Optimizer`."
            )

    def _build_learning_rate(self, learning_rate: Any) -> ScalarVariable:
        """A float32 variable, so ``get_config`` reports e.g. ``0.0010000000474974513``."""
        if callable(learning_rate):  # a schedule: its value at `iterations`, read-only
            from buildtrace.keras.optimizers.schedules import learning_rate_schedule as lrs

            return lrs.ScheduledLearningRate(learning_rate, self._iterations)
        return ScalarVariable(np.array(learning_rate, np.float32), "learning_rate:0", False)

    @property
    def iterations(self) -> ScalarVariable:
        """How many times ``apply_gradients`` has run (an int64 variable)."""
        return self._iterations

    @property
    def learning_rate(self) -> ScalarVariable:
        """The float32 learning-rate variable (assignable: ``opt.learning_rate = 0.01``)."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._learning_rate.assign(value)

    lr = learning_rate  # Keras keeps the old alias.

    @property
    def variables(self) -> CallableList:
        """``iterations`` first, then every slot, in creation order."""
        return CallableList(self._variables)

    # --- building -------------------------------------------------------------------------

    def build(self, var_list: Sequence[Variable]) -> None:
        """Index the model variables and create the EMA copies; subclasses add their slots.

        Subclasses call ``super().build(var_list)`` and then return early if already built.
        Besides Keras's slots, we preallocate two scratch arrays per dtype (as large as the
        largest variable), so that an update step needs no temporary arrays.
        """
        if self._built:
            return
        self._index_dict = {id(var): i for i, var in enumerate(var_list)}
        sizes: dict[Any, int] = {}
        for var in var_list:
            sizes[var.value.dtype] = max(sizes.get(var.value.dtype, 0), var.value.size)
        flat = {dt: (np.empty(n, dt), np.empty(n, dt)) for dt, n in sizes.items()}
        for var in var_list:
            a, b = flat[var.value.dtype]
            n = var.value.size
            self._scratch[id(var)] = (a[:n].reshape(var.shape), b[:n].reshape(var.shape))
        if self.use_ema:
            self._averages = [
                self.add_variable_from_reference(var, "average", initial_value=var.value)
                for var in var_list
            ]

    def add_variable_from_reference(
        self,
        model_variable: Variable,
        variable_name: str,
        shape: tuple[int, ...] | None = None,
        initial_value: np.ndarray | None = None,
    ) -> Variable:
        """A zero slot shaped like ``model_variable``, named ``velocity/dense/kernel:0``."""
        dtype = model_variable.value.dtype
        if initial_value is None:
            value = np.zeros(model_variable.shape if shape is None else shape, dtype)
        else:
            value = np.array(initial_value, dtype=dtype)  # a copy, never the weight itself
        name = f"{variable_name}/{_base_name(model_variable)}:0"
        variable = Variable(value, name, trainable=False)
        self._variables.append(variable)
        return variable

    def _scratch_for(self, variable: Variable) -> tuple[np.ndarray, np.ndarray]:
        """Two preallocated float arrays shaped like ``variable`` (contents are garbage)."""
        return self._scratch[id(variable)]

    def _var_index(self, variable: Variable) -> int:
        index = self._index_dict.get(id(variable))
        if index is None:
            raise KeyError(
                f"The optimizer cannot recognize variable {variable.name}. This usually means "
                "you are trying to call the optimizer to update different parts of the model "
                "separately. Please call `optimizer.build(variables)` with the full list of "
                "trainable variables before the training loop or use legacy optimizer "
                f"`tf.keras.optimizers.legacy.{type(self).__name__}."
            )
        return index

    # --- one training step ----------------------------------------------------------------

    def update_step(self, gradient: np.ndarray, variable: Variable) -> None:
        """Change ``variable.value`` in place from its float32 ``gradient`` (subclasses)."""
        raise NotImplementedError

    def minimize(self, loss: Any, var_list: Any, tape: Any = None) -> None:
        """Not available: there is no autodiff tape in buildtrace."""
        raise NotImplementedError(_NO_TAPE)

    def compute_gradients(self, loss: Any, var_list: Any, tape: Any = None) -> Any:
        """Not available: there is no autodiff tape in buildtrace."""
        raise NotImplementedError(_NO_TAPE)

    @traced(result=trace_details.iterations_details)
    def apply_gradients(
        self, grads_and_vars: Iterable[tuple[Any, Variable]], name: str | None = None, **kwargs: Any
    ) -> ScalarVariable:
        """Update every variable in place from its gradient; return ``iterations``.

        Same order as Keras: build on first use, drop ``None`` gradients, clip, weight decay,
        ``update_step`` per variable, EMA, then ``iterations += 1``. Gradients may be
        ``tf.Tensor``s (from ``tape.gradient``) or arrays.
        """
        pairs = list(grads_and_vars)
        if not pairs:
            return self._iterations
        self.build([var for _, var in pairs])
        kept = [(g, v) for g, v in pairs if g is not None]
        if not kept:
            raise ValueError(
                f"No gradients provided for any variable: {([v.name for _, v in pairs],)}. "
                f"Provided `grads_and_vars` is {tuple(pairs)}."
            )
        if len(kept) < len(pairs):
            missing = [v.name for g, v in pairs if g is None]
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. If "
                "you're using `model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=2,
            )
        variables = [v for _, v in kept]
        grads = []
        for g, v in kept:
            value = v.value
            if type(g) is Tensor:
                g = g._value
            # asarray is free for float32 arrays; it only copies other dtypes.
            g = np.asarray(g, dtype=value.dtype)
            if g.shape != value.shape:
                raise ValueError(f"Gradient shape {g.shape} does not match {v!r}.")
            grads.append(g)
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(variables)
        for g, v in zip(grads, variables):
            self.update_step(g, v)
        if self.use_ema:
            self._update_moving_average(variables)
        # Scalar arithmetic: a ufunc on a 0-d array costs ten times more, at every step.
        iterations = self._iterations.value
        iterations[()] = iterations[()] + 1
        return self._iterations

    def _clip_gradients(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        """Keras's order of precedence: clipnorm, else global_clipnorm, else clipvalue.

        Clipping makes new arrays: the caller's gradients are never modified.
        """
        if self.clipnorm and self.clipnorm > 0:
            # tf.clip_by_norm: g * c / max(||g||, c)
            c = np.float32(self.clipnorm)
            return [g * c / max(np.float32(np.sqrt(np.vdot(g, g))), c) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            # tf.clip_by_global_norm: g * c * min(1 / global_norm, 1 / c)
            c = np.float32(self.global_clipnorm)
            norm = np.float32(np.sqrt(sum(float(np.vdot(g, g)) for g in grads)))
            scale = c * min(np.float32(1) / norm, np.float32(1) / c)
            return [g * scale for g in grads]
        if self.clipvalue and self.clipvalue > 0:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def exclude_from_weight_decay(
        self, var_list: Sequence[Variable] | None = None, var_names: Sequence[str] | None = None
    ) -> None:
        """Skip weight decay for these variables, or for names matching these regexes."""
        if self._built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configued before the optimizer is built."
            )
        self._exclude_ids = {id(v) for v in var_list or []}
        self._exclude_names = list(var_names or [])

    def _apply_weight_decay(self, variables: list[Variable]) -> None:
        if self.weight_decay is None:
            return
        factor = np.float32(self.weight_decay) * self._learning_rate.value[()]
        for var in variables:
            if id(var) in self._exclude_ids:
                continue
            if any(re.search(pattern, var.name) for pattern in self._exclude_names):
                continue
            var.value[...] -= var.value * factor

    def _update_moving_average(self, variables: list[Variable]) -> None:
        m = np.float32(self.ema_momentum)
        for var in variables:
            average = self._averages[self._var_index(var)].value
            average[...] = m * average + (np.float32(1) - m) * var.value
        freq = self.ema_overwrite_frequency
        if freq and (int(self._iterations) + 1) % freq == 0:
            self.finalize_variable_values(variables)

    def finalize_variable_values(self, var_list: Sequence[Variable]) -> None:
        """With ``use_ema``, overwrite the weights with their moving averages (end of fit)."""
        if self.use_ema:
            for var in var_list:
                var.value[...] = self._averages[self._var_index(var)].value

    # --- configuration --------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        """The base keys, in Keras's order; subclasses append theirs."""
        return {
            "name": self.name,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "jit_compile": self.jit_compile,
            "is_legacy_optimizer": False,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Optimizer:
        """``cls(**config)``: the inverse of ``get_config``."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} iterations={int(self._iterations)}>"
