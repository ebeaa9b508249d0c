"""``keras.layers``: the layers buildtrace covers.

Mirrors: ``keras/layers/__init__.py``. Asking for a layer buildtrace does not have
gives a clear "not supported by buildtrace" error naming it.
"""

from __future__ import annotations

# The layers' gradients live in keras/backprop; importing them registers them.
from buildtrace.keras.backprop import rules as _gradient_rules  # noqa: F401
from buildtrace.keras.engine.base_layer import BaseRandomLayer, Layer
from buildtrace.keras.engine.input_layer import Input, InputLayer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers import experimental
from buildtrace.keras.layers.activation.leaky_relu import LeakyReLU
from buildtrace.keras.layers.activation.relu import ReLU
from buildtrace.keras.layers.activation.softmax import Softmax
from buildtrace.keras.layers.convolutional.conv1d import Conv1D
from buildtrace.keras.layers.convolutional.conv2d import Conv2D
from buildtrace.keras.layers.convolutional.conv2d_transpose import Conv2DTranspose
from buildtrace.keras.layers.core.activation import Activation
from buildtrace.keras.layers.core.dense import Dense
from buildtrace.keras.layers.core.embedding import Embedding
from buildtrace.keras.layers.core.lambda_layer import Lambda
from buildtrace.keras.layers.core.masking import Masking
from buildtrace.keras.layers.merging.add import Add, add
from buildtrace.keras.layers.merging.average import Average, average
from buildtrace.keras.layers.merging.concatenate import Concatenate, concatenate
from buildtrace.keras.layers.merging.maximum import Maximum, maximum
from buildtrace.keras.layers.merging.minimum import Minimum, minimum
from buildtrace.keras.layers.merging.multiply import Multiply, multiply
from buildtrace.keras.layers.merging.subtract import Subtract, subtract
from buildtrace.keras.layers.normalization.batch_normalization import BatchNormalization
from buildtrace.keras.layers.normalization.layer_normalization import LayerNormalization
from buildtrace.keras.layers.pooling.average_pooling1d import AveragePooling1D
from buildtrace.keras.layers.pooling.average_pooling2d import AveragePooling2D
from buildtrace.keras.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D
from buildtrace.keras.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D
from buildtrace.keras.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D
from buildtrace.keras.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D
from buildtrace.keras.layers.pooling.max_pooling1d import MaxPooling1D
from buildtrace.keras.layers.pooling.max_pooling2d import MaxPooling2D
from buildtrace.keras.layers.preprocessing.category_encoding import CategoryEncoding
from buildtrace.keras.layers.preprocessing.discretization import Discretization
from buildtrace.keras.layers.preprocessing.image_preprocessing import (
    CenterCrop,
    RandomContrast,
    RandomCrop,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    Rescaling,
    Resizing,
)
from buildtrace.keras.layers.preprocessing.integer_lookup import IntegerLookup
from buildtrace.keras.layers.preprocessing.normalization import Normalization
from buildtrace.keras.layers.preprocessing.string_lookup import StringLookup
from buildtrace.keras.layers.regularization.activity_regularization import (
    ActivityRegularization,
)
from buildtrace.keras.layers.regularization.dropout import Dropout
from buildtrace.keras.layers.regularization.gaussian_noise import GaussianNoise
from buildtrace.keras.layers.regularization.spatial_dropout1d import SpatialDropout1D
from buildtrace.keras.layers.regularization.spatial_dropout2d import SpatialDropout2D
from buildtrace.keras.layers.reshaping.flatten import Flatten
from buildtrace.keras.layers.reshaping.permute import Permute
from buildtrace.keras.layers.reshaping.repeat_vector import RepeatVector
from buildtrace.keras.layers.reshaping.reshape import Reshape
from buildtrace.keras.layers.reshaping.up_sampling2d import UpSampling2D
from buildtrace.keras.layers.reshaping.zero_padding2d import ZeroPadding2D
from buildtrace.keras.layers.rnn.base_rnn import RNN
from buildtrace.keras.layers.rnn.base_wrapper import Wrapper
from buildtrace.keras.layers.rnn.bidirectional import Bidirectional
from buildtrace.keras.layers.rnn.gru import GRU, GRUCell
from buildtrace.keras.layers.rnn.lstm import LSTM, LSTMCell
from buildtrace.keras.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from buildtrace.keras.layers.rnn.time_distributed import TimeDistributed
from buildtrace.keras.unsupported import module_getattr

# Keras's aliases.
Convolution2D = Conv2D
MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
Convolution1D = Conv1D
Convolution2DTranspose = Conv2DTranspose
MaxPool1D = MaxPooling1D
AvgPool1D = AveragePooling1D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "Activation",
    "ActivityRegularization",
    "Add",
    "Average",
    "AveragePooling1D",
    "AveragePooling2D",
    "AvgPool1D",
    "AvgPool2D",
    "BaseRandomLayer",
    "BatchNormalization",
    "Bidirectional",
    "CategoryEncoding",
    "CenterCrop",
    "Concatenate",
    "Conv1D",
    "Conv2D",
    "Conv2DTranspose",
    "Convolution1D",
    "Convolution2D",
    "Convolution2DTranspose",
    "Dense",
    "Discretization",
    "Dropout",
    "Embedding",
    "Flatten",
    "GRUCell",
    "GaussianNoise",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "Input",
    "InputLayer",
    "InputSpec",
    "IntegerLookup",
    "LSTMCell",
    "Lambda",
    "Layer",
    "LayerNormalization",
    "LeakyReLU",
    "Masking",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "Maximum",
    "Minimum",
    "Multiply",
    "Normalization",
    "Permute",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "ReLU",
    "RepeatVector",
    "Rescaling",
    "Reshape",
    "Resizing",
    "SimpleRNN",
    "SimpleRNNCell",
    "Softmax",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "StringLookup",
    "Subtract",
    "TimeDistributed",
    "UpSampling2D",
    "Wrapper",
    "ZeroPadding2D",
    "add",
    "average",
    "concatenate",
    "experimental",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]


__getattr__ = module_getattr("keras.layers")
