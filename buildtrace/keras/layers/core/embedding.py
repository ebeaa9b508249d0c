"""``Embedding``: turn word indices into learned vectors.

Mirrors: ``keras/layers/core/embedding.py::Embedding`` (Keras 2): one row of
``embeddings`` (``input_dim × output_dim``, uniform in ±0.05) per index; ``call`` looks
the rows up. Without ``input_length`` it declares ``input_shape=(None,)``, so a
``Sequential`` that starts with it gets an input of shape ``(None, None)``. With
``mask_zero=True`` index 0 means padding: ``compute_mask`` marks those steps, and the
layers after it that support masking skip them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.layers.rnn.rnn_utils import get_initializer, serialize
from buildtrace.tf.tensors import Tensor
from buildtrace.trace import traced


class Embedding(Layer):
    """Maps each integer in ``[0, input_dim)`` to a vector of ``output_dim`` values.

    Example:
        >>> Embedding(1000, 64).compute_output_shape((None, 10))
        (None, 10, 64)
    """

    @traced
    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        activity_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        input_length: Any = None,
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        if "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,) if input_length else (None,)
        if input_dim <= 0 or output_dim <= 0:
            raise ValueError(
                "Both `input_dim` and `output_dim` should be positive, "
                f"Received input_dim = {input_dim} and output_dim = {output_dim}"
            )
        kwargs["autocast"] = False
        super().__init__(**kwargs)
        for name, value in (
            ("embeddings_regularizer", embeddings_regularizer),
            ("activity_regularizer", activity_regularizer),
            ("embeddings_constraint", embeddings_constraint),
        ):
            if value is not None:
                raise NotImplementedError(f"`{name}` is not supported by buildtrace.")
        if sparse:
            raise NotImplementedError("`sparse=True` is not supported by buildtrace.")
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = get_initializer(embeddings_initializer)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.input_length = input_length
        self.sparse = sparse

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any = None) -> None:
        """Create ``embeddings``: one trainable row per index."""
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            name="embeddings",
        )
        super().build(input_shape)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        ids = np.asarray(inputs).astype(np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            bad = int(ids.max() if ids.max() >= self.input_dim else ids.min())
            # TensorFlow's message on CPU for an index outside the table.
            raise ValueError(
                f"indices[...] = {bad} is not in [0, {self.input_dim}) "
                "[Op:ResourceGather] name: embedding_lookup"
            )
        outputs: np.ndarray = self.embeddings.value[ids]
        return outputs

    @traced
    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """``inputs != 0`` with ``mask_zero`` (index 0 is padding), else no mask.

        Mirrors: ``Embedding.compute_mask``.
        """
        if not self.mask_zero:
            return None
        return Tensor(np.not_equal(np.asarray(inputs), 0))

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if self.input_length is None:
            return (*input_shape, self.output_dim)
        lengths = (
            list(self.input_length)
            if isinstance(self.input_length, list | tuple)
            else [self.input_length]
        )
        if len(lengths) != len(input_shape) - 1:
            raise ValueError(
                f'"input_length" is {self.input_length}, but received input has shape {input_shape}'
            )
        for i, (s1, s2) in enumerate(zip(lengths, input_shape[1:])):
            if s1 is not None and s2 is not None and s1 != s2:
                raise ValueError(
                    f'"input_length" is {self.input_length}, but received input has shape '
                    f"{input_shape}"
                )
            if s1 is None:
                lengths[i] = s2
        return (input_shape[0], *lengths, self.output_dim)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": serialize(self.embeddings_initializer),
                "embeddings_regularizer": None,
                "activity_regularizer": None,
                "embeddings_constraint": None,
                "mask_zero": self.mask_zero,
                "input_length": self.input_length,
            }
        )
        return config
