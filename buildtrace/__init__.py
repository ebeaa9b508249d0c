"""buildtrace: watch how a Keras 2 model is built.

``buildtrace.keras`` is a small Keras 2 on numpy that reports every step of a build as
an event; :func:`record` keeps those events in a JSON Lines file.

Example:
    >>> import buildtrace
    >>> from buildtrace import keras
    >>> model = keras.Sequential([keras.layers.Dense(4)])
    >>> with buildtrace.record("trace.jsonl"):  # doctest: +SKIP
    ...     model.build((None, 3))
"""

from __future__ import annotations

from buildtrace.trace import BUS, iter_events, read_events, record

__version__ = "0.1.0"
__all__ = ["BUS", "__version__", "iter_events", "read_events", "record"]
