"""``BatchNormalization``: normalise each channel, learn a scale and an offset.

Mirrors: ``keras/layers/normalization/batch_normalization.py::BatchNormalization``
(Keras 2). While training it uses the batch's own mean and variance and moves its
``moving_mean`` / ``moving_variance`` towards them; at inference it uses the moving
ones. Those two are weights too, but not trainable ones: ``summary()`` counts them as
"Non-trainable params".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import initializers
from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.ops import (
    batch_norm_inference,
    batch_norm_moving_update,
    batch_norm_train_forward,
    keras2_uses_fused_batch_norm,
)
from buildtrace.trace import traced


class BatchNormalization(Layer):
    """Batch normalisation over one axis (the channels, ``axis=-1`` by default).

    Example:
        >>> layer = BatchNormalization()
        >>> layer.build((None, 16))
        >>> [w.name for w in layer.weights]  # doctest: +NORMALIZE_WHITESPACE
        ['batch_normalization/gamma:0', 'batch_normalization/beta:0',
         'batch_normalization/moving_mean:0', 'batch_normalization/moving_variance:0']
    """

    @traced
    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 0.001,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(axis, int):
            raise NotImplementedError("buildtrace's BatchNormalization takes a single axis.")
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.supports_masking = True

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Create ``gamma``, ``beta`` (trainable) and the two moving statistics."""
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        axis = self.axis % ndim if -ndim <= self.axis < ndim else self.axis
        if not 0 <= axis < ndim:
            raise ValueError(
                "Invalid value for `axis` argument. Expected 0 <= axis < inputs.rank (with "
                f"inputs.rank={ndim}). Received: axis={(self.axis,)}"
            )
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(
                f"Input has undefined `axis` dimension. Received input with shape "
                f"{input_shape} and axis={(axis,)}"
            )
        self.input_spec = InputSpec(ndim=ndim, axes={axis: channels})
        self._fused = keras2_uses_fused_batch_norm(ndim, axis)
        shape = (channels,)
        self.gamma = (
            self.add_weight("gamma", shape, initializer=self.gamma_initializer, trainable=True)
            if self.scale
            else None
        )
        self.beta = (
            self.add_weight("beta", shape, initializer=self.beta_initializer, trainable=True)
            if self.center
            else None
        )
        self.moving_mean = self.add_weight(
            "moving_mean", shape, initializer=self.moving_mean_initializer, trainable=False
        )
        self.moving_variance = self.add_weight(
            "moving_variance",
            shape,
            initializer=self.moving_variance_initializer,
            trainable=False,
        )
        super().build(input_shape)

    def _scale_offset(self, channels: int, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
        gamma = self.gamma.value if self.gamma is not None else np.ones(channels, dtype)
        beta = self.beta.value if self.beta is not None else np.zeros(channels, dtype)
        return gamma, beta

    @traced
    def call(self, inputs: np.ndarray, training: Any = None) -> np.ndarray:
        # A frozen BatchNormalization always runs in inference mode (Keras 2 since 2.1).
        if training and self.trainable:
            return self._normalize_batch(inputs)[0]
        gamma, beta = self._scale_offset(inputs.shape[self.axis], inputs.dtype)
        return batch_norm_inference(
            inputs,
            self.moving_mean.value,
            self.moving_variance.value,
            gamma,
            beta,
            self.epsilon,
            self.axis,
        )

    def _normalize_batch(self, inputs: np.ndarray) -> tuple[np.ndarray, Any]:
        """Training mode: normalise with the batch's own statistics and move the moving ones
        towards them (Keras's ``_calculate_mean_and_var`` + ``_assign_moving_average``).
        Also returns what the backward pass (``keras/backprop/normalization.py``) needs."""
        gamma, beta = self._scale_offset(inputs.shape[self.axis], inputs.dtype)
        y, mean, var, cache = batch_norm_train_forward(inputs, gamma, beta, self.axis, self.epsilon)
        new_mean, new_var = batch_norm_moving_update(
            self.moving_mean.value,
            self.moving_variance.value,
            mean,
            var,
            cache.reduced_count,
            self.momentum,
            unbiased=self._fused,
        )
        self.moving_mean.assign(new_mean)
        self.moving_variance.assign(new_var)
        return y, cache

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer
                ),
            }
        )
        return config
