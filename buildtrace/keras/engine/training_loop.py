"""What ``Model.fit``, ``evaluate`` and ``predict`` share, beside their loops.

The loops themselves are on ``Model`` (``keras/engine/training.py``), written as Keras
writes them. This module holds the small pieces around them: the ``CallbackList`` each
loop builds (with buildtrace's :class:`~buildtrace.keras.callbacks_trace.TraceEvents`,
which reports the loop on the trace bus), ``tf.function``-like tracing of the step
functions, and the shapes of what the loops return.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from buildtrace.keras.utils import tf_utils
from buildtrace.trace import BUS, suspended

if TYPE_CHECKING:
    from buildtrace.keras.callbacks import CallbackList
    from buildtrace.keras.engine.training import Model

#: ``fit`` arguments of Keras 1 that Keras 2 refuses with this message.
_FIT_KWARGS_REMOVED = {"nb_epoch": "epochs"}

#: ``fit``'s keywords for Keras's prefetching of Python generators and Sequences in worker
#: threads or processes. buildtrace reads batches in order in one thread: the batches, and
#: so the numbers, are the same; only the wall-clock time differs. Accepted and unused.
_FIT_KWARGS_PREFETCH = ("max_queue_size", "workers", "use_multiprocessing")


def callback_list(
    model: Model,
    callbacks: Any,
    add_history: bool = False,
    add_progbar: bool = False,
    **params: Any,
) -> CallbackList:
    """The loop's ``CallbackList``: the user's callbacks, then History, Progbar, TraceEvents.

    Mirrors: the ``if not isinstance(callbacks, CallbackList): callbacks = CallbackList(
    ...)`` step of Keras's loops. ``TraceEvents`` comes last, so each event is published
    once every other callback has seen the same stage (a callback's own ``predict`` in
    ``on_epoch_end`` lands inside the epoch, before ``epoch_end``).
    """
    from buildtrace.keras import callbacks as callbacks_module
    from buildtrace.keras.callbacks_trace import TraceEvents

    found: CallbackList
    if isinstance(callbacks, callbacks_module.CallbackList):
        found = callbacks
        found.set_params({**found.params, **params})
    else:
        found = callbacks_module.CallbackList(
            callbacks, add_history=add_history, add_progbar=add_progbar, model=model, **params
        )
    if not any(isinstance(c, TraceEvents) for c in found):
        trace = TraceEvents()
        trace.set_model(model)
        trace.set_params(found.params)
        found.append(trace)
    return found


def warn_deprecated_generator_method(method: str) -> None:
    """Keras's warning for ``fit_generator`` and its two siblings (same words, same class)."""
    warnings.warn(
        f"`Model.{method}_generator` is deprecated and will be removed in a future version. "
        f"Please use `Model.{method}`, which supports generators.",
        stacklevel=3,
    )


def get_verbosity(verbose: Any) -> int:
    """``"auto"`` is 1 (buildtrace has no parameter-server strategy that would make it 2)."""
    return 1 if verbose == "auto" else int(verbose)


def should_eval(epoch: int, validation_freq: Any) -> bool:
    """Whether to validate after ``epoch``: every n-th epoch, or the epochs listed.

    Mirrors: ``Model._should_eval``.

    Example:
        >>> [should_eval(e, 2) for e in range(4)], should_eval(2, [1, 3])
        ([False, True, False, True], True)
    """
    epoch = epoch + 1  # one-based, as users count epochs
    if isinstance(validation_freq, int):
        return epoch % validation_freq == 0
    if isinstance(validation_freq, list | tuple | set):
        return epoch in validation_freq
    raise ValueError(
        "Expected `validation_freq` to be a list or int. "
        f"Received: validation_freq={validation_freq} of the type {type(validation_freq)}."
    )


def check_fit_kwargs(kwargs: dict[str, Any]) -> None:
    """Refuse unknown ``fit`` keywords as Keras does."""
    for key in kwargs:
        if key in _FIT_KWARGS_PREFETCH:
            continue
        if key in _FIT_KWARGS_REMOVED:
            raise TypeError(f"`{key}` is not a valid argument; use `{_FIT_KWARGS_REMOVED[key]}`.")
        raise TypeError(f"Invalid keyword argument(s) in `fit`: {{'{key}'}}")


def concat_outputs(outputs: list[Any]) -> Any:
    """``predict``'s batches joined: one array, or one per output, or a dict of them."""
    if not outputs:
        raise ValueError(
            "Unexpected result of `predict_function` (Empty batch_outputs). Please use "
            "`Model.compile(..., run_eagerly=True)`, or `tf.config.run_functions_eagerly(True)`"
            " for more information of where went wrong, or file a issue/bug to `tf.keras`."
        )
    if isinstance(outputs[0], dict):
        return {key: np.concatenate([o[key] for o in outputs]) for key in outputs[0]}
    if isinstance(outputs[0], list):
        return [np.concatenate(parts) for parts in zip(*outputs)]
    return np.concatenate(outputs)


def trace_once(step: Any, to_logs: bool = False) -> Any:
    """``step``, traced event by event on its first call only, like a ``tf.function``.

    With ``to_logs``, the step's metric tensors come back as Python floats, as Keras's
    loops convert them (``tf_utils.sync_to_numpy_or_python_type``) before callbacks see them.
    """
    calls = 0

    def run(data: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1 or not BUS.active:
            out = step(data)  # the first call is traced; with no listener, nothing to hush
        else:
            with suspended():
                out = step(data)
        return tf_utils.sync_to_numpy_or_python_type(out) if to_logs else out

    return run


def logs_as_keras_returns(logs: dict[str, float], names: list[str], as_dict: bool) -> Any:
    """``evaluate``/``*_on_batch`` return a dict, one float, or a list in metric order."""
    if as_dict:
        return dict(logs)
    values = [logs[name] for name in names if name in logs]
    return values[0] if len(values) == 1 else values


def packed_step(model: Model, name: str) -> Any:
    """``train_step``/``test_step``; a user's own gets the batch as Keras packs it.

    A user's step unpacks ``x, y = data``: Keras hands it no None sample weights
    (``keras/engine/data_adapter.py::pack_x_y_sample_weight``).
    """
    from buildtrace.keras.engine.training import Model

    step = getattr(model, name)
    if getattr(type(model), name) is getattr(Model, name):
        return step

    def packed(data: Any) -> Any:
        present = tuple(d for d in data if d is not None)
        if len(present) == 1 and not isinstance(present[0], tuple):
            # x alone is handed over unwrapped, as Keras's pack_x_y_sample_weight does
            # (`fit(images)` for an autoencoder or a VAE: `train_step(self, images)`).
            return step(present[0])
        return step(present)

    return packed
