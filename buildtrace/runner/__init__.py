"""Running a user's unchanged Keras script under buildtrace.

* :func:`keras_aliases`: ``import tensorflow as tf`` / ``import keras`` give
  ``buildtrace.keras`` for the duration of a ``with`` block.
* :func:`run_script`: run a script as ``__main__`` under those aliases, collecting its
  trace (and writing it to a JSON Lines file when asked).

Example:
    >>> from buildtrace.runner import run_script
    >>> result = run_script("samples/seed.py", recorder_path="trace.jsonl")  # doctest: +SKIP
    >>> result.exit_code  # doctest: +SKIP
    0
"""

from __future__ import annotations

from buildtrace.runner.aliases import NotSupportedImport, explain_unsupported, keras_aliases
from buildtrace.runner.script import RunResult, describe_error, run_script

__all__ = [
    "NotSupportedImport",
    "RunResult",
    "describe_error",
    "explain_unsupported",
    "keras_aliases",
    "run_script",
]
