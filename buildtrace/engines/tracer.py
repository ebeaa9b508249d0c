"""Recording a real Keras engine's own Python calls as buildtrace events.

The mini-Keras emits its events from decorators on its own functions. A real engine
(tf-keras) has no such decorators, so :class:`EngineTracer` watches the interpreter
instead: :func:`sys.settrace` calls it at the start of every Python frame, and it keeps
only the frames whose module lives in the engine's package (``tf_keras.src.``), naming
them by their Keras 2 path (``tf_keras.src.engine.base_layer`` becomes
``keras.engine.base_layer``). For those frames it asks for the frame's ``return`` and
``exception`` events (never its ``line`` events), so every other frame, TensorFlow's
included, costs one dictionary lookup.

Why ``settrace`` and not ``setprofile``: a profile function is also called for every C
function call (thousands per training step) and never learns of exceptions, so a
``raise`` with Keras's message could not be recorded.

The events are exactly the mini-Keras's (``call``, ``return``, ``raise``, ``set``,
``add_weight``: DESIGN.md section 3), with two optional fields on events recorded while
TensorFlow traces a step function into a graph: ``tf_function`` (``train_function``...)
and ``tf_trace`` (1 for its first trace, 2 for the second...).
"""

from __future__ import annotations

import contextlib
import dis
import sys
from dataclasses import dataclass, field
from types import CodeType, FrameType
from typing import Any

from buildtrace.engines import details
from buildtrace.trace import BUS
from buildtrace.trace.events import RawEvent
from buildtrace.trace.instrument import _message, _state
from buildtrace.trace.instrument import describe_object as _describe_object

#: Frames not recorded, but whose calls are: comprehensions, which are lines of their
#: function rather than steps of Keras, and the wrapper that shortens Keras's tracebacks
#: (around every public method: ``Sequential.build`` would read ``error_handler``).
SKIPPED_NAMES = frozenset({"<genexpr>", "<listcomp>", "<dictcomp>", "<setcomp>"})
SKIPPED_MODULES = ("utils.traceback_utils",)

#: Frames recorded with nothing below them: attribute plumbing (every attribute write of
#: a Keras object runs a dozen tracking calls; the writes of the flags become ``set``
#: events instead). Property getters are hidden the same way (see ``hide_code``).
HIDDEN_NAMES = frozenset({"__setattr__", "__getattr__", "__getattribute__", "__delattr__"})

#: Modules whose calls (and everything below them) are hidden: identity-keyed
#: dictionaries, argument inspection. Keras names, without the ``keras.`` prefix.
HIDDEN_MODULES = ("utils.object_identity", "utils.tf_inspect", "tree.")

#: What :attr:`EngineTracer.names` holds for the root of a hidden subtree.
_HIDE = ""

#: The step functions TensorFlow traces into a graph, by the Keras function making them.
STEP_FUNCTIONS = {
    f"keras.engine.training.Model.make_{kind}_function.<locals>.step_function": f"{kind}_function"
    for kind in ("train", "test", "predict")
}
# Keras 3 on TensorFlow: one step function serves the three loops.
STEP_FUNCTIONS[
    "keras3.backend.tensorflow.trainer.TensorFlowTrainer._make_function.<locals>.one_step_on_data"
] = "step_function"

#: The training loops, during which tracing pauses between TensorFlow's traces.
LOOPS = (".Model.fit", ".Model.evaluate", ".Model.predict", "Trainer.fit", "Trainer.evaluate",
         "Trainer.predict")  # fmt: skip

_RETURN_VALUE = dis.opmap["RETURN_VALUE"]
_YIELD_VALUE = dis.opmap["YIELD_VALUE"]
_RESUME = dis.opmap["RESUME"]
_GENERATOR_FLAGS = 0x20 | 0x80 | 0x200  # generator, coroutine, async generator


@dataclass
class _Open:
    """A recorded frame that has not returned yet."""

    frame: FrameType
    name: str
    depth: int
    layer: str | None
    cls: str | None
    seq: int
    is_method: bool
    is_init: bool
    label: dict[str, Any] | None
    error: BaseException | None = None


