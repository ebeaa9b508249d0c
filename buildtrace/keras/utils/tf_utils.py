"""Small TensorFlow helpers of Keras's training loops.

Mirrors: ``keras/utils/tf_utils.py`` of Keras 2 (the one function the loops use).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.utils.nest import map_structure
from buildtrace.tf.tensors import is_tensor


def sync_to_numpy_or_python_type(tensors: Any) -> Any:
    """Tensors to numpy, and 0-d values to Python numbers: what a callback's logs hold.

    Mirrors: ``keras/utils/tf_utils.py::sync_to_numpy_or_python_type``. A train step
    returns its metrics' ``result()`` tensors; ``fit`` hands callbacks (and ``History``)
    plain floats.

    Example:
        >>> from buildtrace.tf import constant
        >>> sync_to_numpy_or_python_type({"loss": constant(0.5)})
        {'loss': 0.5}
    """

    def convert(value: Any) -> Any:
        # A variable too: Keras wraps a metric's `result()` so that it reads as a tensor
        # (`result_wrapper`), even when the metric returns its state variable.
        if is_tensor(value):
            value = value.numpy()
        if not isinstance(value, np.ndarray | np.generic):
            return value
        return value.item() if np.ndim(value) == 0 else value

    return map_structure(convert, tensors)
