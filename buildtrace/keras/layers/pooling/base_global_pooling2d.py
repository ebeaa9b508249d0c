"""``GlobalPooling2D``: one value per channel for the whole input.

Mirrors: ``keras/layers/pooling/base_global_pooling2d.py::GlobalPooling2D`` (channels_last).
Its ``build`` only checks that no reduced axis has size 0, and does not call
``Layer.build`` (``_maybe_build`` does).
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.trace import traced


class GlobalPooling2D(Layer):
    """Reduces the rows and columns of ``(batch, rows, cols, channels)``, per channel."""

    rank = 2

    @traced
    def __init__(
        self, data_format: str | None = "channels_last", keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("Only data_format='channels_last' is supported.")
        self.data_format = "channels_last"
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.keepdims = keepdims

    @property
    def _axes(self) -> tuple[int, ...]:
        return tuple(range(1, self.rank + 1))

    def _validate_reduction_axis(self, input_shape: Any, axes: tuple[int, ...]) -> None:
        for axis in axes:
            if input_shape[axis] == 0:
                raise ValueError(
                    f"Incorrect input shape {list(input_shape)} "
                    f"with dimension 0 at reduction axis {axis}."
                )

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Only checks that no reduced axis is empty."""
        self._validate_reduction_axis(tuple(input_shape), self._axes)

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if self.keepdims:
            return (input_shape[0], *([1] * self.rank), input_shape[-1])
        return (input_shape[0], input_shape[-1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}