@dataclass
class EngineTracer:
    """A ``sys.settrace`` function recording the engine package's calls on the bus.

    Args:
        package: the engine's module prefix (``tf_keras.src.``).
        prefix: what replaces it in event names (``keras.``).
        source_root: the folder of the engine's sources, for ``src`` fields.
    """

    package: str
    prefix: str
    source_root: str
    names: dict[CodeType, str | None] = field(default_factory=dict)
    stack: list[_Open] = field(default_factory=list)
    #: While > 0, calls are recorded only inside a step function's trace (set by the
    #: training callback: the loops' per-batch plumbing is not the build's story).
    muted: int = 0
    traces: dict[str, int] = field(default_factory=dict)
    label: dict[str, Any] | None = None
    #: How many hidden frames are open (nothing is recorded while any is).
    hidden: int = 0
    #: Whether tracing is off while a loop runs (:meth:`pause`).
    paused: bool = False
    _code_bytes: dict[CodeType, bytes] = field(default_factory=dict)

    # ----------------------------------------------------------------- the trace hooks
    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        """The global trace function: called at the start of every Python frame."""
        if self.hidden:
            return None
        code = frame.f_code
        try:
            name = self.names[code]
        except KeyError:
            name = self.names[code] = self._name_of(frame)
        if not name:
            if name is None or event != "call":
                return None
            self.hidden += 1
            frame.f_trace_lines = False
            return self._unhide
        if code.co_flags & _GENERATOR_FLAGS and self._is_resume(frame):
            return None  # a generator picking up where it yielded: not a new step
        step = STEP_FUNCTIONS.get(name)
        if step is None and self.muted and self.label is None:
            return None
        if not BUS.active:
            return None
        label = self.label
        if step is not None:
            count = self.traces[step] = self.traces.get(step, 0) + 1
            label = {"tf_function": step, "tf_trace": count}
        self._enter(frame, name, label)
        if step is not None:
            self.label = label
        frame.f_trace_lines = False
        return self._local

    def _unhide(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "return":
            self.hidden -= 1
            return None
        return self._unhide

    def hide_code(self, code: CodeType) -> None:
        """Hide this function and everything it calls (a property getter, say)."""
        self.names[code] = _HIDE

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "return":
            self._leave(frame, arg)
            return None
        if event == "exception" and self.stack and self.stack[-1].frame is frame:
            self.stack[-1].error = arg[1]
        return self._local

    # ----------------------------------------------------------------- naming
    def _name_of(self, frame: FrameType) -> str | None:
        module = frame.f_globals.get("__name__")
        if not isinstance(module, str) or not module.startswith(self.package):
            return None
        code = frame.f_code
        if code.co_name in SKIPPED_NAMES:
            return None
        module = module[len(self.package) :]
        if module.startswith(SKIPPED_MODULES):
            return None
        if code.co_name in HIDDEN_NAMES or module.startswith(HIDDEN_MODULES):
            return _HIDE
        return f"{self.prefix}{module}.{code.co_qualname}"

    def _is_resume(self, frame: FrameType) -> bool:
        code = frame.f_code
        raw = self._code_bytes.get(code)
        if raw is None:
            raw = self._code_bytes[code] = code.co_code
        at = frame.f_lasti
        return 0 <= at < len(raw) - 1 and raw[at] == _RESUME and raw[at + 1] != 0

    def source(self, frame: FrameType) -> str:
        """``keras/engine/base_layer.py:495`` for a frame of the engine's sources."""
        path = frame.f_code.co_filename
        if path.startswith(self.source_root):
            path = self.prefix.rstrip(".") + "/" + path[len(self.source_root) :].lstrip("/")
        else:
            path = path.rsplit("/", 1)[-1]
        return f"{path}:{frame.f_lineno}"

    # ----------------------------------------------------------------- events
    def _publish(self, event: RawEvent, label: dict[str, Any] | None) -> int:
        if label is not None:
            event.update(label)
        return BUS.publish(event)

    def _enter(self, frame: FrameType, name: str, label: dict[str, Any] | None) -> None:
        code = frame.f_code
        depth = len(self.stack)
        qualname = code.co_qualname
        is_method = (
            "." in qualname
            and "<locals>" not in qualname
            and code.co_argcount > 0
            and code.co_varnames[0] == "self"
        )
        local_vars = frame.f_locals
        layer: str | None = None
        cls: str | None = None
        if is_method:
            layer, cls = describe_object(local_vars.get("self"))
        event: RawEvent = {"kind": "call", "name": name, "depth": depth, "layer": layer}
        if cls is not None:
            event["cls"] = cls
        event["src"] = self.source(frame)
        caller = frame.f_back
        if caller is not None:
            event["caller"] = self.source(caller)
        extra = details.on_call(name, local_vars)
        if extra:
            if "layer" in extra and not is_method:
                # A function about a layer it is not a method of (Keras 3's build_wrapper)
                layer = event["layer"] = extra.pop("layer")
            event.update(extra)
        seq = self._publish(event, label)
        is_init = is_method and code.co_name == "__init__"
        self.stack.append(_Open(frame, name, depth, layer, cls, seq, is_method, is_init, label))
        _state.depth = depth + 1

    def _leave(self, frame: FrameType, value: Any) -> None:
        stack = self.stack
        if not stack or stack[-1].frame is not frame:
            # A frame left without our hearing of it (tracing was off a moment): close
            # the stack down to this frame if it is on it, else ignore the return.
            if not any(open_.frame is frame for open_ in stack):
                return
            while stack[-1].frame is not frame:
                stack.pop()
        open_ = stack.pop()
        _state.depth = open_.depth
        if open_.label is not None and STEP_FUNCTIONS.get(open_.name) is not None:
            self.label = stack[-1].label if stack else None
        error = open_.error
        if error is not None and value is None and not self._returned(frame):
            self._raise(open_, error)
            return
        layer = open_.layer
        if open_.is_method:
            layer, _ = describe_object(frame.f_locals.get("self"))
        inner, extra = details.on_return(open_.name, frame, value, open_.is_init)
        for made in inner:  # what the call made (a weight, a compile), inside it
            made["depth"] = open_.depth + 1
            self._publish(made, open_.label)
        event: RawEvent = {"kind": "return", "name": open_.name, "depth": open_.depth}
        event["layer"] = layer
        if open_.cls is not None:
            event["cls"] = open_.cls
        event["call"] = open_.seq
        event.update(extra)
        self._publish(event, open_.label)

    def _returned(self, frame: FrameType) -> bool:
        """Whether the frame ends at a ``return`` or ``yield`` (not by an exception)."""
        code = frame.f_code
        raw = self._code_bytes.get(code)
        if raw is None:
            raw = self._code_bytes[code] = code.co_code
        at = frame.f_lasti
        return 0 <= at < len(raw) and raw[at] in (_RETURN_VALUE, _YIELD_VALUE)

    def _raise(self, open_: _Open, error: BaseException) -> None:
        """A ``raise`` event: the frame ended by ``error`` (origin: where it first left)."""
        origin = not getattr(error, "__buildtrace_seen__", False)
        if origin:
            with contextlib.suppress(AttributeError):  # exceptions without a __dict__
                error.__buildtrace_seen__ = True  # type: ignore[attr-defined]
        event: RawEvent = {
            "kind": "raise",
            "name": open_.name,
            "depth": open_.depth,
            "layer": open_.layer,
            "error_type": type(error).__name__,
            "message": _message(error),
            "origin": origin,
            "call": open_.seq,
        }
        if open_.cls is not None:
            event["cls"] = open_.cls
        if origin:
            tb = error.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                event["src"] = self.source(tb.tb_frame)
        self._publish(event, open_.label)

    def flag_written(self, obj: Any, attr: str, old: Any, value: Any, frame: FrameType) -> None:
        """Publish a ``set`` event (mirrors :func:`buildtrace.trace.emit_set`)."""
        if not BUS.active or (self.muted and self.label is None and self.stack):
            return
        layer, cls = describe_object(obj)
        while frame.f_code.co_name == "__setattr__" and frame.f_back is not None:
            frame = frame.f_back
        event: RawEvent = {
            "kind": "set",
            "name": f"{cls}.{attr}",
            "depth": len(self.stack),
            "layer": layer,
            "cls": cls,
            "attr": attr,
            "old": details.scalar(old),
            "value": details.scalar(value),
            "src": self.source(frame),
        }
        self._publish(event, self.label)

    # ----------------------------------------------------------------- loops
    def pause(self) -> None:
        """Stop tracing while a training loop runs batch after batch (see ``resume``).

        Even a trace function that records nothing costs a call per Python frame, and
        TensorFlow runs thousands per batch. The frames open above the loop (the
        callback list telling the callbacks the loop begins) return while tracing is
        off, so their ``return`` events are published now.
        """
        if self.paused:
            return
        loop = next(
            (i for i in range(len(self.stack) - 1, -1, -1)
             if self.stack[i].name.endswith(LOOPS)),
            None,
        )  # fmt: skip
        if loop is None:
            return  # hooks called outside a loop: nothing returns unseen, keep tracing
        while len(self.stack) > loop + 1:
            open_ = self.stack[-1]
            open_.frame.f_trace = None
            self._leave(open_.frame, None)
        self.paused = True
        sys.settrace(None)

    def resume(self) -> None:
        """Trace again (the loop ended, or TensorFlow traces a step function)."""
        if self.paused:
            self.paused = False
            sys.settrace(self)

    # ----------------------------------------------------------------- on and off
    def start(self) -> Any:
        """Install the tracer on this thread; returns the trace function it replaced."""
        previous = sys.gettrace()
        sys.settrace(self)
        return previous

    def stop(self, previous: Any = None) -> None:
        """Remove the tracer (putting ``previous`` back) and forget the open frames."""
        sys.settrace(previous)
        self.stack.clear()
        self.label = None
        self.hidden = 0
        self.paused = False
        _state.depth = 0


def describe_object(obj: Any) -> tuple[str | None, str]:
    """``layer`` and ``cls`` of an object: Keras 2 keeps a layer's name in ``_name``,
    Keras 3 in ``name`` (mirrors :func:`buildtrace.trace.instrument.describe_object`)."""
    layer, cls = _describe_object(obj)
    if layer is None and hasattr(obj, "__dict__"):
        name = obj.__dict__.get("name")
        layer = name if isinstance(name, str) else None
    return layer, cls
