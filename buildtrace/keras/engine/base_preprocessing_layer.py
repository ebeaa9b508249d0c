"""``PreprocessingLayer``: a layer whose state is computed from data before training.

Mirrors: ``keras/engine/base_preprocessing_layer.py::PreprocessingLayer`` (Keras 2). A
preprocessing layer such as ``Normalization`` is not trained by gradients: ``adapt``
walks over the data once, batch by batch, and lets the layer accumulate statistics
(``update_state``), then turns them into what ``call`` uses (``finalize_state``).

Simplified: Keras runs each adapt step through a ``tf.function`` made by
``make_adapt_function`` and iterates with the training ``DataHandler``; buildtrace runs
the steps eagerly over the same batches (arrays cut in order into ``batch_size`` rows,
32 by default; a ``tf.data`` dataset batch by batch).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.tf.data import Dataset
from buildtrace.trace import traced


def _as_batch(data: Any) -> np.ndarray:
    """One batch as a numpy array (a Tensor, a list, a numpy array)."""
    value = getattr(data, "numpy", None)
    return np.asarray(value() if callable(value) else data)


def adapt_batches(data: Any, batch_size: int | None, steps: int | None) -> Iterator[np.ndarray]:
    """The batches ``adapt`` feeds to ``update_state``, in order.

    Mirrors what ``data_adapter.DataHandler`` hands ``adapt``: arrays (and lists) are cut
    into ``batch_size`` rows (32 if not given), without shuffling; a dataset gives its own
    batches. ``steps`` stops after that many batches.
    """
    if isinstance(data, Dataset):
        if batch_size is not None:
            raise ValueError(
                "The `batch_size` argument must not be specified for the given input type. "
                f"Received input: {data}, batch_size: {batch_size}"
            )
        batches: Iterator[Any] = iter(data)
    else:
        array = _as_batch(data)
        size = batch_size or 32
        batches = (array[i : i + size] for i in range(0, len(array), size))
    for step, batch in enumerate(batches):
        if steps is not None and step >= steps:
            return
        yield _as_batch(batch)


class PreprocessingLayer(Layer):
    """Base class of the layers with an ``adapt`` step (``Normalization``).

    A subclass writes ``update_state(data)`` (take in one batch), ``reset_state()``
    (forget everything) and ``finalize_state()`` (make the state ``call`` uses).

    Example:
        >>> from buildtrace.keras.layers import Normalization
        >>> layer = Normalization(axis=None)
        >>> layer.is_adapted
        False
        >>> layer.adapt(np.array([0.0, 2.0]))
        >>> layer.is_adapted
        True
    """

    _must_restore_from_config = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._is_compiled = False
        self._is_adapted = False
        # Keras swaps in a wrapper so that a user's `reset_state()` also clears
        # `is_adapted`; the subclass's own method stays reachable as `_reset_state_impl`.
        self._reset_state_impl = self.reset_state
        self.reset_state = self._reset_state_wrapper  # type: ignore[method-assign]
        self._adapt_function: Any = None

    @property
    def is_adapted(self) -> bool:
        """Whether ``adapt`` has fitted the layer to data."""
        return self._is_adapted

    def update_state(self, data: Any) -> None:
        """Accumulate the statistics of one batch."""
        raise NotImplementedError

    def reset_state(self) -> None:
        """Forget the accumulated statistics."""
        raise NotImplementedError

    def finalize_state(self) -> None:
        """Turn the statistics into what ``call`` uses (after ``adapt`` or loading)."""

    def compile(
        self, run_eagerly: bool | None = None, steps_per_execution: int | None = None
    ) -> None:
        """Configure ``adapt``. Mirrors ``PreprocessingLayer.compile`` (always eager here)."""
        self._steps_per_execution = steps_per_execution or 1
        self._run_eagerly = self.dynamic if run_eagerly is None else run_eagerly
        self._is_compiled = True

    def make_adapt_function(self) -> Any:
        """One step of ``adapt``: build on the first batch, then ``update_state``.

        Mirrors: ``PreprocessingLayer.make_adapt_function`` (no ``tf.function`` here).
        """
        if self._adapt_function is not None:
            return self._adapt_function

        def adapt_step(iterator: Iterator[np.ndarray]) -> None:
            data = next(iterator)
            self._adapt_maybe_build(data)
            self.update_state(data)

        self._adapt_function = adapt_step
        return adapt_step

    @traced
    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Fit the layer's state to ``data`` (arrays, lists or a batched dataset).

        Mirrors: ``PreprocessingLayer.adapt``: compile with defaults if needed, reset the
        state of a built layer (adapting again starts afresh), one ``update_state`` per
        batch, then ``finalize_state``.
        """
        if not self._is_compiled:
            self.compile()
        if self.built:
            self.reset_state()
        adapt_step = self.make_adapt_function()
        iterator = adapt_batches(data, batch_size, steps)
        while True:
            try:
                adapt_step(iterator)
            except StopIteration:
                break
        self.finalize_state()
        self._is_adapted = True

    def _reset_state_wrapper(self) -> None:
        """``reset_state`` as users call it: also marks the layer not adapted."""
        self._reset_state_impl()
        self._is_adapted = False

    def _adapt_maybe_build(self, data: np.ndarray) -> None:
        """Build from the first batch's shape. Mirrors ``_adapt_maybe_build``.

        Keras builds here directly (not through ``_maybe_build``) and records a batch
        input shape of the right rank if the layer had none, so a model made from the
        adapted layer alone knows its input rank.
        """
        if self.built:
            return
        if getattr(self, "_batch_input_shape", None) is None:
            self._batch_input_shape = (None,) * data.ndim
        self.build(tuple(data.shape))
        self.built = True
