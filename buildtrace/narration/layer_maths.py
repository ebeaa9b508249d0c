"""Shape arithmetic the layer lessons show, written out from Keras 2's formulas.

Kept apart from the engine on purpose: a lesson that recomputes ``(28 − 3) // 1 + 1 =
26`` from the layer's configuration is a second, independent statement of what the
engine did, and the tests compare the two.
"""

from __future__ import annotations

import math
from typing import Any

from buildtrace.narration.context import Ctx, is_shape, short
from buildtrace.trace import keras_names


def pair(value: Any) -> tuple[Any, Any]:
    """``3`` or ``[3, 3]`` -> ``(3, 3)``."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return value, value


def window_length(size: Any, window: int, stride: int, padding: str, dilation: int = 1) -> Any:
    """One spatial side after a conv/pooling window (TensorFlow's rule; None stays None).

    Example:
        >>> window_length(28, 3, 1, "valid"), window_length(13, 2, 2, "same")
        (26, 7)
    """
    if not isinstance(size, int):
        return None
    if padding == "same":
        return math.ceil(size / stride)
    span = (window - 1) * dilation + 1
    return (size - span) // stride + 1


def conv_output(x: Any, config: dict[str, Any]) -> list[Any] | None:
    """The output shape of a channels-last Conv2D with this configuration."""
    if not is_shape(x) or len(x) != 4 or not config:
        return None
    kernel, strides = pair(config.get("kernel_size")), pair(config.get("strides", (1, 1)))
    dilation = pair(config.get("dilation_rate", (1, 1)))
    padding = str(config.get("padding", "valid"))
    try:
        rows = window_length(x[1], kernel[0], strides[0], padding, dilation[0])
        cols = window_length(x[2], kernel[1], strides[1], padding, dilation[1])
    except TypeError:
        return None
    return [x[0], rows, cols, config.get("filters")]


def pool_output(x: Any, config: dict[str, Any]) -> list[Any] | None:
    """The output shape of a channels-last 2-D pooling layer."""
    if not is_shape(x) or len(x) != 4 or not config:
        return None
    pool = pair(config.get("pool_size", (2, 2)))
    strides = pair(config.get("strides") or pool)
    padding = str(config.get("padding", "valid"))
    try:
        rows = window_length(x[1], pool[0], strides[0], padding)
        cols = window_length(x[2], pool[1], strides[1], padding)
    except TypeError:
        return None
    return [x[0], rows, cols, x[3]]


def out_shape(x: Any, units: Any) -> list[Any] | None:
    """A Dense layer's output shape: the last size replaced by ``units``."""
    if not is_shape(x) or not x or not isinstance(units, int):
        return None
    return [*x[:-1], units]


def in_shape(ctx: Ctx) -> Any:
    """The input shape a layer's ``call`` runs on (from its ``__call__``, else its build)."""
    return ctx.input_shape()


def init_name(value: Any) -> str:
    """``{"class_name": "GlorotUniform", ...}`` -> ``GlorotUniform``."""
    if isinstance(value, dict):
        return str(value.get("class_name") or "")
    return str(value) if value else ""


def run_context(ctx: Ctx) -> str:
    """Why ``call`` runs here: shape inference, training, evaluation or prediction."""
    if ctx.inside(short(keras_names.LAYER_INFER_OUTPUT_SIGNATURE)):
        return (
            " Here it runs only to learn the output shape: Keras 2 runs it on placeholders in "
            "a scratch graph; buildtrace runs it on a scratch batch of zeros, with "
            "training=False."
        )
    if ctx.inside(short(keras_names.MODEL_TRAIN_STEP)):
        return " Here it runs inside the first (traced) training step."
    if ctx.inside(short(keras_names.MODEL_TEST_STEP)):
        return " Here it runs on a real batch, for evaluate (training=False)."
    if ctx.inside(short(keras_names.MODEL_PREDICT_STEP)):
        return " Here it runs on a real batch, for predict (training=False)."
    return ""
