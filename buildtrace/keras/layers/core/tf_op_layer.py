"""``TFOpLambda``: a TensorFlow op applied to a symbolic tensor becomes a layer.

Mirrors: ``keras/layers/core/tf_op_layer.py::TFOpLambda`` of Keras 2. While a functional
model is being built, ``x = tf.reduce_mean(inputs, axis=1)`` cannot compute anything:
``inputs`` is a ``KerasTensor``. Keras turns the call into a layer named after the op
(``tf.math.reduce_mean``) that applies it when the model runs, so the op takes its place
in the graph like any layer. ``buildtrace.tf``'s ops hand such calls to
:func:`symbolic_op_call` (registered by ``keras.engine.base_layer``, since ``tf`` sits below
Keras and cannot import it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from buildtrace.keras import backend
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.keras_tensor import KerasTensor
from buildtrace.keras.utils.nest import flatten


class TFOpLambda(Layer):
    """Wraps one TensorFlow op call whose arguments include symbolic tensors.

    Args:
        function: the op (e.g. ``tf.math.reduce_mean``'s implementation).
        symbol: TensorFlow's name of the op, ``"math.reduce_mean"``; the layer is named
            ``tf.math.reduce_mean`` (``_1``, ``_2``... for later ones), as in Keras.
        call_args, call_kwargs: the op's arguments, the symbolic tensors among them
            standing for the layer's inputs, in order.

    Example:
        >>> from buildtrace import keras, tf
        >>> inputs = keras.Input(shape=(3, 4))
        >>> pooled = tf.reduce_mean(inputs, axis=1)
        >>> pooled.shape, pooled._keras_history.layer.name
        ((None, 4), 'tf.math.reduce_mean')
    """

    def __init__(
        self,
        function: Callable[..., Any],
        symbol: str,
        call_args: tuple[Any, ...] = (),
        call_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.function = function
        self.symbol = symbol
        self._call_template = (tuple(call_args), dict(call_kwargs or {}))
        kwargs.setdefault("name", backend.unique_object_name(f"tf.{symbol}", zero_based=True))
        super().__init__(**kwargs)

    def call(self, inputs: Any) -> Any:
        """The op, on the values that stand where the symbolic tensors were."""
        values = iter(inputs if isinstance(inputs, list) else [inputs])
        args, kwargs = self._call_template

        def fill(item: Any) -> Any:
            if isinstance(item, KerasTensor):
                return next(values)
            if isinstance(item, list | tuple):
                return type(item)(fill(x) for x in item)
            return item

        return self.function(*fill(args), **{k: fill(v) for k, v in kwargs.items()})

    def get_config(self) -> dict[str, Any]:
        """Keras's config: the op's name (the arguments live in the graph)."""
        return {**super().get_config(), "function": self.symbol}


def symbolic_op_call(
    symbol: str, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """A ``tf`` op called on symbolic tensors: a :class:`TFOpLambda`, called on them."""
    symbolic = [
        x for x in flatten([list(args), list(kwargs.values())]) if isinstance(x, KerasTensor)
    ]
    layer = TFOpLambda(function, symbol, args, kwargs)
    return layer(symbolic[0] if len(symbolic) == 1 else symbolic)
