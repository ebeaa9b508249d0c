"""``tf.GradientTape`` and ``tf.function``: hand-written training loops.

Mirrors: ``tensorflow/python/eager/backprop.py::GradientTape`` and
``eager/polymorphic_function::Function``. Inside ``with tf.GradientTape() as tape:``
every op of :mod:`buildtrace.tf` records itself (see :mod:`buildtrace.tf.tape`), and a
Keras layer called on data records one node for the whole layer, whose backward pass is
the layer's own gradient rule (``buildtrace.keras.backprop``). ``tape.gradient(loss,
variables)`` walks those nodes backwards.

Both are traced under TensorFlow's names, so a hand-written loop shows on the trace bus
as ``fit`` does: ``GradientTape.gradient``, then ``Optimizer.apply_gradients``.

Example:
    >>> from buildtrace.tf.tensors import Variable
    >>> x = Variable(3.0)
    >>> with GradientTape() as tape:
    ...     y = x * x
    >>> float(tape.gradient(y, x))
    6.0
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from buildtrace.tf import tape as _tape
from buildtrace.tf.tensors import Tensor, Variable, _TensorOps, to_array
from buildtrace.trace import BUS, suspended, traced


def traced_as(module: str, qualname: str | None = None, **options: Any) -> Callable[[Any], Any]:
    """``@traced``, with the event named after TensorFlow's module, not buildtrace's.

    TensorFlow's layout is not ours (``GradientTape`` lives in
    ``tensorflow/python/eager/backprop.py``), so the structural naming of
    :func:`~buildtrace.trace.traced` gets the TensorFlow module here.
    """

    def decorate(func: Any) -> Any:
        func.__module__ = module
        if qualname is not None:
            func.__qualname__ = qualname
        decorator: Any = traced(**options)
        return decorator(func)

    return decorate


def _flatten(structure: Any) -> list[Any]:
    if isinstance(structure, list | tuple):
        return [x for item in structure for x in _flatten(item)]
    if isinstance(structure, dict):
        return [x for key in structure for x in _flatten(structure[key])]
    return [structure]


def _pack_like(structure: Any, flat: Iterator[Any]) -> Any:
    if isinstance(structure, list | tuple):
        return type(structure)(_pack_like(item, flat) for item in structure)
    if isinstance(structure, dict):
        return {key: _pack_like(value, flat) for key, value in structure.items()}
    return next(flat)


def _gradient_details(
    tape: GradientTape, target: Any = None, sources: Any = None, *_: Any, **kw: Any
) -> dict[str, Any]:
    """Extra event fields for ``gradient``: what the tape recorded, how many sources."""
    nodes = tape._recorder.nodes
    return {
        "recorded": [node.name for node in nodes[:_SHOWN_OPS]],
        "recorded_count": len(nodes),
        "sources": len(_flatten(sources if sources is not None else kw.get("sources"))),
    }


#: How many recorded ops a ``gradient`` event lists by name.
_SHOWN_OPS = 12


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` gives a source the target does not depend on. Mirrors the TF enum."""

    NONE = "none"
    ZERO = "zero"


def _is_float(source: Any) -> bool:
    return isinstance(source, _TensorOps) and to_array(source).dtype.kind == "f"


