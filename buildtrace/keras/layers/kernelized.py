"""``RandomFourierFeatures``: ``cos(x @ (unscaled_kernel / kernel_scale) + bias)``.

Mirrors: ``keras/layers/kernelized.py::RandomFourierFeatures`` (Keras 2, exported as
``keras.layers.experimental.RandomFourierFeatures``). It maps inputs to random features
whose dot products approximate a kernel (Gaussian or Laplacian), so a linear layer on top
behaves like a kernel machine (the keras.io "quasi-SVM" example). The random projection
``unscaled_kernel`` and phase ``bias`` are never trained; ``kernel_scale``, one number,
is trainable when the layer is (Keras makes the layer ``trainable=False`` by default).

Simplified: Keras constrains ``kernel_scale`` to be non-negative after each update
(``constraint="NonNeg"``); buildtrace has no constraints, and the scale stays positive in
practice (it starts at ``sqrt(input_dim / 2)`` or ``scale``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import initializers
from buildtrace.keras.backend import Variable
from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.trace import traced

_SUPPORTED_RBF_KERNEL_TYPES = ["gaussian", "laplacian"]


class RandomFourierFeatures(Layer):
    """Random features approximating a Gaussian or Laplacian kernel.

    Example:
        >>> layer = RandomFourierFeatures(output_dim=8, scale=10.0)
        >>> layer.build((None, 4))
        >>> [w.name.split("/")[-1] for w in layer.weights]
        ['kernel_scale:0', 'unscaled_kernel:0', 'bias:0']
    """

    @traced
    def __init__(
        self,
        output_dim: int,
        kernel_initializer: Any = "gaussian",
        scale: float | None = None,
        trainable: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if output_dim <= 0:
            raise ValueError(f"`output_dim` should be a positive integer. Received: {output_dim}")
        if (
            isinstance(kernel_initializer, str)
            and kernel_initializer.lower() not in _SUPPORTED_RBF_KERNEL_TYPES
        ):
            raise ValueError(
                f"Unsupported `kernel_initializer`: {kernel_initializer} "
                f"Expected one of: {_SUPPORTED_RBF_KERNEL_TYPES}"
            )
        if scale is not None and scale <= 0.0:
            raise ValueError(
                f"When provided, `scale` should be a positive float. Received: {scale}"
            )
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.output_dim = output_dim
        self.kernel_initializer = kernel_initializer
        self.scale = scale

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Create ``unscaled_kernel`` (input size × output_dim), ``bias`` and ``kernel_scale``."""
        input_shape = tuple(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "The rank of the input tensor should be 2. "
                f"Received input with rank {len(input_shape)} instead. "
                f"Full input shape received: {input_shape}"
            )
        input_dim = input_shape[1]
        if input_dim is None:
            raise ValueError(
                "The last dimension of the input tensor should be defined. "
                f"Found `None`. Full input shape received: {input_shape}"
            )
        self.input_spec = InputSpec(ndim=2, axes={1: input_dim})
        self.unscaled_kernel: Variable = self.add_weight(
            name="unscaled_kernel",
            shape=(input_dim, self.output_dim),
            dtype="float32",
            initializer=_random_features_initializer(
                self.kernel_initializer, (input_dim, self.output_dim)
            ),
            trainable=False,
        )
        self.bias: Variable = self.add_weight(
            name="bias",
            shape=(self.output_dim,),
            dtype="float32",
            initializer=initializers.RandomUniform(minval=0.0, maxval=2 * np.pi),
            trainable=False,
        )
        if self.scale is None:
            self.scale = _default_scale(self.kernel_initializer, input_dim)
        self.kernel_scale: Variable = self.add_weight(
            name="kernel_scale",
            shape=(1,),
            dtype="float32",
            initializer=initializers.Constant(self.scale),
            trainable=True,
        )
        super().build(input_shape)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        """``cos(inputs @ (unscaled_kernel / kernel_scale) + bias)``."""
        kernel = (1.0 / self.kernel_scale.value) * self.unscaled_kernel.value
        outputs: np.ndarray = np.cos(inputs.astype(np.float32) @ kernel + self.bias.value)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        input_shape = tuple(input_shape)
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                "The last dimension of the input tensor should be defined. "
                f"Found `None`. Full input shape received: {input_shape}"
            )
        return (input_shape[0], self.output_dim)

    def get_config(self) -> dict[str, Any]:
        kernel_initializer = self.kernel_initializer
        if not isinstance(kernel_initializer, str):
            kernel_initializer = initializers.serialize(kernel_initializer)
        config = super().get_config()
        config.update(
            {
                "output_dim": self.output_dim,
                "kernel_initializer": kernel_initializer,
                "scale": self.scale,
            }
        )
        return config


def _random_features_initializer(initializer: Any, shape: tuple[int, int]) -> Any:
    """Gaussian: ``RandomNormal(stddev=1)``; Laplacian: Cauchy samples, as Keras draws them."""
    if not isinstance(initializer, str):
        return initializer
    if initializer.lower() == "gaussian":
        return initializers.RandomNormal(stddev=1.0)
    # Keras draws these with numpy's global generator (`keras.utils.set_random_seed` seeds it).
    probs = np.random.uniform(low=0.0, high=1.0, size=shape)
    return initializers.Constant(np.tan(np.pi * (probs - 0.5)))  # type: ignore[arg-type]


def _default_scale(initializer: Any, input_dim: int) -> float:
    if isinstance(initializer, str) and initializer.lower() == "gaussian":
        return float(np.sqrt(input_dim / 2.0))
    return 1.0
