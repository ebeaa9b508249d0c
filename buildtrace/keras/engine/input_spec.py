"""What a layer accepts, and the check Keras runs before building or calling it.

Mirrors: ``keras/engine/input_spec.py`` (``InputSpec``, ``assert_input_compatibility``,
``display_shape``). The error messages are Keras 2's, word for word.
"""

from __future__ import annotations

from typing import Any

from buildtrace.trace import traced


class InputSpec:
    """Constraints on one input of a layer: rank, dtype and fixed axis sizes.

    Example:
        >>> InputSpec(min_ndim=2, axes={-1: 784})
        InputSpec(min_ndim=2, axes={-1: 784})
    """

    def __init__(
        self,
        dtype: str | None = None,
        shape: tuple[int | None, ...] | None = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict[int, int | None] | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
    ) -> None:
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            max_dim = (self.ndim if self.ndim is not None else self.max_ndim) or 0
            max_axis = max(self.axes)
            if max_axis > max_dim - 1:
                raise ValueError(
                    f"Axis {max_axis} is greater than the maximum allowed value: {max_dim - 1}"
                )

    def __repr__(self) -> str:
        spec = [
            f"dtype={self.dtype}" if self.dtype else "",
            f"shape={self.shape}" if self.shape else "",
            f"ndim={self.ndim}" if self.ndim is not None else "",
            f"max_ndim={self.max_ndim}" if self.max_ndim is not None else "",
            f"min_ndim={self.min_ndim}" if self.min_ndim is not None else "",
            f"axes={self.axes}" if self.axes else "",
        ]
        return f"InputSpec({', '.join(x for x in spec if x)})"

    def get_config(self) -> dict[str, Any]:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }


def display_shape(shape: tuple[int | None, ...]) -> str:
    """A shape as Keras prints it in errors: ``(2, 100)``."""
    return str(tuple(shape))


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


@traced(layer_arg="layer_name")
def assert_input_compatibility(input_spec: Any, inputs: Any, layer_name: str) -> None:
    """Check ``inputs`` against a layer's ``input_spec``; raise Keras's error if they clash.

    Mirrors: ``keras/engine/input_spec.py::assert_input_compatibility``. Checks, in
    Keras's order: the number of inputs, then per input ``ndim``, ``max_ndim``,
    ``min_ndim``, ``dtype``, fixed ``axes`` and a full ``shape``. Unknown (None) sizes
    are always compatible.

    Raises:
        ValueError: with the message Keras 2 gives, e.g. ``Input 0 of layer "dense" is
            incompatible with the layer: expected axis -1 of input shape to have value
            784, but received input with shape (2, 100)``.
    """
    if not input_spec:
        return
    specs = _as_list(input_spec)
    tensors = _as_list(inputs)
    for x in tensors:
        if not hasattr(x, "shape"):
            raise TypeError(
                f"Inputs to a layer should be tensors. Got '{x}' (of type {type(x)}) "
                f"as input for layer '{layer_name}'."
            )
    if len(tensors) != len(specs):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received '
            f"{len(tensors)} input tensors. Inputs received: {tensors}"
        )
    for index, (x, spec) in enumerate(zip(tensors, specs)):
        if spec is None:
            continue
        shape = tuple(x.shape)
        ndim = len(shape)
        prefix = f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(
                f"{prefix}expected ndim={spec.ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}"
            )
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(f"{prefix}expected max_ndim={spec.max_ndim}, found ndim={ndim}")
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(
                f"{prefix}expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}"
            )
        if spec.dtype is not None and str(x.dtype) != spec.dtype:
            raise ValueError(f"{prefix}expected dtype={spec.dtype}, found dtype={x.dtype}")
        for axis, value in spec.axes.items():
            if value is not None and shape[int(axis)] not in {value, None}:
                raise ValueError(
                    f"{prefix}expected axis {axis} of input shape to have value {value}, "
                    f"but received input with shape {display_shape(shape)}"
                )
        if spec.shape is not None:
            for spec_dim, dim in zip(spec.shape, shape):
                if spec_dim is not None and dim is not None and spec_dim != dim:
                    raise ValueError(
                        f"{prefix}expected shape={spec.shape}, found shape={display_shape(shape)}"
                    )
