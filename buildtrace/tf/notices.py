"""Say a thing once: the notices of what buildtrace accepts and does differently.

A tutorial asks for TensorBoard logs, a profile, a SavedModel. buildtrace accepts the
call, does what it honestly can, and says on stderr, once per program and per kind of
thing, what it did instead: a loop that logs every step gets one line, not a thousand.
``keras.callbacks.TensorBoard``, ``tf.summary``, ``tf.profiler``, ``tf.saved_model``,
``tf.train.Checkpoint`` and ``model.save`` all say theirs here, each under its own key.

Example:
    >>> _said.discard("example")
    >>> say_once("example", "buildtrace: said once (on stderr)")
    True
    >>> say_once("example", "buildtrace: said once (on stderr)")
    False
"""

from __future__ import annotations

import sys

#: The keys already said in this program (a test resets it to hear a notice again).
_said: set[str] = set()

#: The end of every "writes nothing" notice about TensorBoard: where the curves are.
CURVES_ARE_IN_THE_TRACE = "the training curves are in buildtrace's trace and viewer."


def say_once(key: str, message: str) -> bool:
    """Print ``message`` on stderr unless something was said under ``key`` already.

    Returns:
        True if the message was printed now.
    """
    if key in _said:
        return False
    _said.add(key)
    print(message, file=sys.stderr)
    return True


def tensorboard_writes_nothing(what: str, logdir: object) -> None:
    """The one notice of TensorBoard-logging APIs: ``what`` writes nothing in ``logdir``."""
    say_once(
        what,
        f"buildtrace: {what} writes nothing (no TensorBoard logs in {logdir}); "
        + CURVES_ARE_IN_THE_TRACE,
    )


__all__ = ["CURVES_ARE_IN_THE_TRACE", "say_once", "tensorboard_writes_nothing"]
