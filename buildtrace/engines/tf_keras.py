"""The real Keras 2 engine: a script run under tf-keras, recorded as buildtrace events.

:func:`session` is what ``buildtrace run --engine tf-keras`` runs a script inside. It
imports TensorFlow with ``TF_USE_LEGACY_KERAS=1`` (so ``tf.keras`` is tf-keras, Keras 2)
and, for the run only:

* makes ``import keras`` / ``from keras.layers import Dense`` give tf-keras too (the
  ``keras`` package installed beside TensorFlow is Keras 3);
* records every call of tf-keras's own functions (:class:`~buildtrace.engines.tracer.
  EngineTracer`), named by their Keras 2 path;
* reports every write of ``built`` / ``_graph_initialized`` (a wrapper of
  ``Layer.__setattr__``, which every Keras object's attribute writes pass through);
* adds the training callback to every ``fit`` / ``evaluate`` / ``predict`` the way
  Keras adds ``History`` (:mod:`buildtrace.engines.callbacks`);
* lets ``keras.datasets.mnist.load_data()`` fall back to buildtrace's stand-in digits
  when it cannot download MNIST, saying so in one line (as the mini-Keras does).

Everything is put back when the session ends.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from buildtrace.engines.tracer import EngineTracer

#: The attributes whose writes are recorded (the flags of DESIGN.md section 3).
FLAGS = frozenset({"built", "_graph_initialized"})

_UNSET = object()


def import_engine() -> ModuleType:
    """Import TensorFlow and tf-keras (seconds), quietly; return ``tf_keras``.

    Raises:
        ImportError: when either is not installed.
    """
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # no CUDA/oneDNN banners
    # TensorFlow's C++ side logs banners to file descriptor 2 before it reads that
    # variable: they are held back, and shown only if the import fails.
    with _quiet_stderr() as held:
        try:
            import tensorflow  # noqa: F401  (tf-keras needs it first)
            import tf_keras
        except BaseException:
            held.append(True)
            raise
    module: ModuleType = tf_keras
    return module


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[list[bool]]:
    """Hold what is written to file descriptor 2; replay it if the block says so."""
    try:
        saved = os.dup(2)
    except OSError:
        yield []
        return
    failed: list[bool] = []
    with tempfile.TemporaryFile() as held:
        sys.stderr.flush()
        os.dup2(held.fileno(), 2)
        try:
            yield failed
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            if failed:
                held.seek(0)
                os.write(2, held.read()[-4000:])


@contextlib.contextmanager
def session() -> Iterator[EngineTracer]:
    """Run the block under tf-keras, recording its engine on the trace bus.

    Raises:
        ImportError: when TensorFlow or tf-keras is not installed (nothing changed then).
    """
    tf_keras = import_engine()
    from tf_keras.src import backend, callbacks
    from tf_keras.src.engine import base_layer

    backend.clear_session()  # every run starts like a fresh process: the first is `dense`
    root = str(Path(str(tf_keras.__file__)).resolve().parent / "src")
    tracer = EngineTracer(package="tf_keras.src.", prefix="keras.", source_root=root)
    with contextlib.ExitStack() as undo:
        undo.enter_context(_keras_is_tf_keras())
        undo.enter_context(_flag_writes(base_layer.Layer, tracer))
        undo.enter_context(_training_callback(callbacks.CallbackList, callbacks.Callback, tracer))
        undo.enter_context(
            _mnist_fallback(("tf_keras.src.datasets.mnist", "tf_keras.datasets.mnist"))
        )
        undo.enter_context(_trace_while_tensorflow_traces(tracer))
        _hide_properties(tracer, "tf_keras.src.")
        previous = tracer.start()
        undo.callback(tracer.stop, previous)
        yield tracer


@contextlib.contextmanager
def _keras_is_tf_keras() -> Iterator[None]:
    """``keras``, ``keras.layers``... are tf-keras's public modules for the block."""
    saved = {n: m for n, m in sys.modules.items() if n == "keras" or n.startswith("keras.")}
    for name in saved:
        del sys.modules[name]
    for name, module in list(sys.modules.items()):
        if (name == "tf_keras" or name.startswith("tf_keras.")) and ".src" not in name:
            sys.modules["keras" + name[len("tf_keras") :]] = module
    try:
        yield
    finally:
        for name in [n for n in sys.modules if n == "keras" or n.startswith("keras.")]:
            del sys.modules[name]
        sys.modules.update(saved)


