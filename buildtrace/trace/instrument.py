"""Instrumentation helpers: how engine code emits events without knowing who listens.

* :func:`traced` wraps an engine function so that each run emits a ``call`` event and
  then a ``return`` (or a ``raise`` when an exception leaves it).
* :func:`emit_set` reports a write of a watched flag (``built``, ``_graph_initialized``).
* :func:`emit` publishes any other event (``add_weight``, training events).
* :func:`suspended` silences tracing for a block, the way a compiled ``tf.function``
  no longer runs the Python it was traced from.

All of them cost one attribute read when the bus has no subscriber.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar, overload

from buildtrace.trace.bus import BUS
from buildtrace.trace.events import RawEvent, keras_name

P = ParamSpec("P")
R = TypeVar("R")

_state = threading.local()
_SRC_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _depth() -> int:
    return getattr(_state, "depth", 0)


def _is_suspended() -> bool:
    return getattr(_state, "suspended", 0) > 0


@functools.lru_cache(maxsize=4096)
def _source(code_file: str, line: int) -> str:
    """``/.../buildtrace/keras/engine/base_layer.py`` -> ``keras/engine/base_layer.py:42``."""
    try:
        rel = os.path.relpath(code_file, _SRC_ROOT)
    except ValueError:  # a different drive on Windows
        rel = code_file
    if rel.startswith(".."):
        rel = os.path.basename(code_file)
    return f"{rel.replace(os.sep, '/')}:{line}"


def describe_object(obj: Any) -> tuple[str | None, str]:
    """The ``layer`` and ``cls`` fields for an object an event is about.

    ``layer`` is the object's ``name`` once it has one (inside ``Layer.__init__`` it does
    not yet, just as Keras's own trace shows ``[Dense]`` without a name there).
    """
    name = obj.__dict__.get("_name") if hasattr(obj, "__dict__") else None
    return (name if isinstance(name, str) else None), type(obj).__name__


Details = Callable[..., dict[str, Any]]


@overload
def traced(fn: Callable[P, R]) -> Callable[P, R]: ...


@overload
def traced(
    *,
    layer_arg: str | None = None,
    details: Details | None = None,
    result: Callable[[Any], dict[str, Any]] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def traced(
    fn: Callable[P, R] | None = None,
    *,
    layer_arg: str | None = None,
    details: Details | None = None,
    result: Callable[[Any], dict[str, Any]] | None = None,
) -> Any:
    """Decorator: emit ``call`` / ``return`` / ``raise`` events around ``fn``.

    The event's ``name`` is the Keras 2 name derived from where ``fn`` lives (see
    :func:`~buildtrace.trace.events.keras_name`). For methods, ``layer`` and ``cls`` come
    from ``self``; for module-level functions ``layer`` comes from the argument named
    ``layer_arg`` if given (e.g. ``assert_input_compatibility(..., layer_name)``).

    Args:
        fn: the function to wrap (when used as ``@traced`` without arguments).
        layer_arg: name of a parameter holding the layer name, for plain functions.
        details: ``details(*args, **kwargs) -> dict`` of extra fields for the ``call``
            event (input shapes, arguments). Only run when someone listens.
        result: ``result(return_value) -> dict`` of extra fields for the ``return`` event.

    Example:
        >>> @traced
        ... def build(self, input_shape): ...
    """

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        name = keras_name(func.__module__, func.__qualname__)
        code = func.__code__
        src = _source(code.co_filename, code.co_firstlineno)
        is_method = "." in func.__qualname__ and "<locals>" not in func.__qualname__
        arg_names = code.co_varnames[: code.co_argcount]
        layer_index = arg_names.index(layer_arg) if layer_arg in arg_names else None
        is_init = func.__name__ == "__init__" and is_method

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if not BUS.active or _is_suspended():
                return func(*args, **kwargs)
            layer: str | None = None
            cls: str | None = None
            if is_method and args:
                layer, cls = describe_object(args[0])
            elif layer_arg is not None:
                value = kwargs.get(layer_arg)
                if value is None and layer_index is not None and layer_index < len(args):
                    value = args[layer_index]
                layer = value if isinstance(value, str) else None
            depth = _depth()
            event: RawEvent = {"kind": "call", "name": name, "depth": depth, "layer": layer}
            if cls is not None:
                event["cls"] = cls
            event["src"] = src
            caller = sys._getframe(1)
            event["caller"] = _source(caller.f_code.co_filename, caller.f_lineno)
            if details is not None:
                event.update(details(*args, **kwargs))
            call_seq = BUS.publish(event)
            _state.depth = depth + 1
            try:
                value = func(*args, **kwargs)
            except BaseException as exc:
                _state.depth = depth
                _publish_raise(exc, name, depth, layer, cls, call_seq)
                raise
            _state.depth = depth
            if is_method and args:
                # An __init__ gives its object a name: the return event reports it.
                layer, _ = describe_object(args[0])
            done: RawEvent = {"kind": "return", "name": name, "depth": depth, "layer": layer}
            if cls is not None:
                done["cls"] = cls
            done["call"] = call_seq
            if result is not None:
                done.update(result(value))
            if is_init and args and type(args[0]).__init__ is wrapper:
                done.update(_config_of(args[0]))
            BUS.publish(done)
            return value

        wrapper.__buildtrace_name__ = name  # type: ignore[attr-defined]
        return wrapper

    if fn is not None:
        return decorate(fn)
    return decorate


def _config_of(obj: Any) -> dict[str, Any]:
    """``{"config": obj.get_config()}`` once an object's outermost ``__init__`` is done.

    That is when a layer's configuration (units, activation...) is complete, so a
    reader of the trace can draw the layer without the object itself.
    """
    get_config = getattr(obj, "get_config", None)
    if get_config is None:
        return {}
    try:
        return {"config": get_config()}
    except Exception:  # a half-made object must not break the user's code
        return {}


def _publish_raise(
    exc: BaseException,
    name: str,
    depth: int,
    layer: str | None,
    cls: str | None,
    call_seq: int = -1,
) -> None:
    """A ``raise`` event closes a frame an exception leaves.

    The frame where the exception first meets a traced function gets ``origin: true``;
    outer frames it passes through get ``origin: false``, so a reader can show the error
    once and still close every open call.
    """
    origin = not getattr(exc, "__buildtrace_seen__", False)
    if origin:
        with contextlib.suppress(AttributeError):  # exceptions without a __dict__
            exc.__buildtrace_seen__ = True  # type: ignore[attr-defined]
    event: RawEvent = {
        "kind": "raise",
        "name": name,
        "depth": depth,
        "layer": layer,
        "error_type": type(exc).__name__,
        "message": _message(exc),
        "origin": origin,
        "call": call_seq,
    }
    if cls is not None:
        event["cls"] = cls
    if origin:
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            event["src"] = _source(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
    BUS.publish(event)


def _message(exc: BaseException) -> str:
    """``str(exc)`` that never fails (a broken ``__str__`` must not break the trace)."""
    try:
        text = str(exc)
    except Exception:  # pragma: no cover - defensive
        text = repr(exc)
    # A message with terminal escapes (a coloured error) would be refused by every
    # reader of the trace (control characters are not text there): keep it readable.
    return text if text.isprintable() else _CONTROL.sub("\ufffd", text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def emit(kind: str, name: str, layer: str | None = None, **fields: Any) -> None:
    """Publish one event of ``kind`` at the current call depth, if anyone listens."""
    if not BUS.active or _is_suspended():
        return
    event: RawEvent = {"kind": kind, "name": name, "depth": _depth(), "layer": layer}
    event.update(fields)
    BUS.publish(event)


def emit_set(obj: Any, attr: str, old: Any, value: Any) -> None:
    """Publish a ``set`` event: ``obj.attr`` was written ``value`` (it was ``old``).

    ``old`` is None when the attribute did not exist yet. The event's ``src`` is the line
    that wrote the flag: the first frame up the stack that is not a ``__setattr__``.
    """
    if not BUS.active or _is_suspended():
        return
    layer, cls = describe_object(obj)
    frame = sys._getframe(1)
    while frame.f_code.co_name == "__setattr__" and frame.f_back is not None:
        frame = frame.f_back
    event: RawEvent = {
        "kind": "set",
        "name": f"{cls}.{attr}",
        "depth": _depth(),
        "layer": layer,
        "cls": cls,
        "attr": attr,
        "old": old,
        "value": value,
        "src": _source(frame.f_code.co_filename, frame.f_lineno),
    }
    BUS.publish(event)


@contextmanager
def suspended() -> Iterator[None]:
    """Emit nothing inside this block (on this thread).

    Used for the compiled training step: Keras traces ``train_step`` into a graph once
    and then runs the graph, so the Python functions are not called again per batch.
    """
    _state.suspended = getattr(_state, "suspended", 0) + 1
    try:
        yield
    finally:
        _state.suspended -= 1
