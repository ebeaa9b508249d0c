"""``tf.profiler``: TensorFlow's profiler, accepted and written nowhere, said once.

Mirrors: ``tensorflow/python/profiler/profiler_v2.py`` (``tf.profiler.experimental``)
and ``trace.py``. TensorFlow's profiler records how long each op took on each device and
writes it for TensorBoard's profile tab. buildtrace has no TensorFlow runtime to profile;
its own trace times every call it records (``buildtrace run -o run.jsonl``, and
``buildtrace export`` for Perfetto). So ``start`` / ``stop``, the ``Profile`` context and
``Trace`` do what TensorFlow's do to a program's flow (one profiler at a time, the same
errors otherwise) and write nothing; the first ``start`` says so on stderr.

Example:
    >>> with experimental.Trace("train", step_num=1):
    ...     pass
    >>> _running[0]
    False
"""

from __future__ import annotations

from typing import Any

from buildtrace.tf import errors
from buildtrace.tf.notices import say_once
from buildtrace.tf.unsupported import Namespace, module_getattr

#: Whether a profiler is running: TensorFlow allows one at a time.
_running: list[bool] = [False]


class ProfilerOptions:
    """The profiler's options, kept as given.

    Mirrors ``tf.profiler.experimental.ProfilerOptions``.
    """

    def __init__(self, host_tracer_level: int = 2, python_tracer_level: int = 0,
                 device_tracer_level: int = 1, delay_ms: Any = None) -> None:  # fmt: skip
        self.host_tracer_level = host_tracer_level
        self.python_tracer_level = python_tracer_level
        self.device_tracer_level = device_tracer_level
        self.delay_ms = delay_ms


def start(logdir: Any, options: ProfilerOptions | None = None) -> None:
    """Start the profiler: nothing will be written to ``logdir`` (said once).

    Mirrors ``tf.profiler.experimental.start``.

    Raises:
        AlreadyExistsError: a profiler is running already (TensorFlow's error).
    """
    if _running[0]:
        raise errors.AlreadyExistsError("Another profiler is running.")
    _running[0] = True
    say_once(
        "tf.profiler",
        f"buildtrace: tf.profiler writes nothing (no profile in {logdir}); buildtrace's "
        "trace times every call it records (`buildtrace run -o run.jsonl`, then "
        "`buildtrace export` for Perfetto).",
    )


def stop(save: bool = True) -> None:
    """Stop the profiler. Mirrors ``tf.profiler.experimental.stop``.

    Raises:
        UnavailableError: no profiler is running (TensorFlow's error and message).
    """
    if not _running[0]:
        raise errors.UnavailableError("Cannot export profiling results. No profiler is running.")
    _running[0] = False


class Profile:
    """``with tf.profiler.experimental.Profile(logdir):`` — ``start``, then ``stop``.

    Mirrors ``tf.profiler.experimental.Profile``.
    """

    def __init__(self, logdir: Any, options: ProfilerOptions | None = None) -> None:
        self._logdir = logdir
        self._options = options

    def __enter__(self) -> Profile:
        start(self._logdir, self._options)
        return self

    def __exit__(self, *exc: object) -> None:
        stop()


class Trace:
    """A named span for the profiler's timeline; a no-op here.

    Mirrors ``tf.profiler.experimental.Trace`` (``with Trace("train", step_num=s):``).
    """

    def __init__(self, name: str, **kwargs: Any) -> None:
        self.name = name
        self.kwargs = kwargs

    def __enter__(self) -> Trace:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def set_metadata(self, **kwargs: Any) -> None:
        """Nothing to annotate."""


experimental = Namespace(
    "tf.profiler.experimental",
    "Mirrors `tf.profiler.experimental`: accepted, writes nothing.",
    {
        "start": start,
        "stop": stop,
        "Profile": Profile,
        "Trace": Trace,
        "ProfilerOptions": ProfilerOptions,
    },
)

__all__ = ["Profile", "ProfilerOptions", "Trace", "experimental", "start", "stop"]

__getattr__ = module_getattr("tf.profiler")
