"""The recording core under ``tf.GradientTape``: which tapes listen, and what an op leaves.

Mirrors: ``tensorflow/python/eager/tape.py`` (``record_operation``, the stack of active
tapes). Every op of :mod:`buildtrace.tf` calls :func:`record` after computing its
result; while a tape is recording, the op leaves an :class:`OpNode` there: its inputs,
its output and its vector-Jacobian product (``vjp(dy) -> one gradient per input``).
``GradientTape.gradient`` (in :mod:`buildtrace.tf.autodiff`) walks those nodes
backwards. With no tape active, :func:`record` costs one list check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: ``vjp(dy)`` -> one gradient (an array, or None) per input of the op.
Vjp = Callable[[Any], Sequence[Any]]


class OpNode:
    """One recorded op: ``outputs = op(*inputs)``, and how to send a gradient back.

    ``inputs`` and ``outputs`` are the tensors and variables themselves: holding them
    keeps their ``id`` unique while the tape lives, and ids are how gradients are keyed.
    """

    __slots__ = ("inputs", "name", "outputs", "vjp")

    def __init__(self, name: str, inputs: Sequence[Any], outputs: Sequence[Any], vjp: Vjp) -> None:
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.vjp = vjp

    def __repr__(self) -> str:
        return f"<OpNode {self.name}: {len(self.inputs)} inputs -> {len(self.outputs)} outputs>"


class Recorder:
    """What a tape keeps: its nodes, in the order the ops ran."""

    def __init__(self) -> None:
        self.nodes: list[OpNode] = []
        self.paused = 0
        # Ids of the tensors the recorded ops made and of the watched ones: what a
        # gradient can flow back to (a batch of data is neither).
        self.made: set[int] = set()
        self.watched: set[int] = set()


#: The tapes open right now (innermost last), as TensorFlow's tape stack.
_ACTIVE: list[Recorder] = []


def is_recording() -> bool:
    """Whether an op run now would be recorded by some tape."""
    return any(not r.paused for r in _ACTIVE) if _ACTIVE else False


def push(recorder: Recorder) -> None:
    """Start recording into ``recorder`` (a tape's ``__enter__``)."""
    _ACTIVE.append(recorder)


def pop(recorder: Recorder) -> None:
    """Stop recording into ``recorder`` (a tape's ``__exit__``)."""
    if recorder in _ACTIVE:
        _ACTIVE.remove(recorder)


def record(name: str, inputs: Sequence[Any], outputs: Sequence[Any], vjp: Vjp) -> None:
    """Leave a node on every recording tape, if any, for an op that just ran.

    Mirrors: ``tensorflow/python/eager/tape.py::record_operation``.
    """
    if not _ACTIVE:
        return
    node: OpNode | None = None
    for recorder in _ACTIVE:
        if not recorder.paused:
            node = node or OpNode(name, inputs, outputs, vjp)
            recorder.nodes.append(node)
            recorder.made.update(id(o) for o in outputs)


def is_tracked(tensor: Any) -> bool:
    """Whether a gradient may have to reach ``tensor``: made by a recorded op, or watched.

    A layer called on a plain batch of data need not compute ``dL/d(inputs)`` (for the
    first Dense of a model, the most expensive product of the backward pass).
    """
    key = id(tensor)
    return any(key in r.made or key in r.watched for r in _ACTIVE)


class LogitsGradient:
    """A gradient with respect to a layer's logits rather than its output.

    A Keras crossentropy on a softmax (or sigmoid) layer's output works from that layer's
    logits, as Keras 2 does through ``_keras_logits``; the gradient it sends back is then
    ``dL/d(logits)``, and the layer's tape node skips its activation's backward pass.
    """

    __slots__ = ("array",)

    def __init__(self, array: Any) -> None:
        self.array = array


def accumulate(store: dict[int, Any], key: int, grad: Any) -> None:
    """Add ``grad`` into ``store[key]``: a tensor used twice gets both gradients."""
    if key not in store:
        store[key] = grad
        return
    old = store[key]
    if isinstance(old, LogitsGradient) or isinstance(grad, LogitsGradient):
        raise NotImplementedError(
            "buildtrace cannot add a crossentropy's gradient (taken from the logits of a "
            "softmax or sigmoid layer) to another gradient of the same output; compute the "
            "two losses from separate model calls."
        )
    store[key] = old + grad


class isolated:
    """Record only into ``recorder`` inside the block; the other tapes see nothing.

    For a layer differentiated on a tape of its own (its backward pass): the outer tapes
    get one node for the whole layer, not the ops inside it as well.
    """

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self._saved: list[Recorder] = []

    def __enter__(self) -> Recorder:
        self._saved = _ACTIVE[:]
        _ACTIVE[:] = [self._recorder]
        return self._recorder

    def __exit__(self, *exc: Any) -> None:
        _ACTIVE[:] = self._saved
