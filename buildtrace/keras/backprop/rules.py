"""Importing this module registers the gradient rules of every layer family."""

from __future__ import annotations

from buildtrace.keras.backprop import (  # noqa: F401
    activation,
    convolutional,
    core,
    image_preprocessing,
    kernelized,
    merging,
    models,
    normalization,
    pooling,
    preprocessing,
    recurrent,
    regularization,
    reshaping,
)
