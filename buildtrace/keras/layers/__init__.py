"""``keras.layers``: the layers buildtrace covers.

Mirrors: ``keras/layers/__init__.py``. Asking for a layer buildtrace does not have
gives a clear "not supported by buildtrace" error naming it.
"""

from __future__ import annotations

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_layer import Input, InputLayer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.convolutional.conv2d import Conv2D
from buildtrace.keras.layers.core.activation import Activation
from buildtrace.keras.layers.core.dense import Dense
from buildtrace.keras.layers.merging.add import Add
from buildtrace.keras.layers.merging.concatenate import Concatenate
from buildtrace.keras.layers.normalization.batch_normalization import BatchNormalization
from buildtrace.keras.layers.pooling.average_pooling2d import AveragePooling2D
from buildtrace.keras.layers.pooling.max_pooling2d import MaxPooling2D
from buildtrace.keras.layers.regularization.dropout import Dropout
from buildtrace.keras.layers.reshaping.flatten import Flatten
from buildtrace.keras.layers.reshaping.reshape import Reshape
from buildtrace.keras.unsupported import module_getattr

# Keras's aliases.
Convolution2D = Conv2D
MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D

__all__ = [
    "Activation",
    "Add",
    "AveragePooling2D",
    "AvgPool2D",
    "BatchNormalization",
    "Concatenate",
    "Conv2D",
    "Convolution2D",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "InputSpec",
    "Layer",
    "MaxPool2D",
    "MaxPooling2D",
    "Reshape",
]


__getattr__ = module_getattr("keras.layers")
