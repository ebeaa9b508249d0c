"""``tf.summary``: TensorBoard logging, accepted and written nowhere, said once.

Mirrors: ``tensorflow/python/ops/summary_ops_v2.py``. buildtrace draws its own training
curves (the trace and the viewer), as ``keras.callbacks.TensorBoard`` does here: a writer
is created and used as TensorFlow's is (``with writer.as_default():``,
``tf.summary.scalar(...)``), nothing is written, and the first writer says so on stderr.
Each summary op returns False, TensorFlow's answer when nothing was written.

Example:
    >>> writer = create_noop_writer()
    >>> with writer.as_default():
    ...     scalar("loss", 0.5, step=1)
    False
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from buildtrace.tf.notices import say_once, tensorboard_writes_nothing
from buildtrace.tf.unsupported import module_getattr


class SummaryWriter:
    """A writer that writes nothing. Mirrors ``tf.summary.SummaryWriter``."""

    def __init__(self, logdir: str | None) -> None:
        self.logdir = logdir

    @contextmanager
    def as_default(self, step: Any = None) -> Iterator[SummaryWriter]:
        """``with writer.as_default():`` — the summaries inside go nowhere."""
        yield self

    def set_as_default(self, step: Any = None) -> None:
        """Nothing to set: no summary is written."""

    def flush(self) -> None:
        """Nothing to flush."""

    def close(self) -> None:
        """Nothing to close."""

    def init(self) -> None:
        """Nothing to open."""


def create_file_writer(logdir: Any, max_queue: Any = None, flush_millis: Any = None,
                       filename_suffix: Any = None, name: Any = None,
                       experimental_trackable: bool = False) -> SummaryWriter:  # fmt: skip
    """A writer for ``logdir`` that writes nothing (said once on stderr)."""
    tensorboard_writes_nothing("tf.summary", logdir)
    return SummaryWriter(str(logdir))


def create_noop_writer() -> SummaryWriter:
    """Mirrors ``tf.summary.create_noop_writer``."""
    return SummaryWriter(None)


def _nothing_written(*args: Any, **kwargs: Any) -> bool:
    return False


scalar = histogram = text = image = audio = write = _nothing_written


def _no_graph() -> None:
    say_once(
        "tf.summary.trace",
        "buildtrace: tf.summary.trace_on/trace_export export no graph: buildtrace runs "
        "each op eagerly on numpy and builds no TensorFlow graph; the calls it makes are "
        "in buildtrace's trace.",
    )


def trace_on(graph: bool = True, profiler: bool = False) -> None:
    """Start tracing: there is no TensorFlow graph to trace (said once).

    Mirrors ``tf.summary.trace_on``; ``profiler=True`` would start TensorFlow's
    profiler, which writes nothing here either.
    """
    _no_graph()


def trace_off() -> None:
    """Stop tracing. Mirrors ``tf.summary.trace_off``."""


def trace_export(name: str, step: Any = None, profiler_outdir: Any = None) -> None:
    """Export the traced graph: there is none, nothing is written (said once).

    Mirrors ``tf.summary.trace_export``.
    """
    _no_graph()


def flush(writer: Any = None, name: Any = None) -> None:
    """Nothing to flush."""


@contextmanager
def record_if(condition: Any) -> Iterator[None]:
    """Mirrors ``tf.summary.record_if`` (nothing is recorded either way)."""
    yield


def should_record_summaries() -> bool:
    """False: no summary is ever written."""
    return False


__all__ = [
    "SummaryWriter",
    "audio",
    "create_file_writer",
    "create_noop_writer",
    "flush",
    "histogram",
    "image",
    "record_if",
    "scalar",
    "should_record_summaries",
    "text",
    "trace_export",
    "trace_off",
    "trace_on",
    "write",
]

__getattr__ = module_getattr("tf.summary")
