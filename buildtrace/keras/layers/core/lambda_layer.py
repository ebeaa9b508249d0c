"""``Lambda``: wrap any function of the inputs as a layer.

Mirrors: ``keras/layers/core/lambda_layer.py::Lambda`` (Keras 2). The output shape
comes from ``output_shape`` when given, else from running the function on a scratch
batch of zeros (twice, with 1 and then 2 for each unknown size, so a size that follows
the batch is recognised as unknown), as Keras runs it on placeholders.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.trace import suspended, traced

#: Written into ``get_config`` where Keras 2 stores a function's bytecode.
NOT_SERIALISED = (
    "buildtrace does not serialise Python functions: Keras 2 stores a Lambda's bytecode "
    "(marshal), which only loads in the same Python version; re-create the Lambda with "
    "its function instead"
)


class Lambda(Layer):
    """Calls ``function(inputs, **arguments)``.

    Example:
        >>> import numpy as np
        >>> Lambda(lambda x: x * 2)(np.ones((1, 2), "float32"))
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[2., 2.]], dtype=float32)>
    """

    @traced
    def __init__(
        self,
        function: Callable[..., Any],
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.arguments = arguments or {}
        self.function = function
        if mask is not None:
            self.supports_masking = True
        self.mask = mask
        self._output_shape = output_shape
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):  # a builtin without a signature
            parameters = {}  # type: ignore[assignment]
        self._fn_expects_training_arg = "training" in parameters
        self._fn_expects_mask_arg = "mask" in parameters

    @traced
    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        """``output_shape`` (a function of the input shape, or the shape after the batch
        axis), or else the shape of the function's result on a scratch batch."""
        if self._output_shape is None:
            return self._shape_from_scratch_calls(input_shape)
        if callable(self._output_shape):
            shape = self._output_shape(input_shape)
            return [tuple(s) for s in shape] if isinstance(shape, list) else tuple(shape)
        first = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch = next(iter(first)) if first else None
        return (batch, *tuple(self._output_shape))

    def _shape_from_scratch_calls(self, input_shape: Any) -> Any:
        """Run the function on zeros twice, an unknown size standing as 1 then as 2: an
        output size that changes between the runs follows an unknown size, so is None."""

        def zeros(shape: Any, unknown: int) -> Any:
            if isinstance(shape, list):
                return [zeros(s, unknown) for s in shape]
            return np.zeros([unknown if d is None else d for d in shape], self.dtype)

        with suspended():
            first, second = (self.call(zeros(input_shape, n)) for n in (1, 2))
        if isinstance(first, list | tuple):
            return [_merged_shape(a, b) for a, b in zip(first, second)]
        return _merged_shape(first, second)

    def get_config(self) -> dict[str, Any]:
        """Keras's keys; a Python function is named, not serialised (see the note)."""
        config = super().get_config()
        config.update(_function_config(self.function, "function", "module"))
        if callable(self._output_shape):
            config.update(
                _function_config(self._output_shape, "output_shape", "output_shape_module")
            )
        else:
            config.update(
                {
                    "output_shape": self._output_shape,
                    "output_shape_type": "raw",
                    "output_shape_module": None,
                }
            )
        config["arguments"] = self.arguments
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """A Lambda again, when its function can be found by module and name."""
        config = dict(config)
        function = _function_from_config(config, "function", "module")
        if config.get("output_shape_type") == "raw":
            output_shape = config.get("output_shape")
        else:
            output_shape = _function_from_config(config, "output_shape", "output_shape_module")
        for key in (
            "function",
            "function_type",
            "module",
            "output_shape",
            "output_shape_type",
            "output_shape_module",
            "note",
        ):
            config.pop(key, None)
        return cls(function, output_shape=output_shape, **config)


def _merged_shape(a: Any, b: Any) -> tuple[int | None, ...]:
    return tuple(d1 if d1 == d2 else None for d1, d2 in zip(np.shape(a), np.shape(b)))


def _function_config(function: Any, key: str, module_key: str) -> dict[str, Any]:
    """``{key: name, key_type: "function", module_key: module}`` for a module-level
    function; for a lambda or a nested function, no value and the note."""
    name = getattr(function, "__name__", "")
    module = getattr(function, "__module__", None)
    if name and name != "<lambda>" and "<locals>" not in getattr(function, "__qualname__", ""):
        return {key: name, f"{key}_type": "function", module_key: module}
    return {key: None, f"{key}_type": "lambda", module_key: module, "note": NOT_SERIALISED}


def _function_from_config(config: dict[str, Any], key: str, module_key: str) -> Any:
    if config.get(f"{key}_type") != "function" or config.get(key) is None:
        raise ValueError(f"Cannot rebuild this Lambda from its config: {NOT_SERIALISED}.")
    module = importlib.import_module(str(config.get(module_key) or "builtins"))
    return getattr(module, str(config[key]))
