"""``CategoryEncoding``: integer categories to one-hot, multi-hot or count vectors.

Mirrors: ``keras/layers/preprocessing/category_encoding.py::CategoryEncoding`` (Keras 2).
No state and no weights: ``num_tokens`` fixes the vector size.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.layers.preprocessing import preprocessing_utils as utils
from buildtrace.trace import traced


class CategoryEncoding(Layer):
    """Encode integer features ``0 <= x < num_tokens``.

    Example:
        >>> layer = CategoryEncoding(num_tokens=4, output_mode="one_hot")
        >>> layer(np.array([3, 2, 0, 1])).numpy()
        array([[0., 0., 0., 1.],
               [0., 0., 1., 0.],
               [1., 0., 0., 0.],
               [0., 1., 0., 0.]], dtype=float32)
    """

    @traced
    def __init__(
        self, num_tokens: int | None = None, output_mode: str = "multi_hot", sparse: bool = False,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        if "max_tokens" in kwargs:  # Keras's deprecated name
            num_tokens = kwargs.pop("max_tokens")
        kwargs.setdefault("dtype", backend.floatx())
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = utils.MULTI_HOT
        utils.validate_string_arg(
            output_mode, (utils.COUNT, utils.ONE_HOT, utils.MULTI_HOT), "CategoryEncoding",
            "output_mode",
        )  # fmt: skip
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not "
                "known beforehand, use the IntegerLookup layer instead."
            )
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        utils.check_not_sparse(sparse, "CategoryEncoding")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse

    @traced
    def call(self, inputs: Any, count_weights: Any = None) -> np.ndarray:
        if count_weights is not None and self.output_mode != utils.COUNT:
            raise ValueError(
                "`count_weights` is not used when `output_mode` is not `'count'`. "
                "Received `count_weights={count_weights}`."
            )
        x = np.asarray(inputs)
        # Keras asserts the range in the graph; an index outside it has no bin.
        if x.size and (x.max() >= self.num_tokens or x.min() < 0):
            raise ValueError(
                "Input values must be in the range 0 <= values < num_tokens with "
                f"num_tokens={self.num_tokens}"
            )
        return utils.encode_categorical_inputs(
            x, self.output_mode, self.num_tokens, self.dtype, count_weights
        )

    def compute_output_shape(self, input_shape: Any) -> Any:
        return utils.encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