@contextlib.contextmanager
def _flag_writes(layer_class: type, tracer: EngineTracer) -> Iterator[None]:
    """Report writes of ``built`` / ``_graph_initialized`` with their old value.

    Mirrors what the mini-Keras's ``Layer.__setattr__`` does with ``emit_set``.
    """
    original = layer_class.__dict__["__setattr__"]

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if name not in FLAGS:
            original(self, name, value)
            return
        old = self.__dict__.get(name, _UNSET)
        original(self, name, value)
        tracer.flag_written(self, name, None if old is _UNSET else old, value, sys._getframe(1))

    layer_class.__setattr__ = __setattr__  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        layer_class.__setattr__ = original  # type: ignore[method-assign]


@contextlib.contextmanager
def _training_callback(callback_list: type, base: type, tracer: EngineTracer) -> Iterator[None]:
    """Append the training-events callback to every ``CallbackList`` Keras makes."""
    from buildtrace.engines.callbacks import tf_keras_trace_events

    trace_class = tf_keras_trace_events(tracer, base)
    callbacks_module = sys.modules[callback_list.__module__]
    original = callback_list.__dict__["_add_default_callbacks"]

    def _add_default_callbacks(self: Any, add_history: bool, add_progbar: bool) -> None:
        original(self, add_history, add_progbar)
        if not any(isinstance(cb, trace_class) for cb in self.callbacks):
            self.callbacks.append(trace_class())

    original_init = callback_list.__dict__["__init__"]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if not hasattr(self, "_check_timing"):
            return
        # Keras warns of "slow" callbacks not its own; this one's cost is the recording's.
        self._check_timing = any(
            type(cb).__name__ not in vars(callbacks_module)
            for cb in self.callbacks
            if not isinstance(cb, trace_class)
        )

    setattr(callback_list, "_add_default_callbacks", _add_default_callbacks)  # noqa: B010
    setattr(callback_list, "__init__", __init__)  # noqa: B010
    try:
        yield
    finally:
        setattr(callback_list, "_add_default_callbacks", original)  # noqa: B010
        setattr(callback_list, "__init__", original_init)  # noqa: B010


@contextlib.contextmanager
def _mnist_fallback(names: tuple[str, ...]) -> Iterator[None]:
    """``mnist.load_data()`` as the mini-Keras's: the stand-in digits when offline."""
    import importlib

    from buildtrace.keras.datasets import mnist

    def load_data(path: str = "mnist.npz", cache_dir: str | None = None) -> Any:
        return mnist.load_data(path, cache_dir=cache_dir)

    modules: list[Any] = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            continue
    saved = [(m, m.load_data) for m in modules]
    for module in modules:
        module.load_data = load_data
    try:
        yield
    finally:
        for module, original in saved:
            module.load_data = original


def _hide_properties(tracer: EngineTracer, package: str) -> None:
    """Hide the engine's property getters: ``layer.name``, ``layer.dtype``... are reads
    of an attribute to the reader of the trace, not steps of the build."""
    for name, module in list(sys.modules.items()):
        if not name.startswith(package) or module is None:
            continue
        for value in list(vars(module).values()):
            if not isinstance(value, type) or not value.__module__.startswith(package):
                continue
            for member in list(vars(value).values()):
                getter = getattr(member, "fget", None) if isinstance(member, property) else None
                while getter is not None and hasattr(getter, "__wrapped__"):
                    getter = getter.__wrapped__
                code = getattr(getter, "__code__", None)
                if code is not None:
                    tracer.hide_code(code)


@contextlib.contextmanager
def _trace_while_tensorflow_traces(tracer: EngineTracer) -> Iterator[None]:
    """Trace while TensorFlow traces a function into a graph, even inside a loop.

    ``tracing_compilation._create_concrete_function`` runs only when a ``tf.function``
    needs a new trace (its first call, a variable-creating first trace, a new input
    shape): there the step function's Python runs, and the recording must see it.
    """
    from tensorflow.python.eager.polymorphic_function import tracing_compilation as tracing

    original = tracing._create_concrete_function

    def _create_concrete_function(*args: Any, **kwargs: Any) -> Any:
        if not tracer.paused:
            return original(*args, **kwargs)
        tracer.resume()
        try:
            return original(*args, **kwargs)
        finally:
            tracer.pause()

    tracing._create_concrete_function = _create_concrete_function
    try:
        yield
    finally:
        tracing._create_concrete_function = original