class GradientTape:
    """Record operations for automatic differentiation. Mirrors ``tf.GradientTape``.

    Args:
        persistent: allow more than one ``gradient`` call.
        watch_accessed_variables: watch every trainable variable an op reads (default);
            otherwise only what :meth:`watch` names.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._recorder = _tape.Recorder()
        self._watched: dict[int, Any] = {}
        self._used = False

    def __enter__(self) -> GradientTape:
        _tape.push(self._recorder)
        return self

    def __exit__(self, *exc: Any) -> None:
        _tape.pop(self._recorder)

    def watch(self, tensor: Any) -> None:
        """Differentiate with respect to ``tensor`` (a tensor or a structure of them)."""
        for item in _flatten(tensor):
            self._watched[id(item)] = item
            self._recorder.watched.add(id(item))

    @contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Ops run inside this block are not recorded. Mirrors the TensorFlow method."""
        self._recorder.paused += 1
        try:
            yield
        finally:
            self._recorder.paused -= 1

    def reset(self) -> None:
        """Forget everything recorded so far."""
        self._recorder.nodes.clear()
        self._recorder.made.clear()
        self._recorder.watched.clear()
        self._watched.clear()

    def watched_variables(self) -> tuple[Variable, ...]:
        """The variables the recorded ops read (trainable ones, or watched ones)."""
        seen: dict[int, Variable] = {}
        for node in self._recorder.nodes:
            for item in node.inputs:
                if isinstance(item, Variable) and self._is_source(item):
                    seen.setdefault(id(item), item)
        return tuple(seen.values())

    def _is_source(self, item: Any) -> bool:
        if id(item) in self._watched:
            return True
        return isinstance(item, Variable) and self._watch_accessed_variables and item.trainable

    @traced_as("tensorflow.python.eager.backprop", details=_gradient_details)
    def gradient(
        self,
        target: Any,
        sources: Any,
        output_gradients: Any = None,
        unconnected_gradients: Any = "none",
    ) -> Any:
        """The gradient of ``target`` with respect to each of ``sources``.

        Mirrors: ``GradientTape.gradient``. Returns one tensor per source, in the same
        structure (a list for a list), None for a source ``target`` does not depend on
        (zeros with ``unconnected_gradients="zero"``).

        Raises:
            RuntimeError: a second call on a tape that is not ``persistent``.
        """
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients (or jacobians)"
            )
        self._used = True
        targets = _flatten(target)
        seeds = (
            _flatten(output_gradients) if output_gradients is not None else [None] * len(targets)
        )
        grads: dict[int, Any] = {}
        for value, seed in zip(targets, seeds):
            if isinstance(value, _TensorOps):
                array = to_array(value)
                _tape.accumulate(
                    grads, id(value), np.ones_like(array) if seed is None else to_array(seed)
                )
        self._backpropagate(grads)
        flat_sources = _flatten(sources)
        # Besides watched tensors and variables, any tensor an op recorded here made (an
        # intermediate result) may be asked about, as in TensorFlow.
        made = {id(o) for node in self._recorder.nodes for o in node.outputs}
        results = []
        for source in flat_sources:
            # Only floating tensors have gradients (TensorFlow warns and gives None).
            wanted = (self._is_source(source) or id(source) in made) and _is_float(source)
            grad = grads.get(id(source)) if wanted else None
            if isinstance(grad, _tape.LogitsGradient):
                grad = None
            if (
                grad is None
                and str(getattr(unconnected_gradients, "value", unconnected_gradients)) == "zero"
            ):
                grad = np.zeros_like(to_array(source))
            results.append(
                None if grad is None else Tensor(np.asarray(grad, to_array(source).dtype))
            )
        if not self._persistent:
            self._recorder.nodes = []  # a used tape lets go of what it held, as TensorFlow's
        if isinstance(sources, list | tuple | dict):
            return _pack_like(sources, iter(results))
        return results[0]

    def _backpropagate(self, grads: dict[int, Any]) -> None:
        """Walk the recorded nodes last to first, sending each output's gradient back."""
        for node in reversed(self._recorder.nodes):
            outputs = node.outputs
            if len(outputs) == 1:
                dy = grads.get(id(outputs[0]))
                if dy is None:
                    continue
            else:
                dys = [grads.get(id(o)) for o in outputs]
                if all(d is None for d in dys):
                    continue
                dy = [np.zeros_like(to_array(o)) if d is None else d for o, d in zip(outputs, dys)]
            for item, grad in zip(node.inputs, node.vjp(dy)):
                if grad is not None and isinstance(item, _TensorOps):
                    _tape.accumulate(grads, id(item), grad)


class Function:
    """A Python function run as TensorFlow runs a ``tf.function``. Mirrors its class.

    TensorFlow traces the function into a graph on the first call and then runs the
    graph; buildtrace runs the Python function every time, and mirrors what a student
    sees: the first call is traced event by event (the model's forward pass shows
    underneath it), later calls run silently.
    """

    def __init__(self, python_function: Callable[..., Any], name: str | None = None) -> None:
        self._python_function = python_function
        self._calls = 0
        functools.update_wrapper(self, python_function)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._calls += 1
        if self._calls == 1 or not BUS.active:
            return self._first_call(*args, **kwargs)
        with suspended():
            return self._python_function(*args, **kwargs)

    @traced_as(
        "tensorflow.python.eager.polymorphic_function.polymorphic_function", "Function.__call__"
    )
    def _first_call(self, *args: Any, **kwargs: Any) -> Any:
        return self._python_function(*args, **kwargs)

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        # A decorated method: bind it, keeping one call count per decorated function.
        if instance is None:
            return self
        return functools.partial(self.__call__, instance)

    @property
    def python_function(self) -> Callable[..., Any]:
        """The undecorated function."""
        return self._python_function


def function(func: Any = None, **options: Any) -> Any:
    """Decorator: a :class:`Function` (options such as ``jit_compile`` are accepted).

    Mirrors: ``tf.function``.
    """
    if func is None:
        return lambda f: Function(f)
    return Function(func)
