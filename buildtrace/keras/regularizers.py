"""``keras.regularizers``: penalties on weights, added to the loss that training minimises.

Mirrors: ``keras/regularizers.py`` of Keras 2 (``L1``, ``L2``, ``L1L2`` and their
lower-case shortcuts ``l1``, ``l2``, ``l1_l2``; ``get``, ``serialize``, ``deserialize``).

How a penalty reaches the loss, as in Keras: ``Layer.add_weight(regularizer=...)``
remembers the pair (weight, regularizer); ``layer.losses`` evaluates every pair at the
weights' current values (plus what ``add_loss`` added); ``Model.compute_loss`` adds
``model.losses`` to the compiled loss, so the ``loss`` that ``fit`` reports includes
them. buildtrace has no automatic differentiation, so each regularizer also states its
gradient (:meth:`Regularizer.gradient`), which ``train_step`` adds to the weight's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.unsupported import module_getattr, unsupported
from buildtrace.tf.tensors import is_tensor


class Regularizer:
    """Base class: ``regularizer(weights) -> float32 penalty``."""

    def __call__(self, x: Any) -> np.float32:
        return np.float32(0.0)

    def gradient(self, x: np.ndarray) -> np.ndarray | None:
        """``d penalty / d x`` (buildtrace's addition: Keras lets TensorFlow find it)."""
        return None

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        return cls(**config)


def _check(name: str, value: Any) -> np.float32:
    """A float32 strength, with Keras's error for a bad one."""
    if value is None or not isinstance(value, int | float | np.floating) or not np.isfinite(value):
        raise ValueError(
            f"Value '{value}' is not a valid regularization penalty number, a positive/negative "
            "number is expected."
        )
    return np.float32(value)


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)``.

    Example:
        >>> float(L1L2(l1=0.5, l2=0.25)(np.array([1.0, -2.0])))
        2.75
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _check("l1", l1 if l1 is not None else 0.0)
        self.l2 = _check("l2", l2 if l2 is not None else 0.0)

    def __call__(self, x: Any) -> np.float32:
        x = np.asarray(x, np.float32)
        total = np.float32(0.0)
        if self.l1:
            total += self.l1 * np.sum(np.abs(x), dtype=np.float32)
        if self.l2:
            total += self.l2 * np.sum(np.square(x), dtype=np.float32)
        return np.float32(total)

    def gradient(self, x: np.ndarray) -> np.ndarray | None:
        grad = np.zeros_like(x)
        if self.l1:
            grad += self.l1 * np.sign(x)
        if self.l2:
            grad += np.float32(2.0) * self.l2 * x
        return grad

    def get_config(self) -> dict[str, Any]:
        return {"l1": float(self.l1), "l2": float(self.l2)}


class L1(L1L2):
    """``l1 * sum(|x|)`` (``l1`` defaults to 0.01)."""

    def __init__(self, l1: float = 0.01, **kwargs: Any) -> None:
        l1 = kwargs.pop("l", l1)  # Keras's backwards-compatible keyword
        super().__init__(l1=float(_check("l1", l1)))

    def get_config(self) -> dict[str, Any]:
        return {"l1": float(self.l1)}


class L2(L1L2):
    """``l2 * sum(x**2)`` (``l2`` defaults to 0.01)."""

    def __init__(self, l2: float = 0.01, **kwargs: Any) -> None:
        l2 = kwargs.pop("l", l2)
        super().__init__(l2=float(_check("l2", l2)))

    def get_config(self) -> dict[str, Any]:
        return {"l2": float(self.l2)}


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """Both penalties, each 0.01 by default (unlike the ``L1L2`` class, whose defaults are 0)."""
    return L1L2(l1=l1, l2=l2)


l1 = L1
l2 = L2

_CLASSES: dict[str, type[Regularizer]] = {"L1": L1, "L2": L2, "L1L2": L1L2, "l1": L1, "l2": L2}


