"""``DropoutRNNCellMixin``: the dropout masks of a recurrent cell.

Mirrors: ``keras/layers/rnn/dropout_rnn_cell_mixin.py`` (Keras 2): one mask for the
inputs and one for the recurrent state, drawn once per batch and kept for every step
(so each step drops the same units: "variational" dropout).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.trace import traced


class DropoutRNNCellMixin:
    """Gives a cell (or an RNN layer) ``dropout`` / ``recurrent_dropout`` masks."""

    @traced
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def _dropout_mask(self, shape: tuple[int, ...], rate: float, dtype: Any) -> np.ndarray:
        rng = getattr(self, "_rng", None) or backend.rng()
        keep = rng.random(shape, dtype=np.float32) >= rate
        mask: np.ndarray = keep.astype(dtype) / np.asarray(1 - rate, dtype)
        return mask

    def get_dropout_mask_for_cell(self, inputs: np.ndarray, training: Any) -> np.ndarray | None:
        """The inputs' mask for this batch (None when not training or no dropout)."""
        if not training or not getattr(self, "dropout", 0.0):
            return None
        rate = float(getattr(self, "dropout", 0.0))
        return self._dropout_mask((inputs.shape[0], inputs.shape[-1]), rate, inputs.dtype)

    def get_recurrent_dropout_mask_for_cell(
        self, inputs: np.ndarray, units: int, training: Any
    ) -> np.ndarray | None:
        """The recurrent state's mask for this batch (None when not training or none)."""
        rate = float(getattr(self, "recurrent_dropout", 0.0))
        if not training or not rate:
            return None
        return self._dropout_mask((inputs.shape[0], units), rate, inputs.dtype)
