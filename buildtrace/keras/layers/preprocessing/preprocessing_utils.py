"""What the categorical preprocessing layers share: the output modes and their encoding.

Mirrors: ``keras/layers/preprocessing/preprocessing_utils.py`` (``encode_categorical_inputs``,
``listify_tensors``) and ``keras/utils/layer_utils.py::validate_string_arg``. Dense
outputs only: the ``sparse=True`` outputs (``tf.SparseTensor``) are not modelled.
"""

from __future__ import annotations

from typing import Any

import numpy as np

INT = "int"
ONE_HOT = "one_hot"
MULTI_HOT = "multi_hot"
COUNT = "count"


def listify_tensors(x: Any) -> Any:
    """Tensors and arrays as lists, for a layer's config."""
    value = getattr(x, "numpy", None)
    if callable(value):
        x = value()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return x


def validate_string_arg(value: Any, allowable_strings: tuple[str, ...], layer_name: str,
                        arg_name: str) -> None:  # fmt: skip
    """Keras's check of a string argument, with its message."""
    if value in allowable_strings:
        return
    raise ValueError(
        f"The {arg_name} argument of layer {layer_name} received an invalid value "
        f"{value}. Allowed values are: or one of the following values: {allowable_strings}."
    )


def check_not_sparse(sparse: bool, layer_name: str) -> None:
    """buildtrace has no ``tf.SparseTensor``: say so rather than return a dense one."""
    if sparse:
        raise NotImplementedError(
            f"`{layer_name}(sparse=True)` is not supported by buildtrace: it returns dense "
            "tensors only. Leave `sparse=False`."
        )


def encode_categorical_inputs(
    inputs: np.ndarray, output_mode: str, depth: int, dtype: str = "float32",
    count_weights: Any = None,
) -> np.ndarray:  # fmt: skip
    """Integer indices to ``one_hot`` / ``multi_hot`` / ``count`` vectors of ``depth``.

    As Keras: a scalar becomes one sample; ``one_hot`` adds a last axis unless the last
    axis is already 1; the result is at most rank 2 (a batch of samples), each sample's
    last axis counted into one row of ``depth`` bins.
    """
    if output_mode == INT:
        return np.asarray(inputs).astype(dtype)
    original_shape = np.shape(inputs)
    x = np.asarray(inputs)
    if x.ndim == 0:
        x = x[None]
    if output_mode == ONE_HOT and x.shape[-1] != 1:
        x = x[..., None]
    if x.ndim > 2:
        raise ValueError(
            "When output_mode is not `'int'`, maximum supported output rank is 2. Received "
            f"output_mode {output_mode} and input shape {original_shape}, which would "
            f"result in output rank {x.ndim}."
        )
    rows = x.reshape(-1, x.shape[-1]) if x.ndim == 2 else x[None]
    out = np.zeros((rows.shape[0], depth), dtype=dtype)
    weights = None if count_weights is None else np.asarray(count_weights).reshape(rows.shape)
    for i, row in enumerate(rows.astype(np.int64)):
        # TensorFlow's bincount drops values outside [0, depth): a lookup's mask token
        # (encoded as the largest int64) counts nowhere.
        keep = (row >= 0) & (row < depth)
        if output_mode == COUNT:
            w = None if weights is None else weights[i][keep]
            out[i] = np.bincount(row[keep], weights=w, minlength=depth)[:depth]
        else:
            out[i, row[keep]] = 1
    return out if x.ndim == 2 else out[0]


def encoded_shape(input_shape: Any, output_mode: str, depth: int) -> tuple[Any, ...]:
    """The output shape of :func:`encode_categorical_inputs` for ``input_shape``."""
    shape = list(input_shape)
    if output_mode == INT:
        return tuple(shape)
    if not shape:
        return (depth,)
    if output_mode == ONE_HOT and shape[-1] != 1:
        return (*shape, depth)
    return (*shape[:-1], depth)
