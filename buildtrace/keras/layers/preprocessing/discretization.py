"""``Discretization``: continuous values to bin indices.

Mirrors: ``keras/layers/preprocessing/discretization.py::Discretization`` (Keras 2). The
bin boundaries are given (``bin_boundaries=``) or estimated by ``adapt`` as quantiles
(``num_bins=``): each batch is summarised by a sorted sample of its values with weights,
the summaries are merged and compressed to about ``1/epsilon`` points, and the
boundaries are read off the final summary. Keras's own approximate algorithm, step by
step, so the boundaries are the ones Keras finds, not exact quantiles.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_preprocessing_layer import PreprocessingLayer
from buildtrace.keras.layers.preprocessing import preprocessing_utils as utils
from buildtrace.trace import traced


def summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """One batch's summary: every ``n·epsilon``-th sorted value, weighted by the step.

    Row 0 holds the values, row 1 their weights (how many values each stands for).
    """
    values = np.sort(np.asarray(values, np.float32).reshape(-1))
    num_buckets = np.float32(1.0) / np.float32(epsilon)
    increment = int(np.float32(values.size) / num_buckets)
    step = max(increment, 1)
    boundaries = values[increment::step]
    return np.stack([boundaries, np.full_like(boundaries, np.float32(step))])


def compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Interpolate the summary down to ``1/epsilon`` points of equal cumulative weight."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_weight_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_weight_percents, summary[0])
    cum_weights = np.interp(percents, cum_weight_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype(np.float32)


def merge_summaries(prev: np.ndarray, new: np.ndarray, epsilon: float) -> np.ndarray:
    """Both summaries' points, sorted by value, then compressed."""
    merged = np.concatenate((prev, new), axis=1)
    merged = merged[:, np.argsort(merged[0], kind="stable")]
    return compress(merged, epsilon)


def get_bin_boundaries(summary: np.ndarray, num_bins: int) -> np.ndarray:
    """``num_bins - 1`` boundaries: the compressed summary's points but the last."""
    return compress(summary, 1.0 / num_bins)[0, :-1]


class Discretization(PreprocessingLayer):
    """Put each value in a bin: ``bin_boundaries=[0., 1., 2.]`` makes 4 bins.

    Example:
        >>> layer = Discretization(bin_boundaries=[0.0, 1.0, 2.0])
        >>> layer(np.array([[-1.5, 1.0, 3.4, 0.5]])).numpy()
        array([[0, 2, 3, 1]])
    """

    @traced
    def __init__(
        self, bin_boundaries: Any = None, num_bins: int | None = None, epsilon: float = 0.01,
        output_mode: str = "int", sparse: bool = False, **kwargs: Any,
    ) -> None:  # fmt: skip
        # Bin indices are integers: the layer's dtype is int64 unless it outputs vectors.
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == utils.INT else backend.floatx()
        elif output_mode == utils.INT and not np.issubdtype(np.dtype(kwargs["dtype"]), np.integer):
            kwargs["dtype"] = "int64"
        super().__init__(**kwargs)
        utils.validate_string_arg(
            output_mode, (utils.INT, utils.ONE_HOT, utils.MULTI_HOT, utils.COUNT),
            type(self).__name__, "output_mode",
        )  # fmt: skip
        if sparse and output_mode == utils.INT:
            raise ValueError(
                "`sparse` may only be true if `output_mode` is `'one_hot'`, `'multi_hot'`, "
                f"or `'count'`. Received: sparse={sparse} and output_mode={output_mode}"
            )
        utils.check_not_sparse(sparse, "Discretization")
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                f"`num_bins` must be greater than or equal to 0. You passed `num_bins={num_bins}`"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. You passed "
                f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        bin_boundaries = utils.listify_tensors(bin_boundaries)
        self.input_bin_boundaries = bin_boundaries
        self.bin_boundaries = bin_boundaries if bin_boundaries is not None else []
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """An adapted layer keeps its running ``summary`` as a weight.

        Keras gives it the shape ``(2, None)``: two rows of any length. buildtrace's weights
        have fixed shapes, so it starts as ``(2, 0)`` and ``update_state`` replaces it.
        """
        super().build(input_shape)
        if self.input_bin_boundaries is not None:
            return
        self.summary = self.add_weight(
            name="summary", shape=(2, 0), dtype="float32", initializer="zeros", trainable=False
        )

    @traced
    def update_state(self, data: Any) -> None:
        """Summarise the batch and merge it into the running summary."""
        if self.input_bin_boundaries is not None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead. You passed "
                f"`bin_boundaries={self.input_bin_boundaries}`."
            )
        if not self.built:
            raise RuntimeError("`build` must be called before `update_state`.")
        summary = summarize(np.asarray(data, np.float32), self.epsilon)
        # Keras merges the new batch first, then the running summary.
        self.summary.value = merge_summaries(summary, self.summary.value, self.epsilon)

    @traced
    def finalize_state(self) -> None:
        """Read ``num_bins - 1`` boundaries off the summary."""
        if self.input_bin_boundaries is not None or not self.built:
            return
        self.bin_boundaries = utils.listify_tensors(
            get_bin_boundaries(self.summary.value, self.num_bins or 0)
        )

    def reset_state(self) -> None:
        if self.input_bin_boundaries is not None or not self.built:
            return
        self.summary.value = np.zeros((2, 0), np.float32)

    @traced
    def call(self, inputs: Any) -> np.ndarray:
        # TensorFlow's Bucketize: the index of the first boundary greater than the value.
        # Its boundaries are float32 (an op attribute); it compares in the input's type.
        x = np.asarray(inputs)
        if x.dtype.kind != "f":
            x = x.astype(np.float64)
        boundaries = np.asarray(self.bin_boundaries, np.float32).astype(x.dtype)
        indices = np.searchsorted(boundaries, x, side="right")
        return utils.encode_categorical_inputs(
            indices.astype(np.int64), self.output_mode, len(self.bin_boundaries) + 1, self.dtype
        )

    def compute_output_shape(self, input_shape: Any) -> Any:
        return utils.encoded_shape(input_shape, self.output_mode, len(self.bin_boundaries) + 1)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "bin_boundaries": self.input_bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
