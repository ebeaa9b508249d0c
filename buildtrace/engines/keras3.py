"""Keras 3 (the ``keras`` 3.x package) as an engine: a script run under it, recorded.

Keras 3 runs on a backend; buildtrace uses TensorFlow's (CPU), which the ``tf-keras``
extra installs already: the build (``Layer.__call__ -> _maybe_build -> build_wrapper``,
``Operation.symbolic_call -> compute_output_spec``, ``Sequential.build`` making a
``Functional``) is the same Python whatever the backend, and TensorFlow's trainer traces
the step function with ``tf.function`` as Keras 2 does, so the two engines' training
read alike. JAX would add a second large download; PyTorch's trainer runs eagerly
(nothing is traced) and NumPy's cannot ``fit``.

Events are named ``keras3.<module>.<function>`` (``keras.src.layers.layer`` becomes
``keras3.layers.layer``): Keras 3's functions are its own, not Keras 2's, and a trace
must never pass one off as the other. Otherwise the session is the tf-keras one
(:mod:`buildtrace.engines.tf_keras`): the tracer, the flag writes (Keras 3 has
``built`` but no ``_graph_initialized``), the weights, the training callback.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from buildtrace.engines import tf_keras as common
from buildtrace.engines.tracer import EngineTracer


def import_engine() -> ModuleType:
    """Import Keras 3 on TensorFlow's backend (seconds); return ``keras``.

    Raises:
        ImportError: when Keras 3 or TensorFlow is not installed, or ``keras`` is 2.x.
    """
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.pop("TF_USE_LEGACY_KERAS", None)  # `tf.keras` is Keras 3 then
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with common._quiet_stderr() as held:
        try:
            import keras
            import tensorflow  # noqa: F401
        except BaseException:
            held.append(True)
            raise
    if not str(getattr(keras, "__version__", "")).startswith("3."):
        raise ImportError(f"keras {getattr(keras, '__version__', '?')} is not Keras 3")
    module: ModuleType = keras
    return module


@contextlib.contextmanager
def session() -> Iterator[EngineTracer]:
    """Run the block under Keras 3, recording its engine on the trace bus."""
    keras = import_engine()
    from keras.src.callbacks import callback, callback_list
    from keras.src.layers import layer

    keras.backend.clear_session()  # every run starts like a fresh process
    root = str(Path(str(keras.__file__)).resolve().parent / "src")
    tracer = EngineTracer(package="keras.src.", prefix="keras3.", source_root=root)
    with contextlib.ExitStack() as undo:
        undo.enter_context(common._flag_writes(layer.Layer, tracer))
        undo.enter_context(
            common._training_callback(callback_list.CallbackList, callback.Callback, tracer)
        )
        undo.enter_context(
            common._mnist_fallback(("keras.src.datasets.mnist", "keras.datasets.mnist"))
        )
        undo.enter_context(common._trace_while_tensorflow_traces(tracer))
        common._hide_properties(tracer, "keras.src.")
        previous = tracer.start()
        undo.callback(tracer.stop, previous)
        yield tracer
