"""``Normalization``: shift and scale features to mean 0 and variance 1.

Mirrors: ``keras/layers/preprocessing/normalization.py::Normalization`` (Keras 2). The
mean and variance are either given (``mean=``, ``variance=``) or learnt by ``adapt``,
which merges each batch's moments into running ones; ``call`` is then
``(x - mean) / max(sqrt(variance), epsilon)`` with Keras's ``epsilon()`` (1e-7).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_preprocessing_layer import PreprocessingLayer
from buildtrace.tf.tensors import Tensor
from buildtrace.trace import traced


def _listify(value: Any) -> Any:
    """A config-friendly ``mean``/``variance``: lists for arrays, as ``listify_tensors``."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


class Normalization(PreprocessingLayer):
    """Normalise each feature (the kept ``axis``) with a mean and variance.

    Example:
        >>> layer = Normalization(axis=-1)
        >>> layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]], "float32"))
        >>> [w.shape.as_list() for w in layer.weights]  # mean, variance, count
        [[2], [2], []]
        >>> layer(np.array([[0.0, 9.0]], "float32")).numpy()
        array([[-1.,  1.]], dtype=float32)
    """

    @traced
    def __init__(
        self,
        axis: Any = -1,
        mean: Any = None,
        variance: Any = None,
        invert: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # `axis` becomes a tuple of the axes kept (one statistic per index along them);
        # None keeps none: one scalar mean and variance over everything.
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        if (mean is not None) != (variance is not None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Got mean: {mean} and variance: {variance}"
            )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Work out the kept and reduced axes; create ``mean``, ``variance``, ``count``.

        As Keras, the base ``build`` comes first (``built`` is written before any weight),
        and the weights exist only when the statistics are to be adapted: a layer given
        ``mean=`` and ``variance=`` holds constants and has no weights.
        """
        super().build(input_shape)
        if isinstance(input_shape, list) and all(isinstance(s, tuple) for s in input_shape):
            raise ValueError(
                "Normalization only accepts a single input. If you are passing a python list "
                "or tuple as a single input, please convert to a numpy array or `tf.Tensor`."
            )
        input_shape = list(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). "
                f"Found ndim: `{ndim}`, axis: {self.axis}"
            )
        # Sorted, so that the statistics' shape follows the input's axis order.
        self._keep_axis = sorted(a if a >= 0 else a + ndim for a in self.axis)
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    "All `axis` values to be kept must have known shape. Got axis: "
                    f"{self.axis}, input shape: {input_shape}, with unknown axis at index: {d}"
                )
        self._reduce_axis = [d for d in range(ndim) if d not in self._keep_axis]
        # The statistics broadcast against a batch: size 1 on every reduced axis.
        self._broadcast_shape = [input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)]
        stats_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean", shape=stats_shape, dtype=self.dtype, initializer="zeros",
                trainable=False,
            )  # fmt: skip
            self.adapt_variance = self.add_weight(
                name="variance", shape=stats_shape, dtype=self.dtype, initializer="ones",
                trainable=False,
            )  # fmt: skip
            # How many values each statistic has seen, to weigh the next batch against.
            self.count = self.add_weight(
                name="count", shape=(), dtype="int64", initializer="zeros", trainable=False
            )
            self.finalize_state()
        else:
            ones = np.ones(stats_shape)
            self._set_statistics(self.input_mean * ones, self.input_variance * ones)

    @traced
    def update_state(self, data: Any) -> None:
        """Merge one batch's mean and variance into the running ones.

        Each side is weighted by how many values it holds; the variances merge by the
        lack-of-fit sum of squares: each part's variance plus its mean's squared distance
        from the merged mean.
        """
        if self.input_mean is not None:
            raise ValueError(
                "Cannot `adapt` a Normalization layer that is initialized with static `mean` "
                f"and `variance`, you passed mean {self.input_mean} and variance "
                f"{self.input_variance}."
            )
        if not self.built:
            raise RuntimeError("`build` must be called before `update_state`.")
        dtype = self.adapt_mean.value.dtype
        data = np.asarray(data).astype(dtype)
        axes = tuple(self._reduce_axis)
        batch_mean = data.mean(axis=axes, dtype=dtype)
        # tf.nn.moments: the mean squared difference from the (fixed) batch mean.
        batch_variance = np.square(data - data.mean(axis=axes, keepdims=True, dtype=dtype)).mean(
            axis=axes, dtype=dtype
        )
        batch_count = int(np.prod([data.shape[d] for d in axes])) if axes else 1
        total_count = batch_count + int(self.count.value)
        batch_weight = np.asarray(batch_count, dtype) / np.asarray(total_count, dtype)
        existing_weight = np.asarray(1.0, dtype) - batch_weight
        mean, variance = self.adapt_mean.value, self.adapt_variance.value
        total_mean = mean * existing_weight + batch_mean * batch_weight
        total_variance = (variance + (mean - total_mean) ** 2) * existing_weight + (
            batch_variance + (batch_mean - total_mean) ** 2
        ) * batch_weight
        self.adapt_mean.assign(total_mean)
        self.adapt_variance.assign(total_variance)
        self.count.assign(np.int64(total_count))

    def reset_state(self) -> None:
        """Back to mean 0, variance 1, count 0 (before each ``adapt``)."""
        if self.input_mean is not None or not self.built:
            return
        self.adapt_mean.assign(np.zeros_like(self.adapt_mean.value))
        self.adapt_variance.assign(np.ones_like(self.adapt_variance.value))
        self.count.assign(np.int64(0))

    @traced
    def finalize_state(self) -> None:
        """Copy the adapted weights into the broadcastable constants ``call`` uses.

        A copy, as Keras's: changing the weights later (``update_state`` alone,
        ``set_weights``) changes nothing until ``finalize_state`` runs again (``adapt``
        and loading a saved model call it).
        """
        if self.input_mean is not None or not self.built:
            return
        self._set_statistics(self.adapt_mean.value, self.adapt_variance.value)

    def _set_statistics(self, mean: Any, variance: Any) -> None:
        """``mean`` and ``variance`` as tensors shaped to broadcast over a batch."""
        self.mean = Tensor(np.reshape(mean, self._broadcast_shape).astype(self.dtype))
        self.variance = Tensor(np.reshape(variance, self._broadcast_shape).astype(self.dtype))

    def _denominator(self) -> np.ndarray:
        # Keras's floor: a feature with variance 0 is divided by epsilon, not by 0.
        sqrt = np.sqrt(np.asarray(self.variance))
        floor: np.ndarray = np.maximum(sqrt, np.asarray(backend.epsilon(), self.dtype))
        return floor

    @traced
    def call(self, inputs: Any) -> np.ndarray:
        # Integer inputs are cast too: the statistics are floats.
        x = np.asarray(inputs).astype(self.dtype)
        mean = np.asarray(self.mean)
        if self.invert:
            return mean + x * self._denominator()  # type: ignore[no-any-return]
        return (x - mean) / self._denominator()  # type: ignore[no-any-return]

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The input shape, broadcast against the statistics' shape.

        Keras's own ``compute_output_shape`` returns the input shape, but a functional
        call learns its output shape by running ``call`` on placeholders, where the
        subtraction broadcasts: an adapted layer knows its features even when its input
        shape (``(None, None)`` from ``adapt``) does not. The same here.
        """
        shape = list(input_shape)
        stats = getattr(self, "_broadcast_shape", None)
        if stats is None or len(stats) > len(shape):
            return tuple(shape)
        offset = len(shape) - len(stats)
        for i, size in enumerate(stats):
            if shape[offset + i] is None and size != 1:
                shape[offset + i] = size
        return tuple(shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "invert": self.invert,
                "mean": _listify(self.input_mean),
                "variance": _listify(self.input_variance),
            }
        )
        return config
