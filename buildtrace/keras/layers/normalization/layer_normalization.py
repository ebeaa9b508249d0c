"""``LayerNormalization``: normalise each sample over its features.

Mirrors: ``keras/layers/normalization/layer_normalization.py::LayerNormalization``
(Keras 2): ``gamma`` (ones) and ``beta`` (zeros), both trainable, shaped like the
normalised axes; no moving statistics, so training and inference compute the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import initializers
from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.ops.layer_normalization import layer_norm_forward
from buildtrace.trace import traced


def validate_axis(axis: Any, input_shape: Any) -> list[int]:
    """Positive axes, checked against the rank. Mirrors: ``tf_utils.validate_axis``."""
    rank = len(input_shape)
    axes = list(axis) if isinstance(axis, list | tuple) else [axis]
    for i, a in enumerate(axes):
        if a < -rank or a >= rank:
            raise ValueError(
                f"Invalid value for `axis` argument. Expected 0 <= axis < inputs.rank "
                f"(with inputs.rank={rank}). Received: axis={axis}"
            )
        axes[i] = a % rank
    if len(axes) != len(set(axes)):
        raise ValueError(f"Duplicate axis: {tuple(axes)}")
    return axes


class LayerNormalization(Layer):
    """``gamma * (x - mean) / sqrt(var + epsilon) + beta``, statistics per sample.

    Example:
        >>> layer = LayerNormalization()
        >>> layer.build((None, 4))
        >>> [(w.name, w.shape.as_list()) for w in layer.weights]
        [('layer_normalization/gamma:0', [4]), ('layer_normalization/beta:0', [4])]
    """

    @traced
    def __init__(
        self,
        axis: Any = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        for name, value in (
            ("beta_regularizer", beta_regularizer),
            ("gamma_regularizer", gamma_regularizer),
            ("beta_constraint", beta_constraint),
            ("gamma_constraint", gamma_constraint),
        ):
            if value is not None:
                raise NotImplementedError(f"`{name}` is not supported by buildtrace.")
        if isinstance(axis, list | tuple):
            self.axis: Any = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis', but "
                f"received: {axis!r}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.supports_masking = True
        self._fused: bool | None = None

    def _fused_can_be_used(self, ndims: int) -> bool:
        """Keras's choice of TensorFlow kernel (the same numbers either way)."""
        axis = sorted(self.axis)
        fused = axis[-1] == ndims - 1 and axis[-1] - axis[0] == len(axis) - 1
        return fused and self.epsilon >= 1.001e-5 and self.dtype == "float32"

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Create ``gamma`` and ``beta``, one value per position of the normalised axes."""
        input_shape = tuple(input_shape)
        self.axis = validate_axis(self.axis, input_shape)
        param_shape = [input_shape[dim] for dim in self.axis]
        self.gamma = None
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=param_shape,
                initializer=self.gamma_initializer,
                trainable=True,
            )
        self.beta = None
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=param_shape,
                initializer=self.beta_initializer,
                trainable=True,
            )
        self._fused = self._fused_can_be_used(len(input_shape))
        super().build(input_shape)

    def _broadcast(self, value: Any, ndims: int) -> Any:
        """A ``gamma``/``beta`` value reshaped to line up with the inputs' axes."""
        if value is None:
            return None
        shape = [1] * ndims
        for dim, size in zip(self.axis, value.shape):
            shape[dim] = size
        return value.value.reshape(shape)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        outputs, _ = layer_norm_forward(
            inputs,
            self._broadcast(self.gamma, inputs.ndim),
            self._broadcast(self.beta, inputs.ndim),
            tuple(self.axis),
            self.epsilon,
        )
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": None,
                "gamma_regularizer": None,
                "beta_constraint": None,
                "gamma_constraint": None,
            }
        )
        return config
