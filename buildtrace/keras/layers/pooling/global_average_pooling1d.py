"""``GlobalAveragePooling1D``.

Mirrors: ``keras/layers/pooling/global_average_pooling1d.py::GlobalAveragePooling1D``.
After ``Embedding(mask_zero=True)`` the mean is over the real steps only: padding does
not dilute it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.pooling.base_global_pooling1d import GlobalPooling1D
from buildtrace.trace import traced


class GlobalAveragePooling1D(GlobalPooling1D):
    """One value per channel: the mean over the steps of each channel
    (a text classifier reads a sentence so).

    Example:
        >>> GlobalAveragePooling1D().compute_output_shape((None, 10, 8))
        (None, 8)
    """

    @traced
    def __init__(
        self, data_format: str | None = "channels_last", keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    @traced
    def call(self, inputs: np.ndarray, mask: Any = None) -> np.ndarray:
        """The mean over the steps; with a mask, over the kept steps only (as Keras 2)."""
        if mask is None:
            return inputs.mean(axis=self._axes, keepdims=self.keepdims)  # type: ignore[no-any-return]
        kept = self._kept(inputs, mask)
        total = (inputs * kept).sum(axis=self._axes, keepdims=self.keepdims)
        return total / kept.sum(axis=self._axes, keepdims=self.keepdims)  # type: ignore[no-any-return]

    def _kept(self, inputs: np.ndarray, mask: Any) -> np.ndarray:
        """The ``(batch, steps)`` mask as the inputs' dtype, with a channels axis of 1."""
        kept = np.asarray(mask).astype(inputs.dtype)
        return kept[:, :, None] if self.data_format == "channels_last" else kept[:, None, :]

    @traced
    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """None: the steps are averaged away. Mirrors the Keras method."""
        return None
