"""Array helpers tutorials call on labels and features.

Mirrors: ``keras/utils/np_utils.py`` of Keras 2 (``to_categorical``, ``normalize``).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def to_categorical(y: Any, num_classes: int | None = None, dtype: Any = "float32") -> np.ndarray:
    """Class indices -> one-hot rows, e.g. for ``categorical_crossentropy``.

    Mirrors: ``keras/utils/np_utils.py::to_categorical``: the labels are cast to ``int``
    (so ``2.0`` is class 2), a trailing axis of size 1 is dropped (``(n, 1)`` labels give
    ``(n, num_classes)``, not ``(n, 1, num_classes)``), and ``num_classes`` falsy means
    ``max(y) + 1``.

    Example:
        >>> to_categorical([0, 2, 1]).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
        >>> to_categorical([[1], [3]]).shape
        (2, 4)

    Raises:
        IndexError: a label is ``num_classes`` or more (numpy's message, as in Keras).
    """
    labels = np.array(y, dtype="int")
    input_shape = labels.shape
    # Keras treats a column of labels as a list of labels.
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    labels = labels.reshape(-1)
    if not num_classes:
        num_classes = int(np.max(labels)) + 1
    n = labels.shape[0]
    categorical = np.zeros((n, num_classes), dtype=dtype)
    categorical[np.arange(n), labels] = 1
    return np.reshape(categorical, (*input_shape, num_classes))


def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """Scale each vector along ``axis`` to unit ``order``-norm (zero vectors stay zero).

    Mirrors: ``keras/utils/np_utils.py::normalize``.

    Example:
        >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
        [[0.6, 0.8], [0.0, 0.0]]
    """
    array = np.asarray(x)
    norms = np.atleast_1d(np.linalg.norm(array, order, axis))
    norms[norms == 0] = 1  # a zero vector has no direction: leave it as it is
    result: np.ndarray = array / np.expand_dims(norms, axis)
    return result