def serialize(regularizer: Regularizer) -> dict[str, Any]:
    """``{"module", "class_name", "config", "registered_name"}`` as Keras 2.13+ writes it."""
    return {
        "module": "keras.regularizers",
        "class_name": type(regularizer).__name__,
        "config": regularizer.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict[str, Any], custom_objects: Any = None) -> Regularizer:
    """The inverse of :func:`serialize`."""
    name = config["class_name"]
    if name in {"OrthogonalRegularizer", "orthogonal_regularizer"}:
        raise unsupported("keras.regularizers.OrthogonalRegularizer")
    cls = _CLASSES.get(name) or (custom_objects or {}).get(name)
    if cls is None:
        raise ValueError(f"Unknown regularizer: '{name}'.")
    regularizer: Regularizer = cls.from_config(dict(config.get("config", {})))
    return regularizer


def get(identifier: Any) -> Regularizer | None:
    """A regularizer from None, an instance, a name (``"l2"``) or a config.

    Mirrors: ``keras/regularizers.py::get``.

    Raises:
        ValueError: anything else (Keras's message).
    """
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if callable(identifier):
        return _Callable(identifier)
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")


class _Callable(Regularizer):
    """A plain function used as a regularizer: counted in the loss, but without a gradient."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def __call__(self, x: Any) -> np.float32:
        return np.float32(self.fn(x))


# ------------------------------------------------------------ layer losses (engine side)
def track(layer: Any, variable: Any, regularizer: Any) -> None:
    """Remember that ``variable`` of ``layer`` is penalised. Called by ``add_weight``."""
    regularizer = get(regularizer)
    if regularizer is not None:
        layer.__dict__.setdefault("_regularized", []).append((variable, regularizer))


def layer_losses(layer: Any) -> list[Any]:
    """Mirrors ``Layer.losses``: the penalties at the current weights, then added losses.

    An added loss that is a tensor stays one (under a ``tf.GradientTape`` it carries its
    gradient back to the weights and activations it came from, as in Keras).
    """
    found: list[Any] = [reg(var.value) for var, reg in layer.__dict__.get("_regularized", ())]
    found += [_loss_value(fn()) for fn in layer.__dict__.get("_callable_losses", ())]
    found += [_loss_value(v) for v in layer.__dict__.get("_eager_losses", ())]
    return found


def _loss_value(value: Any) -> Any:
    """A tensor as it is; anything else (a number, an array) as a float32 number."""
    return value if is_tensor(value) else np.float32(np.asarray(value, np.float32))


def add_loss(layer: Any, losses: Any) -> None:
    """Mirrors ``Layer.add_loss``: values (or zero-argument functions) joining ``losses``.

    As in Keras, values added while the layer runs are dropped at the next step, and
    functions are kept. A training step differentiates them as Keras does: the step then
    runs under a ``tf.GradientTape`` (``Model.train_step``), where the tensors record
    their ops.
    """
    for item in losses if isinstance(losses, list | tuple) else [losses]:
        key = "_callable_losses" if callable(item) else "_eager_losses"
        layer.__dict__.setdefault(key, []).append(item)


def clear_eager_losses(layers: list[Any]) -> None:
    """Forget the values ``add_loss`` got during the previous step (Keras's ``_clear_losses``)."""
    for layer in layers:
        if layer.__dict__.get("_eager_losses"):
            layer.__dict__["_eager_losses"] = []


def regularized(layers: list[Any]) -> list[tuple[Any, Regularizer]]:
    """Every (weight, regularizer) pair of these layers (and their nested layers)."""
    pairs = []
    for layer in layers:
        pairs.extend(layer.__dict__.get("_regularized", ()))
        inner = layer.__dict__.get("_self_tracked_trackables")
        if inner and inner is not layers:
            pairs.extend(regularized(list(inner)))
    return pairs


def add_penalty_gradients(
    grads: list[Any], variables: list[Any], penalised: list[Any]
) -> list[Any]:
    """Each penalised weight's gradient plus its regularizer's (Keras gets both from the tape)."""
    position = {id(v): i for i, v in enumerate(variables)}
    grads = list(grads)
    for variable, regularizer in penalised:
        index = position.get(id(variable))
        extra = regularizer.gradient(variable.value)
        if index is not None and extra is not None:
            grads[index] = extra if grads[index] is None else grads[index] + extra
    return grads


__all__ = [
    "L1",
    "L1L2",
    "L2",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "serialize",
]

__getattr__ = module_getattr("keras.regularizers")
